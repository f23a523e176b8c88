import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundle as buildBundle } from '../../src/bundles/bundle';
import { synthesisSpec } from '../../src/bundles/synthesis';
import {
  installedVersions,
  synthesisBundleCacheFile,
  synthesisBundleFile,
  synthesisBundleUnusable,
  synthesisBundleVersionsFile,
} from '../../src/synth/staging-code';
import { root } from './support';

const work = mkdtempSync(path.join(tmpdir(), 'govstack-synthesis-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const stagingCode = JSON.stringify(path.join(root, 'dist', 'src', 'synth', 'staging-code.js'));

/** Run `script` in a new node process; its standard output, parsed as JSON. */
function inNode(script: string, env: NodeJS.ProcessEnv = {}): unknown {
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** What loading the staging code (with these arguments to loadStaging) loaded through Node's loader (stand-ins left out), and the adjustments in force. */
function loadStagingIn(args: string[] = [], env: NodeJS.ProcessEnv = {}): { files: string[]; tuning: Record<string, unknown> } {
  return inNode(
    `const staging = require(${stagingCode}).loadStaging(${args.map((a) => JSON.stringify(a)).join(', ')});
     const files = Object.keys(require.cache).filter((f) => require.cache[f].exports?.govstackStandIn !== true);
     process.stdout.write(JSON.stringify({ files, tuning: staging.cdktfTuning ? staging.cdktfTuning() : {} }));`,
    env,
  ) as { files: string[]; tuning: Record<string, unknown> };
}

test('the bundle on disk is what src/bundles/synthesis.ts builds from the current dist/, with the installed versions beside it (else run npm run build)', async () => {
  const fresh = await buildBundle(synthesisSpec);
  expect(readFileSync(synthesisBundleFile, 'utf8') === fresh.code).toBe(true);
  expect(readFileSync(`${synthesisBundleFile}.map`, 'utf8') === fresh.map).toBe(true);
  expect(JSON.parse(readFileSync(synthesisBundleVersionsFile, 'utf8'))).toEqual(installedVersions());
  expect(synthesisBundleUnusable()).toBeUndefined();
});

test('the code cache written with the bundle is accepted by this Node.js', () => {
  const codeCache = JSON.stringify(path.join(root, 'dist', 'src', 'blueprint', 'code-cache.js'));
  expect(
    inNode(
      `process.stdout.write(JSON.stringify(require(${codeCache}).requireWithCodeCache(${JSON.stringify(synthesisBundleFile)}, ${JSON.stringify(synthesisBundleCacheFile)}).cache))`,
    ),
  ).toBe('used');
});

test('from the bundle, cdktf is the bundled copy, and every cdktf adjustment applies to it', () => {
  const { files, tuning } = loadStagingIn();
  expect(files).toContain(synthesisBundleFile);
  // Nothing of cdktf, constructs or the staging code from node_modules or dist/; only the packages' package.json files.
  expect(files.filter((f) => /node_modules\/(cdktf|constructs|@cdktf)\//.test(f) && !f.endsWith('/package.json'))).toEqual([]);
  expect(files).not.toContain(path.join(root, 'dist', 'src', 'synth', 'stage.js'));
  // The real archiver is not loaded: its stand-in (adjustment 1) is what the bundled cdktf required.
  expect(files.filter((f) => /node_modules\/(archiver|archiver-utils|zip-stream)\//.test(f))).toEqual([]);
  expect(Object.values(tuning).filter((v) => v !== true && !/^\d/.test(String(v)))).toEqual([]);
  expect(Object.keys(tuning)).toHaveLength(8);
});

test('the staging code loads from dist/ with GOVSTACK_DEBUG, when the bundle is missing or older than dist/, or built with other versions', () => {
  const fromDist = loadStagingIn([], { GOVSTACK_DEBUG: '1' });
  expect(fromDist.files).toContain(path.join(root, 'dist', 'src', 'synth', 'stage.js'));
  expect(fromDist.files).not.toContain(synthesisBundleFile);
  expect(Object.values(fromDist.tuning).filter((v) => v !== true && !/^\d/.test(String(v)))).toEqual([]);

  // A bundle that says so when it loads, with the versions file it needs.
  const marked = path.join(work, 'marked.js');
  const versions = path.join(work, 'marked.json');
  writeFileSync(marked, `module.exports = { cdktfTuning: () => ({ marked: 'from the bundle' }) };\n`);
  writeFileSync(versions, JSON.stringify(installedVersions()));
  const args = [marked, path.join(work, 'none.cache'), versions];
  expect(loadStagingIn(args).tuning).toEqual({ marked: 'from the bundle' });
  expect(synthesisBundleUnusable(marked, versions)).toBeUndefined();

  writeFileSync(versions, JSON.stringify({ ...installedVersions(), cdktf: '0.0.1' }));
  expect(synthesisBundleUnusable(marked, versions)).toBe('the synthesis bundle was built with other versions of cdktf');
  expect(loadStagingIn(args).files).toContain(path.join(root, 'dist', 'src', 'synth', 'stage.js'));

  writeFileSync(versions, JSON.stringify(installedVersions()));
  utimesSync(marked, new Date('2000-01-01'), new Date('2000-01-01'));
  expect(synthesisBundleUnusable(marked, versions)).toBe('the synthesis bundle is older than dist/');
  expect(loadStagingIn(args).files).toContain(path.join(root, 'dist', 'src', 'synth', 'stage.js'));

  expect(synthesisBundleUnusable(path.join(work, 'none.js'), versions)).toBe('there is no synthesis bundle');
});
