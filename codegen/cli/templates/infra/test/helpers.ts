import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { parse as parseYaml } from 'yaml';
import { SERVICE } from '../bin/service';
import { infraDir } from '../lib/service-stack';

/** The infra project directory (holding `cdk.json`). */
export const INFRA = infraDir();

/** The service's OpenAPI document. */
export const SPEC = path.resolve(INFRA, SERVICE.specPath);

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `oapi-gen-infra-${prefix}-`));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A stand-in for `cargo lambda build` output: a directory with a dummy `bootstrap`. */
export function dummyAsset(): string {
  const dir = tempDir('asset');
  fs.writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  return dir;
}

let asset: string | undefined;
/** Code from a shared dummy asset directory. */
export function dummyCode(): lambda.Code {
  asset ??= dummyAsset();
  return lambda.Code.fromAsset(asset);
}

/** A stack in an app with the feature flags of `cdk.json`, as `cdk synth` runs it. */
export function newStack(id = 'TestStack'): Stack {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(INFRA, 'cdk.json'), 'utf8'));
  const app = new App({ context: cdkJson.context });
  return new Stack(app, id);
}

/**
 * The `METHOD /path` keys of a document's operations, read independently of
 * `lib/openapi.ts`.
 */
export function specRouteKeys(specPath: string): string[] {
  const text = fs.readFileSync(specPath, 'utf8');
  const doc = specPath.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  const keys: string[] = [];
  for (const [route, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']) {
      if (item[method]) keys.push(`${method.toUpperCase()} ${route}`);
    }
  }
  return keys;
}
