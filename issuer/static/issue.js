// Progressive enhancement for the issue form: ticking a whole kerntaak ticks (and greys out)
// its werkprocessen, because the kerntaak already covers them. The form works without it.
"use strict";
document.querySelectorAll("fieldset.kerntaak").forEach(function (set) {
  var whole = set.querySelector("input.whole-kerntaak");
  if (!whole) { return; }
  var parts = set.querySelectorAll("input[type=checkbox]:not(.whole-kerntaak)");
  function sync() {
    parts.forEach(function (box) {
      box.disabled = whole.checked;
      if (whole.checked) { box.checked = false; }
    });
  }
  whole.addEventListener("change", sync);
  sync();
});
