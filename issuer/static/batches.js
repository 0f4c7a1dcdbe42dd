// Batch pages, progressive enhancement (the pages work without it: a <noscript> refresh).
// 1. While a batch is being issued, poll its progress and move the <progress> bar; reload
//    the page when it is done, so the summary shows.
// 2. The offers file can be downloaded once: after the click, say so instead of the button.
"use strict";
(function () {
  var bar = document.getElementById("batch-progress");
  if (bar) {
    var url = bar.getAttribute("data-status-url");
    var poll = function () {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error("not logged in"); }
          return response.json();
        })
        .then(function (body) {
          bar.value = body.progress;
          bar.textContent = body.progress + "%";
          document.querySelectorAll("[data-count]").forEach(function (el) {
            var name = el.getAttribute("data-count");
            var value = name === "progress" ? body.progress : body.counts[name];
            if (value !== undefined) { el.textContent = String(value); }
          });
          if (body.finished) { window.location.reload(); return; }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(function () { window.location.reload(); }, 5000); });
    };
    window.setTimeout(poll, 1000);
  }
  document.querySelectorAll("a[data-once]").forEach(function (link) {
    link.addEventListener("click", function () {
      var note = document.getElementById(link.getAttribute("data-once"));
      window.setTimeout(function () {
        link.hidden = true;
        if (note) { note.hidden = false; }
      }, 200);
    });
  });
})();
