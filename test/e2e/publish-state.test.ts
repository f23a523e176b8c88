import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';
import { run } from './harness';
import { toolchainEnv } from './toolchain';

/**
 * Publishing with real OpenTofu (issue 13, item 8): the stack path is a link to a generation
 * folder; tofu works in it through `-chdir`, and a second synth over a stack with tofu's own
 * state and working files carries them into the new generation, so the next plan needs no
 * init and reads the same state. No cluster: the plan does not refresh, and the upstream
 * charts are marked preinstalled so nothing is downloaded.
 */
const env = toolchainEnv();
const work = mkdtempSync(path.join(tmpdir(), 'govstack-e2e-publish-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const out = path.join(work, 'out');
const stack = path.join(out, 'stacks', 'minimal');
const tofu = (...args: string[]) => run('tofu', [`-chdir=${stack}`, ...args, '-no-color'], { env });
const synth = () => {
  const r = spawnSync(
    process.execPath,
    [
      path.join(packageRoot, 'bin', 'govstack.js'),
      'synth',
      'ke.yaml',
      '--extends-root',
      path.join(packageRoot, 'test', 'fixtures', 'valid'),
      '--out',
      'out',
      '--quiet',
    ],
    { cwd: work, encoding: 'utf8' },
  );
  expect([r.status, r.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))]).toEqual([0, []]);
};

beforeAll(() => {
  // A cluster nobody listens at: plan -refresh=false never dials it.
  writeFileSync(
    path.join(work, 'kubeconfig'),
    'apiVersion: v1\nkind: Config\nclusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: none, user: {token: none}}]\ncontexts: [{name: none, context: {cluster: none, user: none}}]\ncurrent-context: none\n',
  );
  writeFileSync(
    path.join(work, 'ke.yaml'),
    `extends: [${JSON.stringify(path.join(packageRoot, 'test', 'fixtures', 'valid', 'minimal.yaml'))}]\ntarget:\n  path: ./kubeconfig\n  context: none\ndeployment:\n  waits: false\n  preinstalled: [gateway-controller, metrics, logs, traces, log-collector]\n`,
  );
});

test('tofu init and plan through the stack link; state pushed by tofu survives a re-synth, the next plan needs no init', () => {
  synth();
  expect(lstatSync(stack).isSymbolicLink()).toBe(true);
  const first = readlinkSync(stack);
  tofu('init', '-input=false');
  expect(tofu('plan', '-input=false', '-refresh=false', '-lock=true').stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);

  // Real state, written by tofu itself through the local backend.
  const lineage = '3f9b2d5e-0c1a-4b7e-9d2f-6a8c1e4b7d90';
  const pushed = path.join(work, 'pushed.tfstate');
  writeFileSync(
    pushed,
    JSON.stringify({
      version: 4,
      terraform_version: '1.12.6',
      serial: 3,
      lineage,
      outputs: { marker: { value: 'carried', type: 'string' } },
      resources: [],
      check_results: null,
    }),
  );
  tofu('state', 'push', pushed);
  const before = JSON.parse(tofu('state', 'pull').stdout) as { lineage: string; serial: number };
  expect(before.lineage).toBe(lineage);
  const stateFile = readdirSync(stack).find((f) => f.endsWith('.tfstate'));
  expect(stateFile).toBe('terraform.govstack.ke.dev.minimal.tfstate');

  synth();
  const second = readlinkSync(stack);
  expect(second).not.toBe(first);
  expect(existsSync(path.join(out, 'stacks', first))).toBe(false);
  expect(readdirSync(path.join(out, 'stacks')).sort()).toEqual([second, 'minimal']);

  // The state came along: same lineage and serial, the output readable.
  const pulled = JSON.parse(tofu('state', 'pull').stdout) as { lineage: string; serial: number };
  expect([pulled.lineage, pulled.serial]).toEqual([lineage, before.serial]);
  expect(tofu('output', '-raw', 'marker').stdout).toBe('carried');
  // .terraform/ and the lock file came along: plan runs without init (it would refuse otherwise).
  expect(readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toContain('hashicorp/kubernetes');
  expect(tofu('plan', '-input=false', '-refresh=false').stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
  // cdktf's manifest names the stack by its link, as before.
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  expect(manifest.stacks.minimal.workingDirectory).toBe('stacks/minimal');
});
