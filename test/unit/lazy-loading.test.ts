import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { commandModules, commandsFor } from '../../src/cli/main';
import { root } from './support';

/** The modules (paths relative to the package root) a real CLI run loaded, in a new process. */
function modulesLoadedBy(args: string[]): string[] {
  const main = path.join(root, 'dist', 'src', 'cli', 'main.js');
  const script = [
    `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));`,
    `require(${JSON.stringify(main)}).main(${JSON.stringify(args)});`,
  ].join('\n');
  const { status, stderr } = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (status !== 0) throw new Error(`govstack ${args.join(' ')} exited ${status}: ${stderr}`);
  const line = stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`no module list in: ${stderr}`);
  return (JSON.parse(line.slice('LOADED '.length)) as string[]).map((f) => path.relative(root, f));
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

test('synth loads no schema compiler and not the archive library cdktf loads eagerly', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'govstack-lazy-'));
  try {
    const loaded = modulesLoadedBy(['synth', '--out', out, '--quiet']);
    const deps = packages(loaded);
    expect(deps).toContain('cdktf');
    for (const unused of ['archiver-utils', 'zip-stream']) expect(deps).not.toContain(unused);
    expect(loaded.filter((f) => /node_modules\/ajv\/dist\/(core|compile)/.test(f))).toEqual([]);
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
