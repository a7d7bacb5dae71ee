// Starts ReDoc on the page that oapi-gen-server-runtime serves at /redoc. The URL of
// the OpenAPI document is the `data-openapi-url` attribute of the #redoc element.
"use strict";
(function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.dataset.openapiUrl, {}, root);
})();
