import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { commandModules, commandsFor } from '../../src/cli/main';
import { synthesisBundleFile } from '../../src/synth/staging-code';
import { workersFor } from '../../src/synth/staging-threads';
import { root } from './support';

/**
 * A preload for every thread of a run, which lists the modules the thread loaded, written
 * straight to standard error: the main thread's at its exit, a staging worker's as it posts its
 * answer (the main thread may end it before its own exit, once the answer is in).
 */
const preload = path.join(mkdtempSync(path.join(tmpdir(), 'govstack-lazy-preload-')), 'list-modules.js');
writeFileSync(
  preload,
  `const { isMainThread, parentPort } = require('node:worker_threads');
const list = (thread) => require('node:fs').writeSync(2, '\\nLOADED ' + thread + ' ' + JSON.stringify(Object.keys(require.cache)) + '\\n');
if (isMainThread) process.on('exit', () => list('main'));
else {
  const post = parentPort.postMessage.bind(parentPort);
  parentPort.postMessage = (message, ...rest) => {
    if (!(message && message.copyFolder)) list('worker');
    return post(message, ...rest);
  };
}
`,
);
afterAll(() => rmSync(path.dirname(preload), { recursive: true, force: true }));

/** The modules (paths relative to the package root) a real CLI run loaded in a new process: every thread's, and the main thread's. */
function threadsOf(args: string[]): { all: string[]; main: string[] } {
  const main = path.join(root, 'dist', 'src', 'cli', 'main.js');
  const { status, stderr } = spawnSync(
    process.execPath,
    ['--require', preload, '-e', `require(${JSON.stringify(main)}).main(${JSON.stringify(args)});`],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (status !== 0) throw new Error(`govstack ${args.join(' ')} exited ${status}: ${stderr}`);
  const lists = stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => /^LOADED (\w+) (.*)$/.exec(l)!)
    .map(([, thread, json]) => ({ thread, files: (JSON.parse(json) as string[]).map((f) => path.relative(root, f)) }));
  if (lists.length === 0) throw new Error(`no module list in: ${stderr}`);
  return { all: [...new Set(lists.flatMap((l) => l.files))], main: lists.find((l) => l.thread === 'main')?.files ?? [] };
}

/** The modules a real CLI run loaded, in any of its threads. */
function modulesLoadedBy(args: string[]): string[] {
  return threadsOf(args).all;
}

const packages = (loaded: string[]) => new Set(loaded.flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? []));

test('catalog loads neither the blueprint code, nor ajv, yaml or cdktf', () => {
  const loaded = modulesLoadedBy(['catalog']);
  expect(loaded).toContain('dist/src/catalog/index.js'); // the list is real
  const deps = packages(loaded);
  for (const heavy of ['ajv', 'yaml', 'cdktf', 'constructs', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'])
    expect(deps).not.toContain(heavy);
  expect(loaded.filter((f) => f.startsWith('dist/src/blueprint/') || f.startsWith('dist/src/model/'))).toEqual([]);
});

test('validate loads no cdktf and compiles no schema (the validator is generated ahead of time)', () => {
  const loaded = modulesLoadedBy(['validate', path.join(root, 'blueprints', 'sandbox.yaml'), '--quiet']);
  expect(loaded).toContain('dist/src/blueprint/schema-validator.generated.js');
  expect(packages(loaded)).not.toContain('cdktf');
  expect(loaded.filter((f) => /node_modules\/ajv\/dist\/(core|compile)/.test(f))).toEqual([]);
});

test('synth loads no schema compiler and not the archive library cdktf loads eagerly; with two cores, cdktf only on a worker', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'govstack-lazy-'));
  try {
    const { all, main } = threadsOf(['synth', '--out', out, '--quiet']);
    const deps = packages(all);
    // cdktf comes from the synthesis bundle when it is usable (src/synth/staging-code.ts), else from node_modules.
    const loadsCdktf = (files: string[]) =>
      files.some((f) => f === path.relative(root, synthesisBundleFile) || /node_modules\/cdktf\/lib\//.test(f));
    expect(loadsCdktf(all)).toBe(true);
    for (const unused of ['archiver-utils', 'zip-stream']) expect(deps).not.toContain(unused);
    expect(all.filter((f) => /node_modules\/ajv\/dist\/(core|compile)/.test(f))).toEqual([]);
    // The worker loads cdktf while this thread reads the blueprint (src/synth/staging-threads.ts).
    if (workersFor(1) > 0) expect(loadsCdktf(main)).toBe(false);
    else console.log('SKIPPED: one core, so synth stages in the main thread and loads cdktf there');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('every command module is registered under the name its command string starts with', () => {
  for (const [name, load] of Object.entries(commandModules)) expect(String(load().command).split(' ')[0]).toBe(name);
});

test('only the named command is loaded; help, no command or an unknown one register them all', () => {
  expect(commandsFor(['synth', 'a.yaml', '--out', 'x'])).toEqual(['synth']);
  expect(commandsFor(['--help'])).toEqual(Object.keys(commandModules));
  expect(commandsFor([])).toEqual(Object.keys(commandModules));
  expect(commandsFor(['sytnh'])).toEqual(Object.keys(commandModules));
});
