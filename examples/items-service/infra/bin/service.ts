// The service this CDK app deploys: the only API-specific file of `infra/`.
// (`oapi-gen new NAME` writes it for a new project; everything else is generic.)
// ANCHOR: service
import { ServiceConfig } from '../lib/service-stack';

export const SERVICE: ServiceConfig = {
  /** Stack name, key in the stack's RuntimeConfig, prefix of the URL output. */
  name: 'ItemsApi',
  /** The crate, relative to this `infra/` directory. */
  crateDir: '..',
  /** The OpenAPI document, relative to this `infra/` directory. */
  specPath: '../openapi.json',
  /** The binary serving the API (`cargo lambda build` writes `target/lambda/<it>/bootstrap`). */
  binaryName: 'items-service',
  /** `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE`. */
  serviceName: 'items-service',
  metricsNamespace: 'ItemsApi',
};
// ANCHOR_END: service
