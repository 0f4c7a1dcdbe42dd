// Waiting page of "Vraag om bewijs": ask every two seconds whether the wallet answered,
// then reload (the server sends the result page). Without JavaScript a meta refresh does it.
(function () {
  "use strict";
  var box = document.getElementById("request");
  if (!box) { return; }
  var url = box.getAttribute("data-state-url");
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { state: "unknown" }; })
      .then(function (body) {
        if (body.state === "pending") {
          window.setTimeout(poll, tries < 150 ? 2000 : 10000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
