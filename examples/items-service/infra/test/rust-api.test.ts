import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { CfnElement, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { stringify as toYaml } from 'yaml';
import { ApiType, CORS_ALLOW_HEADERS, RustApi, RustApiProps } from '../lib/rust-api';
import { dummyCode, newStack, SPEC, specRouteKeys, tempDir } from './helpers';

const HEADERS = ['authorization', 'content-type', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];

function build(apiType: ApiType, props: Partial<RustApiProps> = {}, stack: Stack = newStack()) {
  const api = new RustApi(stack, 'ItemsApi', {
    apiType,
    specPath: SPEC,
    serviceName: 'items-service',
    metricsNamespace: 'ItemsApi',
    code: dummyCode(),
    ...props,
  });
  return { stack, api };
}

/** The single resource of a type in a template, as `[logicalId, resource]`. */
function only(template: Template, type: string): [string, any] {
  const found = Object.entries(template.findResources(type));
  assert.equal(found.length, 1, `one ${type}`);
  return found[0];
}

/** A CloudFormation string expression with `<Ref X>` / `<GetAtt X.Y>` placeholders for the deploy-time values. */
function evaluate(value: any): string {
  if (typeof value === 'string') return value;
  if (value.Ref) return `<Ref ${value.Ref}>`;
  if (value['Fn::GetAtt']) return `<GetAtt ${value['Fn::GetAtt'].join('.')}>`;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(evaluate).join(value['Fn::Join'][0]);
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

/** The logical id of a construct's CloudFormation resource. */
function logicalId(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The statements of every IAM policy of a template. */
function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy: any) => policy.Properties.PolicyDocument.Statement,
  );
}

for (const [apiType, mode] of [
  ['api-gateway', 'buffered'],
  ['function-url', 'streaming'],
] as const) {
  describe(`${apiType}: the function`, () => {
    const { stack } = build(apiType, { allowedOrigins: ['https://a.example', 'https://b.example'], environment: { RUST_LOG: 'info' } });
    const template = Template.fromStack(stack);

    test('is provided.al2023 on arm64 with handler bootstrap and X-Ray tracing', () => {
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'provided.al2023',
        Architectures: ['arm64'],
        Handler: 'bootstrap',
        TracingConfig: { Mode: 'Active' },
        MemorySize: 256,
        Timeout: apiType === 'api-gateway' ? 30 : 300,
      });
      // Active tracing lets the function send segments to X-Ray.
      assert.ok(statements(template).some((s) => [s.Action].flat().includes('xray:PutTraceSegments')));
    });

    test(`has the Powertools, CORS and OAPI_GEN_LAMBDA_MODE=${mode} environment`, () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'items-service',
            POWERTOOLS_METRICS_NAMESPACE: 'ItemsApi',
            OAPI_GEN_LAMBDA_MODE: mode,
            ALLOWED_ORIGINS: 'https://a.example,https://b.example',
            RUST_LOG: 'info',
          },
        },
      });
    });

    test('logs to its own log group with a retention', () => {
      const [logGroupId, logGroup] = only(template, 'AWS::Logs::LogGroup');
      assert.equal(logGroup.Properties.RetentionInDays, 30);
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: logGroupId } },
      });
    });

    test('exposes its URL as a stack output and in the RuntimeConfig output', () => {
      const outputs = template.toJSON().Outputs;
      const url = outputs.ItemsApiUrl?.Value;
      assert.ok(url, 'an ItemsApiUrl output');
      if (apiType === 'function-url') {
        const [urlId] = only(template, 'AWS::Lambda::Url');
        assert.deepEqual(url, { 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
      } else {
        const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
        assert.match(JSON.stringify(url), new RegExp(`"Ref":"${apiId}".*execute-api`));
      }
      // {"apis":{"ItemsApi":<url>}}, with the URL spliced into the JSON at deploy time.
      const config = JSON.parse(evaluate(outputs.RuntimeConfig.Value));
      assert.deepEqual(config, { apis: { ItemsApi: evaluate(url) } });
      assert.match(config.apis.ItemsApi, apiType === 'api-gateway' ? /^https:\/\/<Ref .*>\.execute-api\./ : /^<GetAtt .*FunctionUrl>$/);
    });

    test('synthesizes without warnings or errors', () => {
      const annotations = Annotations.fromStack(stack);
      assert.deepEqual(annotations.findWarning('*', Match.anyValue()), []);
      assert.deepEqual(annotations.findError('*', Match.anyValue()), []);
    });

    test('refuses environment variables it manages', () => {
      assert.throws(
        () => build(apiType, { environment: { OAPI_GEN_LAMBDA_MODE: 'buffered' } }),
        /OAPI_GEN_LAMBDA_MODE is set by the construct/,
      );
    });
  });
}

