/* Copy buttons: <button data-copy="ID"> copies the value of the field with that id.
   Progressive enhancement: the buttons stay hidden without JavaScript (the field can still be
   selected and copied by hand). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector('[data-copy-status="' + button.getAttribute("data-copy") + '"]');
    if (!field) return;
    button.hidden = false;
    function say(text) { if (status) status.textContent = text; }
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      var done = function () { say(button.getAttribute("data-copied")); };
      var fallback = function () {
        try {
          if (document.execCommand("copy")) { done(); return; }
        } catch (e) { /* fall through */ }
        say(button.getAttribute("data-failed"));
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
