import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, StackProps } from 'aws-cdk-lib/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ApiType, RustApi, RustApiAuthorizer } from './rust-api';

/** The API-specific settings of a service's infrastructure (see `bin/service.ts`). */
export interface ServiceConfig {
  readonly name: string;
  /** Relative to the infra project directory (the one holding `cdk.json`). */
  readonly crateDir: string;
  /** Relative to the infra project directory. */
  readonly specPath: string;
  readonly binaryName: string;
  readonly serviceName: string;
  readonly metricsNamespace: string;
}

export interface ServiceStackProps extends StackProps {
  readonly service: ServiceConfig;
  readonly apiType: ApiType;
  /** @default 'iam' */
  readonly authorizer?: RustApiAuthorizer;
  /** @default ['*'] */
  readonly allowedOrigins?: string[];
  /** A directory holding the `bootstrap` executable. @default the `cargo lambda build` output of the crate */
  readonly lambdaAsset?: string;
}

/** The infra project directory: the nearest ancestor of this file holding `cdk.json`. */
export function infraDir(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'cdk.json'))) return dir;
  }
  throw new Error(`no cdk.json above ${__dirname}`);
}

/** A stack holding one service. */
export class ServiceStack extends Stack {
  public readonly api: RustApi;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const root = infraDir();
    const { service } = props;
    let code: lambda.Code | undefined;
    if (props.lambdaAsset !== undefined) {
      const asset = path.resolve(props.lambdaAsset);
      if (!fs.existsSync(path.join(asset, 'bootstrap'))) {
        throw new Error(`lambdaAsset ${asset} holds no \`bootstrap\` executable`);
      }
      code = lambda.Code.fromAsset(asset);
    }
    this.api = new RustApi(this, service.name, {
      apiType: props.apiType,
      specPath: path.resolve(root, service.specPath),
      serviceName: service.serviceName,
      metricsNamespace: service.metricsNamespace,
      code,
      crateDir: path.resolve(root, service.crateDir),
      binaryName: service.binaryName,
      authorizer: props.authorizer,
      allowedOrigins: props.allowedOrigins,
    });
  }
}