describe('api-gateway', () => {
  test('HTTP API with CORS preflight: origins, all methods, exactly the SigV4/JSON headers', () => {
    assert.deepEqual(CORS_ALLOW_HEADERS, HEADERS);
    const template = Template.fromStack(build('api-gateway').stack);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: ['*'],
        AllowHeaders: HEADERS,
        ExposeHeaders: ['x-correlation-id'],
      },
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.resourceCountIs('AWS::Lambda::Url', 0);
  });

  test('one route per operation of the document, IAM-authorized, all to one Lambda integration', () => {
    const template = Template.fromStack(build('api-gateway').stack);
    const expected = specRouteKeys(SPEC);
    assert.ok(expected.includes('GET /items/{item_id}'));
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r: any) => r.Properties);
    assert.deepEqual(routes.map((r) => r.RouteKey).sort(), [...expected].sort());
    const [integrationId, integration] = only(template, 'AWS::ApiGatewayV2::Integration');
    assert.equal(integration.Properties.IntegrationType, 'AWS_PROXY');
    assert.equal(integration.Properties.PayloadFormatVersion, '2.0');
    for (const route of routes) {
      assert.equal(route.AuthorizationType, 'AWS_IAM', route.RouteKey);
      assert.deepEqual(route.Target, { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] });
    }
    // One invoke permission for the whole API, however many routes.
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
  });

  test('route keys of a YAML document: path templates map directly', () => {
    const dir = tempDir('spec');
    const specPath = path.join(dir, 'openapi.yaml');
    const ok = { responses: { '200': { description: 'ok' } } };
    fs.writeFileSync(
      specPath,
      toYaml({
        openapi: '3.0.3',
        info: { title: 'T', version: '1' },
        paths: {
          '/items': { get: ok, post: ok },
          '/items/{item_id}': { parameters: [], get: ok, put: ok, delete: ok, summary: 'not an operation' },
          '/items/{item_id}/tags/{tag}': { patch: ok, head: ok },
        },
      }),
    );
    const { stack, api } = build('api-gateway', { specPath });
    assert.equal(api.operations.length, 7);
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map(
      (r: any) => r.Properties.RouteKey,
    );
    assert.deepEqual(keys.sort(), [
      'DELETE /items/{item_id}',
      'GET /items',
      'GET /items/{item_id}',
      'HEAD /items/{item_id}/tags/{tag}',
      'PATCH /items/{item_id}/tags/{tag}',
      'POST /items',
      'PUT /items/{item_id}',
    ]);
  });

  test('documents API Gateway cannot route are errors naming the JSON pointer', () => {
    const dir = tempDir('spec');
    const write = (name: string, paths: object) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify({ openapi: '3.1.0', info: { title: 'T', version: '1' }, paths }));
      return file;
    };
    const ok = { responses: {} };
    assert.throws(
      () => build('api-gateway', { specPath: write('partial.json', { '/report.{format}': { get: ok } }) }),
      /partial\.json#\/paths\/~1report\.\{format\}: API Gateway routes need path parameters that fill a whole segment/,
    );
    assert.throws(
      () => build('api-gateway', { specPath: write('trace.json', { '/x': { trace: ok } }) }),
      /trace\.json#\/paths\/~1x\/trace: API Gateway HTTP APIs have no TRACE routes/,
    );
    assert.throws(
      () => build('api-gateway', { specPath: write('same.json', { '/a/{x}': { get: ok }, '/a/{y}': { put: ok, get: ok } }) }),
      /same\.json#\/paths\/~1a~1\{y\}\/get: the same route as GET \/a\/\{x\} for API Gateway/,
    );
    assert.throws(() => build('api-gateway', { specPath: write('empty.json', {}) }), /#\/paths: the document has no operations/);
    assert.throws(() => build('api-gateway', { specPath: path.join(dir, 'missing.yaml') }), /cannot read the OpenAPI document/);
  });

  test("authorizer 'none': routes without authorization", () => {
    const template = Template.fromStack(build('api-gateway', { authorizer: 'none' }).stack);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as any[];
    assert.ok(routes.length > 0);
    for (const route of routes) assert.equal(route.Properties.AuthorizationType, 'NONE');
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  test('Cognito authorizer: a JWT authorizer for the user pool and its clients on every route', () => {
    const stack = newStack();
    const userPool = new cognito.UserPool(stack, 'UserPool');
    const client = userPool.addClient('WebClient');
    build('api-gateway', { authorizer: { cognito: { userPool, userPoolClients: [client] } } }, stack);
    const template = Template.fromStack(stack);
    const [poolId] = only(template, 'AWS::Cognito::UserPool');
    const [clientId] = only(template, 'AWS::Cognito::UserPoolClient');
    const [authorizerId] = only(template, 'AWS::ApiGatewayV2::Authorizer');
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('cognito-idp'), { Ref: poolId }])],
        }),
      },
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as any[];
    assert.equal(routes.length, specRouteKeys(SPEC).length);
    for (const route of routes) {
      assert.equal(route.Properties.AuthorizationType, 'JWT');
      assert.deepEqual(route.Properties.AuthorizerId, { Ref: authorizerId });
    }
  });

  test('any IHttpRouteAuthorizer is used as given', () => {
    const template = Template.fromStack(build('api-gateway', { authorizer: new HttpIamAuthorizer() }).stack);
    template.allResourcesProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'AWS_IAM' });
  });

  test('grantInvokeAccess: execute-api:Invoke on every stage, method and route of the API', () => {
    const { stack, api } = build('api-gateway');
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvokeAccess(role);
    const template = Template.fromStack(stack);
    const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
    const roleId = logicalId(role);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':execute-api:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':',
                  { Ref: apiId },
                  '/*/*/*',
                ],
              ],
            },
          },
        ],
      },
    });
  });
});

