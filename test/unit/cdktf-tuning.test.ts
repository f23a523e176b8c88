import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cdktfTuning, cdktfVersionTuned, skipCrossStackPreparation, withTunedCdktf } from '../../src/synth/cdktf-tuning';
import { App, Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { root } from './support';

// The adjustments of src/synth/cdktf-tuning.ts are written for one cdktf version; these tests
// fail when cdktf changes, so that each is re-examined (and re-recorded in cdktfVersionTuned).

/** Run a script in a new node process (module loading as the CLI sees it, without jest's registry). */
function inNode(script: string): unknown {
  const { status, stdout, stderr } = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (status !== 0) throw new Error(`node exited ${status}: ${stderr}`);
  return JSON.parse(stdout);
}
const tuningModule = JSON.stringify(path.join(root, 'dist', 'src', 'synth', 'cdktf-tuning.js'));

test('cdktf is the version the adjustments were written for, and every adjustment applies', () => {
  expect(require('cdktf/package.json').version).toBe(cdktfVersionTuned);
  const status = inNode(`const t = require(${tuningModule}); process.stdout.write(JSON.stringify(t.cdktfTuning()));`);
  expect(status).toEqual({ cdktfVersion: cdktfVersionTuned, archiverOnUse: true, noTokenStackTraces: true, noCrossStackPreparation: true });
});

test('the archive library is loaded only when an archive is made, and then it is the real one', () => {
  const result = inNode(
    [
      `require(${tuningModule});`,
      `require('cdktf');`,
      `const loaded = () => Object.keys(require.cache).filter((f) => /node_modules\\/(archiver-utils|zip-stream)\\//.test(f)).length;`,
      `const before = loaded();`,
      `const archiver = require(require.resolve('archiver', { paths: [require('path').join(require.resolve('cdktf'), '..', 'private')] }));`,
      `const zip = archiver('zip');`,
      `process.stdout.write(JSON.stringify({ before, after: loaded(), standIn: archiver.govstackStandIn === true, directory: typeof zip.directory }));`,
    ].join('\n'),
  );
  expect(result).toEqual({ before: 0, after: expect.any(Number), standIn: true, directory: 'function' });
  expect((result as { after: number }).after).toBeGreaterThan(0);
});

test('tokens made inside withTunedCdktf carry no stack trace; outside, cdktf records one as usual', () => {
  expect(cdktfTuning().noTokenStackTraces).toBe(true);
  const inside = withTunedCdktf(() => Lazy.anyValue({ produce: () => 1 }));
  const outside = Lazy.anyValue({ produce: () => 1 });
  expect(inside.creationStack).toEqual([]);
  expect(outside.creationStack.length).toBeGreaterThan(0);
});

/** Two stacks, the second with an output referencing a namespace of the first. */
function crossStackApp(outdir: string): App {
  const app = new App({ outdir, stackTraces: false });
  const a = new TerraformStack(app, 'a');
  new KubernetesProvider(a, 'kubernetes', {});
  const ns = new NamespaceV1(a, 'ns', { metadata: { name: 'x' } });
  const b = new TerraformStack(app, 'b');
  new TerraformOutput(b, 'name', { value: ns.id });
  return app;
}

test('a stack whose cross-stack preparation is skipped fails loudly on a reference to another stack', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'govstack-tuning-'));
  try {
    const tuned = crossStackApp(path.join(outdir, 'tuned'));
    skipCrossStackPreparation(tuned);
    expect(() => tuned.synth()).toThrow(/stack b references kubernetes_namespace_v1\.ns\S*\.id of stack a; govstack stacks must be independent/);
    // cdktf itself, untouched, turns the same reference into a remote-state lookup.
    expect(() => crossStackApp(path.join(outdir, 'plain')).synth()).not.toThrow();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
