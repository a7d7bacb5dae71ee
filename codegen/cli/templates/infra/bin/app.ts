#!/usr/bin/env node
// The CDK app: one stack for the service of `bin/service.ts`, configured by context:
//
//   -c apiType=api-gateway|function-url   front door (default api-gateway)
//   -c authorizer=iam|none                api-gateway authorization (default iam)
//   -c allowedOrigins=https://a,https://b CORS origins (default *)
//   -c lambdaAsset=DIR                    the function's code (default: the crate's
//                                         `cargo lambda build --release --arm64` output)
//
// No environment (account/region) is set, so synth needs no AWS account or lookups.
import { App } from 'aws-cdk-lib/core';
import { ApiType } from '../lib/rust-api';
import { ServiceStack } from '../lib/service-stack';
import { SERVICE } from './service';

const app = new App();

function context(name: string, allowed?: string[]): string | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || (allowed && !allowed.includes(value))) {
    throw new Error(`context ${name}=${String(value)}: expected ${allowed ? allowed.join(' or ') : 'a string'}`);
  }
  return value;
}

const apiType = (context('apiType', ['api-gateway', 'function-url']) ?? 'api-gateway') as ApiType;
const authorizer = context('authorizer', ['iam', 'none']) as 'iam' | 'none' | undefined;
const allowedOrigins = context('allowedOrigins')?.split(',').map((origin) => origin.trim());

try {
  new ServiceStack(app, SERVICE.name, {
    service: SERVICE,
    apiType,
    authorizer,
    allowedOrigins,
    lambdaAsset: context('lambdaAsset'),
    description: `${SERVICE.name} (${apiType})`,
  });
} catch (e) {
  // A missing build or a bad document is a user error: print its message, not a stack trace.
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
app.synth();
