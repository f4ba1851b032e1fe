// The API reference: Swagger UI reading /api/v1/openapi.json. Loaded as a file, not inline, so the
// Content-Security-Policy stays strict; the schema's address comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  root.textContent = "";
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    // Reading only, on this site: no outside validator badge, no methods other than GET.
    validatorUrl: null,
    supportedSubmitMethods: ["get"],
    tryItOutEnabled: false,
  });
})();
