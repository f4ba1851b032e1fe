// Runs inside the embed page: tells the page that frames it how tall the content is, so the host's
// embed-host.js can size the iframe to fit. The data is public, so any parent may receive it.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var content = document.getElementById("embed") || document.body;
  var last = 0;

  function postHeight() {
    var height = Math.ceil(content.getBoundingClientRect().height);
    if (height === last || height <= 0) {
      return;
    }
    last = height;
    window.parent.postMessage({ type: "tracker:embed-height", height: height }, "*");
  }

  window.addEventListener("load", postHeight);
  if ("ResizeObserver" in window) {
    new ResizeObserver(postHeight).observe(content);
  } else {
    window.addEventListener("resize", postHeight);
  }
  postHeight();
})();
