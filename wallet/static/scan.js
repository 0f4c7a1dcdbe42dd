/* Scan a QR code on the receive page: with the camera (getUserMedia + jsQR on canvas frames),
   or from a photo. Progressive enhancement: without JavaScript or a camera the paste field
   works as before. What is read goes to /receive?offer=…, which shows who offers what.
   An https link to this wallet's own /receive page is opened as it is. */
(function () {
  "use strict";
  var root = document.getElementById("qr-scan");
  if (!root || typeof window.jsQR !== "function") return;
  var startButton = document.getElementById("qr-scan-start");
  var stopButton = document.getElementById("qr-scan-stop");
  var photo = document.getElementById("qr-scan-photo");
  var video = document.getElementById("qr-scan-video");
  var status = document.getElementById("qr-scan-status");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  root.hidden = false;

  function say(key) { status.textContent = root.getAttribute("data-msg-" + key) || ""; }

  function open(text) {
    text = (text || "").trim();
    if (!text) return false;
    var target;
    try {
      var url = new URL(text, window.location.href);
      if (url.origin === window.location.origin && url.pathname === "/receive") target = url.href;
    } catch (e) { /* not a URL: an offer JSON or openid-credential-offer:// link */ }
    stop();
    say("found");
    window.location.assign(target || "/receive?offer=" + encodeURIComponent(text));
    return true;
  }

  function decode(source, width, height) {
    if (!width || !height) return null;
    var scale = Math.min(1, 1024 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return found && found.data ? found.data : null;
  }

  function frame() {
    if (!stream) return;
    if (video.readyState >= 2) {
      var text = decode(video, video.videoWidth, video.videoHeight);
      if (text && open(text)) return;
    }
    window.requestAnimationFrame(frame);
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = !canFilm;
  }

  var canFilm = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  startButton.hidden = !canFilm;
  startButton.addEventListener("click", function () {
    say("starting");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        say("looking");
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(frame); })
      .catch(function () { stop(); say("denied"); });
  });
  stopButton.addEventListener("click", function () { stop(); say("stopped"); });

  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file) return;
    var reader = new FileReader();  /* a data: URL: the CSP allows img-src data:, not blob: */
    reader.onload = function () {
      var image = new Image();
      image.onload = function () {
        if (!open(decode(image, image.naturalWidth, image.naturalHeight))) say("none");
      };
      image.onerror = function () { say("none"); };
      image.src = String(reader.result);
    };
    reader.onerror = function () { say("none"); };
    reader.readAsDataURL(file);
  });
})();
