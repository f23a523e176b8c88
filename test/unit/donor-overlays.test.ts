import { loadBlueprint } from '../../src/blueprint/load';
import { formatProblem } from '../../src/blueprint/problems';
import { fixture, fixtureBaseArgs, model, runCli } from './support';

/** Issue 13, item 2: what a donor's overlay needs to take away, replace and see. */
const donor = (file: string) => fixture('overlay', 'donor', file);
const shown = (file: string) => `test/fixtures/overlay/donor/${file}`;

describe('removing from a base |', () => {
  test('a building block removed with null takes its flows away, with a warning naming both lines', () => {
    const m = model(donor('without-consent.yaml'));
    expect(m.buildingBlocks.map((b) => b.id)).not.toContain('consent');
    expect(m.flows.map((f) => `${f.from}->${f.to}`)).toEqual([
      'registration->digital-registries',
      'registration->identity',
      'registration->messaging',
    ]);
    expect((m.warnings ?? []).map(formatProblem)).toEqual([
      `${shown('base.yaml')}:23  /buildingBlocks/registration/consumes/1  flow registration -> consent dropped: consent is removed at ${shown('without-consent.yaml')}:3`,
    ]);
  });

  test('a building block disabled by the overlay takes its flows away the same way', () => {
    const m = model(donor('consent-disabled.yaml'));
    expect(m.flows.some((f) => f.to === 'consent')).toBe(false);
    expect((m.warnings ?? []).map((w) => w.message)).toEqual([
      `flow registration -> consent dropped: consent is disabled at ${shown('consent-disabled.yaml')}:4`,
    ]);
  });

  test('within one file a flow to a disabled block is still an error: the author wrote both', async () => {
    const r = await runCli(['validate', 'test/fixtures/invalid/flow-to-disabled.yaml', ...fixtureBaseArgs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('registration consumes identity, which is disabled');
  });

  test('$remove takes one flow away and keeps the others', () => {
    const bp = loadBlueprint(donor('one-flow-removed.yaml')).blueprint;
    expect(bp.buildingBlocks.registration.consumes).toEqual([{ to: 'identity' }, { to: 'consent' }, { to: 'digital-registries' }]);
  });
});

describe('replacing a tagged object |', () => {
  test("switching target.kind replaces the target instead of keeping the base's kubeconfig path", () => {
    const loaded = loadBlueprint(donor('on-eks.yaml'));
    expect(loaded.blueprint.target).toEqual({ kind: 'eks', clusterName: 'donor', region: 'eu-west-1' });
    expect(loaded.locate('/target')).toEqual({ file: shown('on-eks.yaml'), line: 2 });
  });
});

describe('govstack show |', () => {
  test('prints the merged blueprint with the file:line of every value', async () => {
    const r = await runCli(['show', donor('without-consent.yaml')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`# ${shown('without-consent.yaml')} merged with 1 base; after each value, the file:line that declared it`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  name: donor +# ${shown('base.yaml')}:3$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^      - to: identity +# ${shown('base.yaml')}:22$`)));
    expect(r.stdout).not.toMatch(/to: consent/);
    // Every value line carries its source.
    for (const line of lines.slice(1).filter(Boolean)) expect(line).toMatch(/# \S+:\d+$/);
    expect(r.stderr).toContain('flow registration -> consent dropped');
  });
});