describe('function-url', () => {
  test('a response-streaming, IAM-authorized Function URL with CORS, and no HTTP API', () => {
    const template = Template.fromStack(build('function-url', { allowedOrigins: ['https://app.example'] }).stack);
    const [functionId] = only(template, 'AWS::Lambda::Function');
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      TargetFunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] },
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
      Cors: {
        AllowOrigins: ['https://app.example'],
        AllowMethods: ['*'],
        AllowHeaders: HEADERS,
        ExposeHeaders: ['x-correlation-id'],
      },
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
  });

  test('grantInvokeAccess: lambda:InvokeFunctionUrl on the function, for IAM-authorized URLs only', () => {
    const { stack, api } = build('function-url');
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    api.grantInvokeAccess(role);
    const template = Template.fromStack(stack);
    const [functionId] = only(template, 'AWS::Lambda::Function');
    const roleId = logicalId(role);
    const arn = { 'Fn::GetAtt': [functionId, 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunctionUrl',
            Resource: arn,
            Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
          },
        ]),
      },
    });
    // AWS also requires lambda:InvokeFunction of Function URL callers, through the URL only.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: arn,
            Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } },
          },
        ]),
      },
    });
  });

  test('only IAM authorization', () => {
    assert.throws(() => build('function-url', { authorizer: 'none' }), /a function-url API is authorized with IAM only/);
  });
});

describe('code', () => {
  test('defaults to the cargo lambda build of the binary, with a clear error when it is missing', () => {
    const crate = tempDir('crate');
    fs.writeFileSync(path.join(crate, 'Cargo.toml'), '[package]\nname = "demo"\n');
    const props = { code: undefined, crateDir: crate, binaryName: 'demo' };
    const saved = process.env.CARGO_TARGET_DIR;
    delete process.env.CARGO_TARGET_DIR;
    try {
      assert.throws(
        () => build('api-gateway', props),
        /no Lambda build of demo at .*target\/lambda\/demo\/bootstrap\. Build it first with `cargo lambda build --release --arm64 --bin demo`/,
      );
      fs.mkdirSync(path.join(crate, 'target', 'lambda', 'demo'), { recursive: true });
      fs.writeFileSync(path.join(crate, 'target', 'lambda', 'demo', 'bootstrap'), '');
      const template = Template.fromStack(build('api-gateway', props).stack);
      template.resourceCountIs('AWS::Lambda::Function', 1);
      assert.throws(() => build('api-gateway', { code: undefined }), /give either `code` or both `crateDir` and `binaryName`/);
    } finally {
      if (saved !== undefined) process.env.CARGO_TARGET_DIR = saved;
    }
  });
});
