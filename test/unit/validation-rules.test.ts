import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadBlueprint, validateBlueprintValue } from '../../src/blueprint/load';
import { quantityValue } from '../../src/blueprint/quantity';
import { fixture, fixtureBaseArgs, model, runCli, synth } from './support';

/** Issue 13, items 3, 4 and 6: validation where it belongs, the warnings tier, init. */
const donor = (file: string) => fixture('overlay', 'donor', file);

describe('quantities as Kubernetes reads them |', () => {
  test('cpu: 1 unquoted is accepted and reaches the chart as the string "1"', () => {
    const m = model(donor('cpu-numbers.yaml'));
    expect(m.buildingBlocks.find((b) => b.id === 'identity')!.resources).toEqual({
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
  });

  test.each([
    ['500m', 0.5],
    ['1', 1],
    ['1.5', 1.5],
    ['2e3', 2000],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['128974848', 128974848],
    [0.25, 0.25],
  ] as const)('%s is %d base units', (q, units) => {
    expect(quantityValue(q)).toBeCloseTo(units);
  });

  test.each(['1GB', '2 cores', '-1', 'm', ''])('%j is not a quantity', (q) => {
    expect(quantityValue(q)).toBeUndefined();
  });
});

describe('relative paths |', () => {
  test('a relative kubeconfig path is read from the folder of the file that declares it', () => {
    const { json } = synth(donor('without-consent.yaml'));
    const kubernetes = (json.provider.kubernetes as { config_path?: string }[])[0];
    expect(kubernetes.config_path).toBe(path.join(path.dirname(donor('base.yaml')), 'clusters', 'dc1.kubeconfig'));
  });

  test('~ and absolute paths are kept as written', () => {
    expect((loadBlueprint(fixture('valid', 'minimal.yaml')).blueprint.target as { path: string }).path).toBe('~/.kube/config');
  });
});

describe('the pipeline on a value in memory |', () => {
  const minimal = () => parse(readFileSync(fixture('valid', 'minimal.yaml'), 'utf8'));

  test('a valid value comes back typed, with no problems', () => {
    const r = validateBlueprintValue(minimal());
    expect(r.problems).toEqual([]);
    expect(r.blueprint?.metadata.name).toBe('minimal');
  });

  test('problems are located by the given function, or at <blueprint>', () => {
    const value = { ...minimal(), metadata: { name: 'Tiny_Dev', country: 'KE', environment: 'dev' } };
    expect(validateBlueprintValue(value).problems).toEqual([
      expect.objectContaining({ file: '<blueprint>', pointer: '/metadata/name', message: expect.stringContaining('must be a DNS label') }),
    ]);
    expect(validateBlueprintValue(value, () => ({ file: 'code.ts', line: 7 })).problems[0]).toMatchObject({ file: 'code.ts', line: 7 });
  });
});

describe('warnings |', () => {
  test('outside dev: mock products, a plaintext direct flow, local state and a kubeconfig without context warn', async () => {
    const r = await runCli(['validate', donor('prod.yaml')]);
    expect(r.code).toBe(0);
    const warnings = r.stderr.trimEnd().split('\n');
    for (const line of warnings) expect(line).toMatch(/^warning: \S+:\d+  \/\S*  .+$/);
    expect(warnings.filter((w) => w.includes('runs the mock product'))).toHaveLength(5);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /prod\.yaml:11  \/buildingBlocks\/registration\/consumes\/0\/via  registration -> identity is a direct flow in plain HTTP; outside dev the audit FAILs it/,
      ),
    );
    expect(warnings).toContainEqual(expect.stringMatching(/\/state\/backend  local state in prod/));
    expect(warnings).toContainEqual(expect.stringMatching(/\/target  a kubeconfig target without "context"/));
  });

  test('--strict turns the warnings into problems: exit 2, nothing written', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'govstack-strict-')), 'out');
    const r = await runCli(['synth', donor('prod.yaml'), '--strict', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(--strict\)\n/);
    expect(r.stderr).toMatch(/\d+ problems; nothing was written\n$/);
  });

  test('in dev the same blueprint does not warn', async () => {
    const r = await runCli(['validate', donor('base.yaml'), '--strict']);
    expect(r.code).toBe(0);
  });

  test('validate --json reports problems and warnings as data, with the usual exit code', async () => {
    const ok = await runCli(['validate', '--json', donor('prod.yaml')]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report).toMatchObject({ valid: true, problems: [], blueprints: [{ name: 'donor', environment: 'prod' }] });
    expect(report.warnings.length).toBeGreaterThan(5);
    const bad = await runCli(['validate', '--json', 'test/fixtures/invalid/limits-below-requests.yaml', ...fixtureBaseArgs]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      valid: false,
      problems: [
        { line: 5, pointer: '/buildingBlocks/identity/resources/limits/cpu' },
        { pointer: '/buildingBlocks/identity/resources/limits/memory' },
      ],
    });
  });
});

describe('govstack init |', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'govstack-init-'));

  test.each([
    ['dev', 'kubeconfig'],
    ['test', 'aks'],
    ['staging', 'gke'],
    ['prod', 'eks'],
  ])('%s on %s: the scaffold validates as written, with comments', async (environment, target) => {
    const out = path.join(dir, `${environment}.yaml`);
    const init = await runCli(['init', '--country', 'KE', '--environment', environment, '--target', target, '--out', out]);
    expect(init.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# A GovStack blueprint for KE/);
    expect(text).toContain(`kind: ${target}`);
    const r = await runCli(['validate', out]);
    expect(r.stderr.split('\n').filter((l) => l && !l.includes('runs the mock product'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  test('with --extends it writes only what differs and validates against the base', async () => {
    const base = path.join(dir, 'donor.yaml');
    writeFileSync(base, readFileSync(fixture('overlay', 'donor', 'base.yaml'), 'utf8'));
    const out = path.join(dir, 'ke.yaml');
    expect((await runCli(['init', '-c', 'ke', '-e', 'test', '-t', 'aks', '--extends', base, '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('extends: ["donor.yaml"]');
    const r = await runCli(['validate', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid (ke-test, KE test, 5 building blocks, 4 flows)');
  });

  test("with --extends outside the new file's folder it names the --extends-root the next step needs", async () => {
    mkdirSync(path.join(dir, 'donors'));
    mkdirSync(path.join(dir, 'countries'));
    writeFileSync(path.join(dir, 'donors', 'base.yaml'), readFileSync(fixture('overlay', 'donor', 'base.yaml'), 'utf8'));
    const init = await runCli(
      ['init', '-c', 'ke', '-e', 'test', '-t', 'aks', '--extends', 'donors/base.yaml', '--out', 'countries/ke.yaml'],
      dir,
    );
    expect(init.code).toBe(0);
    expect(init.stdout).toBe('wrote countries/ke.yaml; next: govstack validate countries/ke.yaml --extends-root donors\n');
    expect((await runCli(['validate', 'countries/ke.yaml'], dir)).code).toBe(2);
    expect((await runCli(['validate', 'countries/ke.yaml', '--extends-root', 'donors'], dir)).code).toBe(0);
  });

  test('an unknown country code and an existing file are refused', async () => {
    const bad = await runCli(['init', '--country', 'XX', '--out', path.join(dir, 'xx.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--country XX is not an ISO 3166-1 alpha-2 code');
    const again = await runCli(['init', '--country', 'KE', '--out', path.join(dir, 'dev.yaml')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^govstack: .*dev\.yaml exists; choose another --out or add --force\n$/);
  });
});
