// "Vraag om bewijs" through the browser's Digital Credentials API (OpenID4VP over the DC
// API, protocol openid4vp-v1-signed). Shown only where the browser has it
// ('DigitalCredential' in window); elsewhere the QR code and the link remain.
(function () {
  "use strict";
  var box = document.getElementById("dc-api");
  var button = document.getElementById("dc-api-button");
  var text = document.getElementById("dc-api-text");
  if (!box || !button || !text) { return; }
  if (!("DigitalCredential" in window) || !navigator.credentials || !navigator.credentials.get) {
    return;
  }
  box.hidden = false;
  var url = button.getAttribute("data-request-url");
  var csrf = button.getAttribute("data-csrf");
  function say(name) { text.textContent = button.getAttribute(name) || ""; }
  button.addEventListener("click", function () {
    button.disabled = true;
    say("data-wait");
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("request"); }
        return response.json();
      })
      .then(function (made) {
        return navigator.credentials.get({
          mediation: "required",
          digital: { requests: [{ protocol: made.protocol, data: made.data }] }
        });
      })
      .then(function (credential) {
        if (!credential || !credential.data) { throw new Error("empty"); }
        var data = typeof credential.data === "string" ? JSON.parse(credential.data) : credential.data;
        return fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ data: data })
        });
      })
      .then(function (response) {
        if (!response.ok) { throw new Error("answer"); }
        window.location.reload();
      })
      .catch(function () {
        button.disabled = false;
        say("data-failed");
      });
  });
}());
