import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadModels } from '../../src/model/load-models';
import { synthesize } from '../../src/synth/synthesize';
import { packageRoot } from '../../src/paths';
import { profileBases, run } from './harness';
import { toolchainEnv } from './toolchain';

/**
 * A cloud target's API endpoint and CA come from Terraform variables; real `tofu plan`
 * refuses an empty or plain-HTTP endpoint and an empty or non-base64 CA before any provider
 * dials (variable validations in src/constructs/cluster-target.ts). No cluster is needed.
 */
const env = toolchainEnv();
const work = mkdtempSync(path.join(tmpdir(), 'govstack-e2e-endpoint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let dir: string;
beforeAll(() => {
  // The example keeps its state in S3; plan needs an initialised backend, so this overlay keeps
  // it local (a backend change replaces the state object) and leaves the target as it is.
  const overlay = path.join(work, 'estonia-eks-local-state.yaml');
  writeFileSync(
    overlay,
    stringify({ extends: [path.join(packageRoot, 'blueprints', 'examples', 'estonia-eks.yaml')], state: { backend: 'local' } }),
  );
  const [stack] = synthesize(loadModels([overlay], profileBases), path.join(work, 'out'));
  dir = path.dirname(stack.file);
  run('tofu', ['init', '-input=false', '-no-color'], { cwd: dir, env });
});

function plan(endpoint: string, ca: string): { code: number; output: string } {
  const r = spawnSync(
    'tofu',
    ['plan', '-input=false', '-no-color', '-refresh=false', '-var', `cluster_endpoint=${endpoint}`, '-var', `cluster_ca_certificate=${ca}`],
    { cwd: dir, env, encoding: 'utf8' },
  );
  return { code: r.status ?? -1, output: `${r.stdout}\n${r.stderr}` };
}

test.each([
  ['empty endpoint', '', 'Y2E=', /cluster_endpoint must be the API server's https:\/\/ URL/],
  ['plain HTTP endpoint', 'http://10.0.0.1', 'Y2E=', /cluster_endpoint must be the API server's https:\/\/ URL/],
  ['empty CA', 'https://10.0.0.1', '', /cluster_ca_certificate must be the non-empty base64/],
  ['CA not base64', 'https://10.0.0.1', 'not base64!', /cluster_ca_certificate must be the non-empty base64/],
])('tofu plan refuses an %s', (_, endpoint, ca, message) => {
  const result = plan(endpoint, ca);
  expect(result.code).toBe(1);
  expect(result.output).toMatch(message);
});
