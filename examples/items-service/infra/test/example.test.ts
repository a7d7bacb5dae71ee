// The construct as the book shows it (`book/src/deploy.md` includes the anchors below).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, Stack, StackProps } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { parse as parseYaml } from 'yaml';
import { RustApi } from '../lib/rust-api';
import { INFRA, SPEC, specRouteKeys, tempDir } from './helpers';

// ANCHOR: streaming
export class StreamingStack extends Stack {
  constructor(scope: Construct, id: string, crateDir: string, props?: StackProps) {
    super(scope, id, props);
    const api = new RustApi(this, 'ItemsApi', {
      apiType: 'function-url', // response streaming, IAM (SigV4) only
      specPath: path.join(crateDir, 'openapi.json'),
      crateDir, // code: <target>/lambda/items-service of `cargo lambda build`
      binaryName: 'items-service',
      serviceName: 'items-service',
      metricsNamespace: 'ItemsApi',
      allowedOrigins: ['https://app.example.com'],
    });
    // Whoever assumes this role may call the API with SigV4-signed requests.
    const caller = new iam.Role(this, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvokeAccess(caller);
  }
}
// ANCHOR_END: streaming

// ANCHOR: cognito
export class CognitoStack extends Stack {
  constructor(scope: Construct, id: string, crateDir: string, props?: StackProps) {
    super(scope, id, props);
    const userPool = new cognito.UserPool(this, 'Users');
    const webClient = userPool.addClient('Web');
    new RustApi(this, 'ItemsApi', {
      apiType: 'api-gateway', // buffered responses, one route per operation
      specPath: path.join(crateDir, 'openapi.json'),
      crateDir,
      binaryName: 'items-service',
      serviceName: 'items-service',
      metricsNamespace: 'ItemsApi',
      // Requests carry `Authorization: <Cognito ID or access token>`.
      authorizer: { cognito: { userPool, userPoolClients: [webClient] } },
    });
  }
}
// ANCHOR_END: cognito

/** A crate directory as after `cargo lambda build --release --arm64`, with a dummy bootstrap. */
function builtCrate(): string {
  const crate = tempDir('crate');
  const spec: unknown = parseYaml(fs.readFileSync(SPEC, 'utf8')); // YAML or JSON
  fs.writeFileSync(path.join(crate, 'openapi.json'), JSON.stringify(spec));
  const bin = path.join(crate, 'target', 'lambda', 'items-service');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'bootstrap'), '', { mode: 0o755 });
  return crate;
}

function app(): App {
  delete process.env.CARGO_TARGET_DIR;
  return new App({ context: JSON.parse(fs.readFileSync(path.join(INFRA, 'cdk.json'), 'utf8')).context });
}

test('the streaming example: a Function URL and a caller allowed to invoke it', () => {
  const template = Template.fromStack(new StreamingStack(app(), 'Streaming', builtCrate()));
  template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM', AuthType: 'AWS_IAM' });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ OAPI_GEN_LAMBDA_MODE: 'streaming' }) },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunctionUrl' })]) },
  });
  assert.ok(template.toJSON().Outputs.ItemsApiUrl);
});

test('the Cognito example: JWT-authorized routes for every operation', () => {
  const template = Template.fromStack(new CognitoStack(app(), 'Cognito', builtCrate()));
  template.resourceCountIs('AWS::ApiGatewayV2::Route', specRouteKeys(SPEC).length);
  template.allResourcesProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'JWT' });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ OAPI_GEN_LAMBDA_MODE: 'buffered' }) },
  });
});
