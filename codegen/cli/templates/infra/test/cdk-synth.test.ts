// Runs the real `cdk synth` CLI on the app, offline and without AWS credentials.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SERVICE } from '../bin/service';
import { dummyAsset, INFRA, SPEC, specRouteKeys, tempDir } from './helpers';

const CDK = require.resolve('aws-cdk/bin/cdk');

function cdk(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CDK, ...args, '--no-notices'], {
    cwd: INFRA,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CI: 'true',
      // No credentials: synth must not need them.
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
    timeout: 240_000,
  });
  return { ...result, output: `${result.stdout}\n${result.stderr}` };
}

for (const apiType of ['api-gateway', 'function-url']) {
  test(`cdk synth -c apiType=${apiType} writes the template`, () => {
    const out = tempDir('cdk-out');
    const run = cdk(['synth', '--quiet', '-o', out, '-c', `apiType=${apiType}`, '-c', `lambdaAsset=${dummyAsset()}`]);
    assert.equal(run.status, 0, run.output);
    const template = JSON.parse(fs.readFileSync(path.join(out, `${SERVICE.name}.template.json`), 'utf8'));
    const types = Object.values<any>(template.Resources).map((r) => r.Type);
    const count = (type: string) => types.filter((t) => t === type).length;
    assert.equal(count('AWS::Lambda::Function'), 1);
    if (apiType === 'api-gateway') {
      assert.equal(count('AWS::ApiGatewayV2::Route'), specRouteKeys(SPEC).length);
      assert.equal(count('AWS::Lambda::Url'), 0);
    } else {
      assert.equal(count('AWS::Lambda::Url'), 1);
      assert.equal(count('AWS::ApiGatewayV2::Api'), 0);
    }
    assert.ok(template.Outputs[`${SERVICE.name}Url`], 'the URL output');
    assert.ok(template.Outputs.RuntimeConfig, 'the RuntimeConfig output');
  });
}

test('cdk synth without a Lambda build fails with instructions', () => {
  const run = cdk(['synth', '--quiet', '-o', tempDir('cdk-out')], { CARGO_TARGET_DIR: tempDir('empty-target') });
  assert.notEqual(run.status, 0);
  assert.match(run.output, /no Lambda build of .* Build it first with `cargo lambda build --release --arm64/);
  assert.doesNotMatch(run.output, /\n\s+at /, 'no stack trace');
});
