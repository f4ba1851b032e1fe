// The editors' "cite from the source" page: a passage selected in the archived text (or a paragraph's
// "Quote this paragraph" button) fills the form's quote and locator, and the links to the other forms.
// Without JavaScript the buttons are plain links that reload the page with the paragraph filled in.
(function () {
  "use strict";
  var text = document.getElementById("source-text");
  var quote = document.getElementById("id_quote");
  var locator = document.getElementById("id_locator");
  if (!text || !quote || !locator) {
    return;
  }
  var status = document.createElement("p");
  status.className = "cite-status";
  status.setAttribute("role", "status");
  quote.parentNode.parentNode.appendChild(status);

  function collapse(value) {
    return value.replace(/\s+/g, " ").trim();
  }

  function updateLinks(q, where) {
    ["pledge", "membership", "meeting", "headlinecount"].forEach(function (name) {
      var link = document.getElementById("cite-link-" + name);
      if (!link) {
        return;
      }
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("cite_quote", q);
      url.searchParams.set("cite_locator", where);
      link.href = url.toString();
    });
  }

  function use(q, where) {
    quote.value = q;
    locator.value = where;
    updateLinks(q, where);
    // The sentence in the editor's language comes from the page ("{where}" marks the locator).
    var taken = text.getAttribute("data-taken") || "Quote taken from {where}. Trim it if you need less.";
    status.textContent = taken.replace("{where}", where.toLowerCase());
  }

  function paragraphOf(node) {
    while (node && node !== text) {
      if (node.nodeType === 1 && node.classList.contains("cite-paragraph")) {
        return node;
      }
      node = node.parentNode;
    }
    return null;
  }

  var pending = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
        return;
      }
      var range = selection.getRangeAt(0);
      if (!text.contains(range.commonAncestorContainer)) {
        return;
      }
      // Only the words of the text, never the paragraph numbers or buttons.
      var fragment = range.cloneContents();
      fragment.querySelectorAll(".cite-number, .cite-use, .cite-part").forEach(function (el) {
        el.remove();
      });
      var q = collapse(fragment.textContent || "");
      if (!q) {
        return;
      }
      var first = paragraphOf(range.startContainer);
      use(q, first ? first.getAttribute("data-locator") : "");
    }, 250);
  });

  text.addEventListener("click", function (event) {
    var button = event.target.closest(".cite-use");
    if (!button) {
      return;
    }
    event.preventDefault();
    use(button.getAttribute("data-quote"), button.getAttribute("data-locator"));
    quote.focus();
  });
})();
