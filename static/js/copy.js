// Copy buttons: <button class="copy-button" data-copy-target="ID" hidden> copies the text of the
// element with that id (a text box's value, or an element's text). The buttons stay hidden without
// JavaScript; the text can still be selected by hand. Safe to include more than once.
(function () {
  "use strict";
  var root = document.documentElement;
  if (root.hasAttribute("data-copy-ready")) {
    return;
  }
  root.setAttribute("data-copy-ready", "");

  function textOf(target) {
    if ("value" in target && typeof target.value === "string") {
      return target.value;
    }
    return target.textContent.replace(/\s+/g, " ").trim();
  }

  function fallbackCopy(text) {
    var box = document.createElement("textarea");
    box.value = text;
    box.setAttribute("readonly", "");
    box.className = "visually-hidden";
    document.body.appendChild(box);
    box.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    document.body.removeChild(box);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      });
    }
    return fallbackCopy(text);
  }

  function announce(button, message) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) {
      status.textContent = message;
    }
  }

  function setUp() {
    var buttons = document.querySelectorAll("button.copy-button[data-copy-target]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button.copy-button[data-copy-target]");
      if (!button) {
        return;
      }
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target) {
        return;
      }
      copy(textOf(target)).then(
        function () {
          announce(button, "Copied.");
        },
        function () {
          if (target.select) {
            target.select();
          }
          announce(button, "Press Ctrl+C (or ⌘C) to copy the selected text.");
        }
      );
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
