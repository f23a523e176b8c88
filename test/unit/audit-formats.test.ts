import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { fixture, root, runCli } from './support';
import { statusColours } from '../../src/audit/format';
import { controlId, uuidV5 } from '../../src/audit/oscal';

const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const weak = fixture('audit', 'weak.yaml');
const temp = () => mkdtempSync(path.join(tmpdir(), 'govstack-audit-'));

function run(cmd: string, args: string[], timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: root, timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({
        code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0,
        stdout,
        stderr,
      });
    });
  });
}

/** Headless Chromium from Debian's package; the test fails (never skips) without it. */
function chromium(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed; the HTML report test needs it: apt-get install -y chromium');
  }
}

async function screenshot(htmlFile: string, pngFile: string): Promise<PNG> {
  const r = await run(
    chromium(),
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${temp()}`,
      `--screenshot=${pngFile}`,
      '--window-size=1400,2000',
      `file://${htmlFile}`,
    ],
    120000,
  );
  if (r.code !== 0) throw new Error(`chromium failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return PNG.sync.read(readFileSync(pngFile));
}

/** Pixels within a small tolerance of a colour. */
function countColour(png: PNG, hex: string, tolerance = 3): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i] - r) <= tolerance && Math.abs(png.data[i + 1] - g) <= tolerance && Math.abs(png.data[i + 2] - b) <= tolerance)
      n++;
  }
  return n;
}

function nonWhite(png: PNG): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 245 || png.data[i + 1] < 245 || png.data[i + 2] < 245) n++;
  return n;
}

describe('HTML report |', () => {
  test('is one self-contained page: no script, stylesheet, image or font fetched from anywhere', async () => {
    const r = await runCli(['audit', sandbox, '--format', 'html']);
    expect(r.code).toBe(0);
    const html = r.stdout;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/i);
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).not.toContain('<?xml');
  });

  test('renders in headless Chromium: the sandbox shows PASS and no FAIL colour, the weak one shows FAIL', async () => {
    const dir = temp();
    try {
      const shots: Record<string, PNG> = {};
      for (const [name, file] of [
        ['sandbox', sandbox],
        ['weak', weak],
      ] as const) {
        const htmlFile = path.join(dir, `${name}.html`);
        const r = await runCli(['audit', file, '--format', 'html', '--out', htmlFile]);
        expect(r.code).toBe(0);
        shots[name] = await screenshot(htmlFile, path.join(dir, `${name}.png`));
      }
      for (const png of Object.values(shots)) {
        expect(png.width).toBe(1400);
        expect(nonWhite(png)).toBeGreaterThan(png.width * png.height * 0.05);
      }
      // The summary's PASS tile alone is thousands of pixels; a page that did not render has none.
      expect(countColour(shots.sandbox, statusColours.PASS)).toBeGreaterThan(3000);
      expect(countColour(shots.sandbox, statusColours.WAIVED)).toBeGreaterThan(1000);
      expect(countColour(shots.sandbox, statusColours.FAIL)).toBeLessThan(20);
      expect(countColour(shots.weak, statusColours.FAIL)).toBeGreaterThan(3000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('OSCAL output |', () => {
  test('uuid v5 matches RFC 4122 (the DNS namespace example) and control ids are tokens', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(controlId('govstack-cfr-security#req-1')).toBe('govstack-cfr-security_req-1');
  });

  test('component definition and assessment results validate with compliance-trestle, and are reproducible', async () => {
    const a = temp();
    const b = temp();
    try {
      for (const dir of [a, b]) {
        const r = await runCli(['audit', weak, '--format', 'oscal', '--out', dir]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^weak: 1 FAIL, \d+ MANUAL, \d+ WAIVED, \d+ PASS; wrote /);
      }
      for (const f of ['component-definition.json', 'assessment-results.json'])
        expect(readFileSync(path.join(b, f))).toEqual(readFileSync(path.join(a, f)));

      const files = ['component-definition.json', 'assessment-results.json'].map((f) => path.join(a, f));
      const v = await run('bash', [path.join(root, 'scripts', 'oscal-validate.sh'), ...files], 600000);
      expect(v.stderr + v.stdout).toContain('valid component-definition');
      expect(v.stdout).toContain('valid assessment-results');
      expect(v.code).toBe(0);

      const ar = JSON.parse(readFileSync(files[1], 'utf8'))['assessment-results'];
      const json = JSON.parse((await runCli(['audit', weak, '--format', 'json'])).stdout);
      const findings = ar.results[0].findings as any[];
      expect(findings.length).toBe(json.checks.reduce((n: number, c: any) => n + c.requirements.length, 0));
      const tls = findings.find((f) => f.title === 'in-cluster-tls for govstack-cfr-security#req-1');
      expect(tls.target).toMatchObject({
        type: 'objective-id',
        'target-id': 'govstack-cfr-security_req-1',
        status: { state: 'not-satisfied', reason: 'fail' },
      });
      const resources = ar['back-matter'].resources as any[];
      expect(
        resources
          .flatMap((r) => r.rlinks ?? [])
          .flatMap((l: any) => l.hashes)
          .map((h: any) => h.value),
      ).toEqual([json.inputs.blueprints[0].sha256, json.inputs.terraform.sha256]);

      // The validator is real: a document without its metadata is rejected.
      const broken = path.join(b, 'broken.json');
      const doc = JSON.parse(readFileSync(files[1], 'utf8'));
      delete doc['assessment-results'].metadata;
      writeFileSync(broken, JSON.stringify(doc));
      const bad = await run('bash', [path.join(root, 'scripts', 'oscal-validate.sh'), broken], 600000);
      expect(bad.code).toBe(1);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  }, 900000);
});
