import * as path from 'node:path';
import { fixture, fixtureBaseArgs, model, root, runCli } from './support';
import { exitCodes } from '../../src/cli/run';
import { diffModels } from '../../src/audit/diff';

const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const changed = fixture('audit', 'sandbox-changed.yaml');

describe('govstack diff |', () => {
  test('a blueprint against itself: equal, exit 0', async () => {
    const r = await runCli(['diff', sandbox, sandbox]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('blueprints/sandbox.yaml and blueprints/sandbox.yaml declare the same architecture\n');
  });

  test('an overlay that restates its base is equal: models are compared, not text', async () => {
    expect(diffModels(model(sandbox), model(fixture('audit', 'sandbox-restated.yaml'))).equal).toBe(true);
    const r = await runCli(['diff', sandbox, fixture('audit', 'sandbox-restated.yaml'), ...fixtureBaseArgs]);
    expect(r.code).toBe(0);
  });

  test('--json lists exactly what changed, and exits 3 (they differ)', async () => {
    const r = await runCli(['diff', sandbox, changed, '--json', ...fixtureBaseArgs]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(exitCodes.no); // ux: 3 means 'they differ' (1 is an internal error)
    const diff = JSON.parse(r.stdout);
    expect(diff.equal).toBe(false);
    expect(diff.a).toEqual({ file: 'blueprints/sandbox.yaml', name: 'sandbox' });
    const summary = diff.changes.map((c: any) => `${c.section}|${c.kind}|${c.subject}${c.field ? `.${c.field}` : ''}`);
    expect(summary).toEqual([
      'deployment|changed|metadata.environment',
      'building blocks|removed|emarketplace',
      'building blocks|changed|identity.version',
      'building blocks|changed|identity.exposure',
      'building blocks|changed|identity.host',
      'building blocks|changed|payments.owner',
      'building blocks|changed|payments.replicas',
      'building blocks|changed|payments.egress',
      'flows|removed|emarketplace -> identity',
      'flows|removed|emarketplace -> payments',
      'flows|changed|registration -> gis.via',
      'flows|added|registration -> payments',
      'organisations|changed|civil-society.securityServer',
      'organisations|changed|ministry-of-finance.securityServer',
      'security waivers|added|egress for payments',
    ]);
    const version = diff.changes.find((c: any) => c.subject === 'identity' && c.field === 'version');
    expect([version.before, version.after]).toEqual(['9.7.0', '9.8.0']);
    expect(diff.changes.find((c: any) => c.subject === 'registration -> gis')).toMatchObject({ before: 'mediator', after: 'direct' });
  });

  test('human output groups changes by section with +, - and ~', async () => {
    const r = await runCli(['diff', sandbox, changed, ...fixtureBaseArgs]);
    expect(r.code).toBe(exitCodes.no); // ux: 3 means 'they differ' (1 is an internal error)
    expect(r.stdout).toContain('--- blueprints/sandbox.yaml (sandbox)\n+++ test/fixtures/audit/sandbox-changed.yaml (sandbox)\n');
    expect(r.stdout).toMatch(/\nbuilding blocks:\n  - emarketplace  \(product mock, /);
    expect(r.stdout).toContain('  ~ identity\n      version: 9.7.0 -> 9.8.0\n      exposure: external -> internal\n');
    expect(r.stdout).toContain('  + registration -> payments  (via mediator)\n');
    expect(r.stdout).toContain(
      "  + egress for payments  (value 203.0.113.0/24, justification Payments settles with the central bank's switch, outside the cluster.)\n",
    );
    expect(r.stdout.endsWith('\n15 differences\n')).toBe(true);
  });

  test('two countries differ in target, state and owners', async () => {
    const r = await runCli([
      'diff',
      path.join(root, 'blueprints', 'examples', 'kenya-aks.yaml'),
      path.join(root, 'blueprints', 'examples', 'estonia-eks.yaml'),
      '--json',
    ]);
    expect(r.code).toBe(exitCodes.no); // ux: 3 means 'they differ' (1 is an internal error)
    const changes = JSON.parse(r.stdout).changes as any[];
    expect(changes).toContainEqual({
      section: 'deployment',
      subject: 'target',
      kind: 'changed',
      field: 'kind',
      before: 'aks',
      after: 'eks',
    });
    expect(changes).toContainEqual(
      expect.objectContaining({ section: 'deployment', subject: 'state', field: 'backend', before: 'azurerm', after: 's3' }),
    );
  });

  test('bad input exits 2 with every problem of both files', async () => {
    const r = await runCli([
      'diff',
      fixture('invalid', 'bad-country.yaml'),
      fixture('invalid', 'bad-environment.yaml'),
      ...fixtureBaseArgs,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-country\.yaml:\d+  \/metadata\/country/);
    expect(r.stderr).toMatch(/bad-environment\.yaml:\d+  \/metadata\/environment/);
    expect(r.stdout).toBe('');
  });

  test('a missing operand is a usage error (exit 2)', async () => {
    const r = await runCli(['diff', sandbox]);
    expect(r.code).toBe(2);
  });
});
