// The service this CDK app deploys: the only API-specific file of `infra/`
// (written by `oapi-gen new {{name}}`; everything else is generic).
import { ServiceConfig } from '../lib/service-stack';

export const SERVICE: ServiceConfig = {
  /** Stack name, key in the stack's RuntimeConfig, prefix of the URL output. */
  name: '{{pascal}}',
  /** The crate, relative to this `infra/` directory. */
  crateDir: '..',
  /** The OpenAPI document, relative to this `infra/` directory. */
  specPath: '../openapi.yaml',
  /** The binary serving the API (`cargo lambda build` writes `target/lambda/<it>/bootstrap`). */
  binaryName: '{{name}}',
  /** `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE`. */
  serviceName: '{{name}}',
  metricsNamespace: '{{pascal}}',
};
