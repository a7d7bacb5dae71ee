// Starts Swagger UI on the page that oapi-gen-server-runtime serves at /docs, with
// FastAPI's settings. The URL of the OpenAPI document is the `data-openapi-url`
// attribute of the #swagger-ui element. No validator badge: it would send the document
// to an outside service.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
