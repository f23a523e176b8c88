import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as located from '../../src/blueprint/located';
import { loadBlueprint } from '../../src/blueprint/load';
import { resolveModel } from '../../src/model/resolve';
import { fixture } from './support';

describe('loadBlueprint |', () => {
  test('a minimal blueprint loads with its file hash recorded', () => {
    const loaded = loadBlueprint(fixture('valid', 'minimal.yaml'));
    expect(loaded.blueprint.metadata.name).toBe('minimal');
    const sha = createHash('sha256')
      .update(readFileSync(fixture('valid', 'minimal.yaml')))
      .digest('hex');
    expect(loaded.sources).toEqual([{ path: 'test/fixtures/valid/minimal.yaml', sha256: sha }]);
  });

  test('locate() points at the line of the key that declared a value', () => {
    const loaded = loadBlueprint(fixture('valid', 'minimal.yaml'));
    expect(loaded.locate('/buildingBlocks/identity/owner')).toEqual({ file: 'test/fixtures/valid/minimal.yaml', line: 28 });
    expect(loaded.locate('/mediator/organisations/1/code')).toEqual({ file: 'test/fixtures/valid/minimal.yaml', line: 20 });
  });
});

describe('extends overlays |', () => {
  const loaded = loadBlueprint(fixture('overlay', 'country.yaml'));
  const bp = loaded.blueprint;

  test('maps merge key by key and the overlay wins', () => {
    expect(bp.metadata).toEqual({ name: 'country', country: 'RW', environment: 'dev' });
    expect(bp.gateway.tls).toEqual({ clusterIssuer: 'donor-ca' });
  });

  test('null in the overlay removes the key', () => {
    expect(bp.metadata.description).toBeUndefined();
  });

  test('lists of scalars are replaced', () => {
    expect(bp.mediator.memberClasses).toEqual(['GOV']);
  });

  test('organisations merge by name: known names merge, new names append in order', () => {
    expect(bp.mediator.organisations).toEqual([
      { name: 'ministry-a', title: 'Ministry A', class: 'GOV', code: 'RW-1001' },
      { name: 'ministry-b', class: 'GOV', code: '1002' },
      { name: 'ministry-c', class: 'GOV', code: 'RW-1003' },
    ]);
  });

  test('flows merge by target: the overlay changes one flow and keeps the other', () => {
    expect(bp.buildingBlocks.registration.consumes).toEqual([{ to: 'identity', via: 'direct' }, { to: 'digital-registries' }]);
  });

  test('alert receivers merge by name', () => {
    expect(bp.observability?.alertReceivers?.map((r) => r.name)).toEqual(['ops', 'country-ops']);
  });

  test('each value remembers the file it came from', () => {
    expect(loaded.locate('/mediator/organisations/0/title')).toEqual({ file: 'test/fixtures/overlay/base.yaml', line: 17 });
    expect(loaded.locate('/mediator/organisations/0/code')).toEqual({ file: 'test/fixtures/overlay/country.yaml', line: 11 });
    expect(loaded.sources.map((s) => s.path)).toEqual(['test/fixtures/overlay/country.yaml', 'test/fixtures/overlay/base.yaml']);
  });

  test('the overlay resolves: the external product and direct flow carry through', () => {
    const model = resolveModel(loaded);
    expect(model.buildingBlocks.find((b) => b.id === 'digital-registries')?.product.kind).toBe('external');
    expect(model.flows.map((f) => `${f.from}->${f.to}:${f.via}`)).toEqual([
      'registration->digital-registries:mediator',
      'registration->identity:direct',
    ]);
  });
});

test("an overlay that disables a provider takes the base's flow to it away, with a warning at the base line (ux: donor overlays)", () => {
  const loaded = loadBlueprint(fixture('overlay', 'country-disables-provider.yaml'));
  expect(loaded.warnings).toEqual([
    {
      file: 'test/fixtures/overlay/base.yaml',
      line: 28,
      pointer: '/buildingBlocks/registration/consumes/1',
      message:
        'flow registration -> digital-registries dropped: digital-registries is disabled at test/fixtures/overlay/country-disables-provider.yaml:5',
    },
  ]);
  expect(resolveModel(loaded).flows.some((f) => f.to === 'digital-registries')).toBe(false);
});

describe('a base shared by several blueprints |', () => {
  test('is parsed once per process, and again only when its text changes', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'govstack-parse-once-'));
    const parse = jest.spyOn(located, 'parseLocated');
    try {
      const base = path.join(work, 'base.yaml');
      writeFileSync(base, readFileSync(fixture('valid', 'minimal.yaml'), 'utf8'));
      const countries = ['aa', 'bb'].map((name) => {
        const file = path.join(work, `${name}.yaml`);
        writeFileSync(file, `extends: [base.yaml]\nmetadata:\n  name: ${name}\n`);
        return file;
      });
      parse.mockClear();
      const names = countries.map((file) => loadBlueprint(file).blueprint.metadata.name);
      expect(names).toEqual(['aa', 'bb']);
      expect(parse.mock.calls.map(([, shown]) => path.basename(shown))).toEqual(['aa.yaml', 'base.yaml', 'bb.yaml']);

      writeFileSync(base, readFileSync(base, 'utf8').replace('country: KE', 'country: RW'));
      parse.mockClear();
      expect(loadBlueprint(countries[0]).blueprint.metadata.country).toBe('RW');
      expect(parse.mock.calls.map(([, shown]) => path.basename(shown))).toEqual(['base.yaml']);
    } finally {
      parse.mockRestore();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
