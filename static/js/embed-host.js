// Included by the embed code on other sites: sizes each tracker iframe to the height its page reports.
// Only messages from the tracker's own origin (taken from this script's address) are believed, and
// only the iframe that sent a message is resized.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var origin = new URL(script.src, document.baseURI).origin;
  var flag = "trackerEmbedHost:" + origin;
  if (window[flag]) {
    return; // several embeds on one page share one listener
  }
  window[flag] = true;

  var MIN_HEIGHT = 80;
  var MAX_HEIGHT = 20000;

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) {
      return;
    }
    var data = event.data;
    if (!data || data.type !== "tracker:embed-height") {
      return;
    }
    var height = Number(data.height);
    if (!isFinite(height)) {
      return;
    }
    height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(height)));
    var frames = document.querySelectorAll("iframe[data-tracker-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].setAttribute("height", String(height));
        frames[i].style.height = height + "px";
        return;
      }
    }
  });
})();
