import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundle as buildBundle } from '../../src/bundles/bundle';
import { frontEndSpec } from '../../src/bundles/front-end';
import { bundleIsCurrent, frontEndCacheFile, frontEndFile } from '../../src/cli/start';
import { cli, root } from './support';

const work = mkdtempSync(path.join(tmpdir(), 'govstack-front-end-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A preload that lists, at exit, the files the main thread loaded through Node's loader. */
const listModules = path.join(work, 'list-modules.js');
writeFileSync(
  listModules,
  // The main thread's only: a worker thread's list would come first.
  `if (require('node:worker_threads').isMainThread) process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n`,
);

function node(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** The files (relative to the package root) a run loaded through Node's loader, and its standard output. */
function loadedBy(args: string[]): { files: string[]; stdout: string } {
  const run = node(['--require', listModules, ...args]);
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const json = /^LOADED (.*)$/m.exec(run.stderr)![1];
  return { files: (JSON.parse(json) as string[]).map((f) => path.relative(root, f)), stdout: run.stdout };
}

const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const bundle = path.relative(root, frontEndFile);

test('the bundle on disk is what src/bundles/front-end.ts builds from the current dist/ (else run npm run build)', async () => {
  const fresh = await buildBundle(frontEndSpec);
  expect(readFileSync(frontEndFile, 'utf8') === fresh.code).toBe(true);
  expect(readFileSync(`${frontEndFile}.map`, 'utf8') === fresh.map).toBe(true);
});

test('the code cache written with the bundle is accepted by this Node.js', () => {
  const codeCache = path.join(root, 'dist', 'src', 'blueprint', 'code-cache.js');
  const run = node([
    '-e',
    `process.stdout.write(require(${JSON.stringify(codeCache)}).requireWithCodeCache(${JSON.stringify(frontEndFile)}, ${JSON.stringify(frontEndCacheFile)}).cache)`,
  ]);
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe('used');
});

test('validate, catalog and synth run from the bundle; other commands, and both when the bundle is missing or older than dist/, from dist/', () => {
  expect(bundleIsCurrent(frontEndFile)).toBe(true); // else dist/ was compiled after the bundle was built: run npm run build
  const catalog = loadedBy([cli, 'catalog']);
  expect(catalog.files).toContain(bundle);
  expect(catalog.files.filter((f) => f.startsWith('dist/src/catalog/'))).toEqual([]);
  const validate = loadedBy([cli, 'validate', sandbox]);
  expect(validate.files).toContain(bundle);
  expect(validate.files).toContain('dist/src/blueprint/schema-validator.generated.js');
  expect(validate.files.filter((f) => f.startsWith('dist/src/model/') || /node_modules\/yaml\//.test(f))).toEqual([]);

  // synth's part in this thread from the bundle; its staging code (cdktf) only in the worker.
  const synth = loadedBy([cli, 'synth', sandbox, '--quiet', '--out', path.join(work, 'synth-out')]);
  expect(synth.files).toContain(bundle);
  // Besides the bundle: its loader and staleness check, the generated validator, and the module that started the worker early (shared with the bundle) with the folder copying it does for the worker.
  expect(synth.files.filter((f) => f.startsWith('dist/src/') && f !== bundle && !f.endsWith('.generated.js')).sort()).toEqual([
    'dist/src/blueprint/code-cache.js',
    'dist/src/bundles/staleness.js',
    'dist/src/cli/start.js',
    'dist/src/synth/all-or-first-failure.js',
    'dist/src/synth/folder-copy.js',
    'dist/src/synth/inode.js',
    'dist/src/synth/staging-threads.js',
  ]);
  expect(synth.files.filter((f) => /node_modules\/cdktf\//.test(f))).toEqual([]);

  const show = loadedBy([cli, 'show', sandbox]);
  expect(show.files).not.toContain(bundle);
  expect(show.files).toContain('dist/src/blueprint/load.js');

  // As after `tsc` alone: start() with a bundle that does not exist.
  const start = path.join(root, 'dist', 'src', 'cli', 'start.js');
  const unbundled = loadedBy(['-e', `require(${JSON.stringify(start)}).start(['catalog'], ${JSON.stringify(path.join(work, 'none.js'))})`]);
  expect(unbundled.files).not.toContain(bundle);
  expect(unbundled.files).toContain('dist/src/catalog/index.js');
  expect(unbundled.stdout).toBe(catalog.stdout);

  // A bundle that says so when it runs: used when newer than dist/, not when older.
  const marked = path.join(work, 'marked.js');
  writeFileSync(marked, `module.exports.main = async () => { process.stdout.write('from the bundle'); };\n`);
  const startWith = `require(${JSON.stringify(start)}).start(['catalog'], ${JSON.stringify(marked)}, ${JSON.stringify(path.join(work, 'none.cache'))})`;
  expect(node(['-e', startWith]).stdout).toBe('from the bundle');
  utimesSync(marked, new Date('2000-01-01'), new Date('2000-01-01'));
  expect(node(['-e', startWith]).stdout).toBe(catalog.stdout);
});

test('inside the bundle a command executes only the modules it uses', () => {
  /** The bundled modules (esbuild names each module's function after its path) a run executed, from V8's coverage. */
  function executed(args: string[]): string[] {
    const dir = mkdtempSync(path.join(work, 'coverage-'));
    expect(node([cli, ...args], { NODE_V8_COVERAGE: dir }).status).toBe(0);
    const scripts = readdirSync(dir).flatMap(
      (f) =>
        (
          JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
            result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
          }
        ).result,
    );
    const front = scripts.find((s) => s.url.endsWith('/front-end.js'));
    if (!front) throw new Error('the run did not load the bundle');
    return front.functions.filter((f) => /\.c?js$/.test(f.functionName) && f.ranges[0].count > 0).map((f) => f.functionName);
  }
  const catalog = executed(['catalog']);
  expect(catalog).toContain('dist/src/catalog/index.js'); // the list is real
  expect(
    catalog.filter((m) => m.startsWith('dist/src/blueprint/') || m.startsWith('dist/src/model/') || m.includes('node_modules/yaml/')),
  ).toEqual([]);
  const validate = executed(['validate', sandbox, '--quiet']);
  expect(validate).toContain('dist/src/blueprint/load.js');
  expect(validate.some((m) => m.includes('node_modules/yaml/'))).toBe(true);
  expect(
    validate.filter((m) => m.startsWith('dist/src/cli/commands/') && !m.endsWith('/validate.js') && !m.endsWith('/common.js')),
  ).toEqual([]);
});

test('with GOVSTACK_DEBUG an internal error in the bundle prints the stack trace the unbundled CLI prints, through the source map', () => {
  // An internal error in catalog's handler: a preload makes String.prototype.padEnd throw.
  const failPad = path.join(work, 'fail-pad.js');
  writeFileSync(failPad, `String.prototype.padEnd = function () { throw new Error('injected failure'); };\n`);
  const plain = node(['--require', failPad, cli, 'catalog']);
  expect(plain.status).toBe(1);
  expect(plain.stderr).toBe('govstack: internal error: injected failure\n');
  // File and line of each frame in the package's code (esbuild's map places a call's column at another token of the same call).
  const frames = (stderr: string) => stderr.split('\n').flatMap((l) => /^ +at .*(dist\/src\/[^:]+:\d+):\d+\)?$/.exec(l)?.[1] ?? []);
  const debug = node(['--require', failPad, cli, 'catalog'], { GOVSTACK_DEBUG: '1' });
  expect(debug.status).toBe(1);
  expect(debug.stderr).not.toContain('front-end.js');
  const start = path.join(root, 'dist', 'src', 'cli', 'start.js');
  const unbundled = node(
    ['--require', failPad, '-e', `require(${JSON.stringify(start)}).start(['catalog'], ${JSON.stringify(path.join(work, 'none.js'))})`],
    {
      GOVSTACK_DEBUG: '1',
    },
  );
  expect(frames(debug.stderr)[0]).toMatch(/^dist\/src\/cli\/commands\/catalog\.js:\d+$/);
  expect(frames(debug.stderr)).toEqual(frames(unbundled.stderr));
});
