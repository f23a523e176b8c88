import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cli, fixture, fixtureBaseArgs, root, runCli } from './support';

/** Issue 13, item 5: every exit code means one thing; environment problems are one plain line. */
const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const work = mkdtempSync(path.join(tmpdir(), 'govstack-exits-'));
const oneLine = (stderr: string) => {
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
};

describe('environment problems exit 2 with one plain line |', () => {
  test('--out naming a file', async () => {
    const file = path.join(work, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli(['synth', '--out', file]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toBe(`govstack: --out ${file} is a file; name a folder (stacks go to <out>/stacks/<name>)\n`);
  });

  test('--out below a file (ENOTDIR) and in a folder without write permission (EACCES)', async () => {
    const file = path.join(work, 'plain-file');
    writeFileSync(file, 'x');
    const below = await runCli(['diagram', sandbox, '--out', path.join(file, 'x.svg')]);
    expect(below.code).toBe(2);
    oneLine(below.stderr);
    expect(below.stderr).toMatch(/^govstack: cannot write .*plain-file.*: a part of the path is a file, not a folder\n$/);
    if (process.getuid?.() === 0) return; // root writes anywhere: no permission to take away
    const locked = path.join(work, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const denied = await runCli(['synth', '--out', path.join(locked, 'out')]);
    expect(denied.code).toBe(2);
    oneLine(denied.stderr);
    expect(denied.stderr).toMatch(/permission denied/);
  });

  test('--out that would write into the working folder or its parents is refused', async () => {
    for (const out of ['.', '..', '/']) {
      const r = await runCli(['synth', '--out', out], work);
      expect(r.code).toBe(2);
      oneLine(r.stderr);
    }
    expect(readdirSync(work)).not.toContain('stacks');
  });

  test('"-" and "--", which yargs would drop (synth then built the default sandbox), are refused', async () => {
    for (const args of [
      ['synth', '-', '--out', path.join(work, 'stdin')],
      ['validate', '--', sandbox],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      oneLine(r.stderr);
    }
    expect(existsSync(path.join(work, 'stdin'))).toBe(false);
  });

  test('--out where the file system takes no new folder (/proc) ends with one line, not a hang', async () => {
    if (!existsSync('/proc/self')) return; // no procfs on this system
    const r = await runCli(['synth', '--out', '/proc/govstack-no-such/out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('govstack: cannot write /proc/govstack-no-such: the file system there takes no new folder\n');
  });

  test('init writes nothing that would not validate: a name that is no DNS label, a base that is no file', async () => {
    const dir = mkdtempSync(path.join(work, 'init-'));
    const badName = await runCli(['init', '--country', 'KE', '--name', 'Bad Name'], dir);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/^Bad Name\.yaml:\d+ {2}\/metadata\/name {2}"Bad Name" is not valid: must be a DNS label/);
    const noBase = await runCli(['init', '--country', 'KE', '--extends', 'nothere.yaml', '--out', 'k.yaml'], dir);
    expect(noBase.code).toBe(2);
    oneLine(noBase.stderr);
    expect(readdirSync(dir)).toEqual([]);
    const good = await runCli(['init', '--country', 'KE'], dir);
    expect(good.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['ke-dev.yaml']);
  });

  test('a closed pipe', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'show', sandbox], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('govstack: standard output was closed before everything was written\n');
  });
});

describe('--out and --format agree |', () => {
  test('audit --out report.html writes HTML; .json writes JSON', async () => {
    const html = path.join(work, 'report.html');
    expect((await runCli(['audit', sandbox, '--out', html])).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    const json = path.join(work, 'report.json');
    expect((await runCli(['audit', sandbox, '--out', json])).code).toBe(0);
    expect(() => JSON.parse(readFileSync(json, 'utf8'))).not.toThrow();
  });

  test('a mismatch, or a format the command cannot write, is refused and writes nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['audit', sandbox, '--format', 'md', '--out', path.join(work, 'r.html')], /names a \.html file but --format is md/],
      [['diagram', sandbox, '--out', path.join(work, 'x.png')], /does not write \.png; it writes svg, mermaid, dot/],
      [['mediator-config', sandbox, '--yaml', '--out', path.join(work, 'm.json')], /names a \.json file/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(message);
      expect(existsSync(args[args.length - 1])).toBe(false);
    }
  });
});

describe('diff and audit answer "no" with exit 3, never 1 |', () => {
  test('diff: 0 equal, 3 different, 2 bad input', async () => {
    expect((await runCli(['diff', sandbox, sandbox])).code).toBe(0);
    expect((await runCli(['diff', sandbox, fixture('audit', 'sandbox-changed.yaml'), ...fixtureBaseArgs])).code).toBe(3);
    expect((await runCli(['diff', sandbox, fixture('invalid', 'bad-country.yaml'), ...fixtureBaseArgs])).code).toBe(2);
  });

  test('audit --fail-on FAIL exits 3 when a check fails, 0 when none does', async () => {
    const weak = await runCli(['audit', fixture('audit', 'weak.yaml'), '--format', 'json', '--fail-on', 'FAIL']);
    expect(JSON.parse(weak.stdout).summary.FAIL).toBeGreaterThan(0);
    expect(weak.code).toBe(3);
    expect(weak.stderr).toMatch(/checks? ended FAIL \(--fail-on FAIL\)/);
    const clean = await runCli(['audit', sandbox, '--format', 'json', '--fail-on', 'FAIL']);
    expect(JSON.parse(clean.stdout).summary.FAIL).toBe(0);
    expect(clean.code).toBe(0);
    expect((await runCli(['audit', sandbox, '--format', 'json', '--fail-on', 'MANUAL'])).code).toBe(3);
  });
});
