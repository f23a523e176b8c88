import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Blueprint, CustomBuildingBlockDecl, InputError, resolveBlueprint } from '../../src/index';
import { root } from './support';

const rwanda = parse(readFileSync(path.join(root, 'blueprints', 'examples', 'rwanda-national-registry.yaml'), 'utf8')) as Blueprint;
const registry = rwanda.customBuildingBlocks!['civil-registry'];
const withCustom = (blocks: Record<string, unknown>): Blueprint => ({
  ...rwanda,
  customBuildingBlocks: blocks as Record<string, CustomBuildingBlockDecl>,
});

function problems(bp: Blueprint): string[] {
  try {
    resolveBlueprint(bp, { label: 'rw' });
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => `${p.pointer}  ${p.message}`).sort();
    throw err;
  }
  return [];
}

test('a custom block resolves like a catalog block: namespace, sizing, owner, route, flows', () => {
  const model = resolveBlueprint(rwanda);
  const block = model.buildingBlocks.find((b) => b.id === 'civil-registry')!;
  expect(block).toMatchObject({
    namespace: 'gs-civil-registry',
    replicas: 1,
    exposure: 'internal',
    host: 'civil-registry.internal.gov.rw.example',
    pointer: '/customBuildingBlocks/civil-registry',
  });
  expect(block.owner.securityServer).toBe('nida');
  expect(block.product).toMatchObject({
    kind: 'image',
    id: 'custom',
    image: { repository: 'registry.gov.rw.example/civil-registry/api', tag: '2.4.1' },
  });
  expect(model.flows.map((f) => `${f.from}->${f.to} ${f.pointer}`)).toContain(
    'civil-registry->consent /customBuildingBlocks/civil-registry/consumes/0',
  );
  expect(model.gateway.routes.map((r) => r.buildingBlock)).toContain('civil-registry');
});

test('the schema refuses a catalog id, a latest tag, a missing image and unknown fields', () => {
  const found = problems(
    withCustom({
      identity: { ...registry },
      'civil-registry': { ...registry, image: { repository: 'registry.gov.rw.example/civil-registry/api', tag: 'latest' } },
      'payment-switch': { ...registry, image: undefined, product: 'mock' },
    }),
  );
  expect(found).toContain(
    '/customBuildingBlocks/identity  "identity" is not allowed as a name here: must be a DNS label that is not a catalog building block id',
  );
  // ux's message format: the rule, then the schema's description in parentheses.
  expect(found).toContain(
    '/customBuildingBlocks/civil-registry/image/tag  "latest" is not valid: must be text matching ^(?![Ll][Aa][Tt][Ee][Ss][Tt]$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ (An immutable version tag; `latest` is refused)',
  );
  expect(found).toContain('/customBuildingBlocks/payment-switch  missing required property "image"');
  expect(found).toContain('/customBuildingBlocks/payment-switch/product  unknown property "product"');
});

test('cross-field rules hold for custom blocks: owner, flow targets, replicas in prod', () => {
  const found = problems({
    ...rwanda,
    metadata: { ...rwanda.metadata, environment: 'prod' },
    buildingBlocks: Object.fromEntries(Object.entries(rwanda.buildingBlocks).map(([id, b]) => [id, { ...b, replicas: 2 }])),
    customBuildingBlocks: { 'civil-registry': { ...registry, owner: 'nobody', replicas: 1, consumes: [{ to: 'payments' }] } },
  });
  expect(found).toEqual([
    '/customBuildingBlocks/civil-registry  civil-registry runs 1 replica in prod; use 2 or more (govstack-cfr-deployment#req-9) or add a justified min-replicas override',
    '/customBuildingBlocks/civil-registry/consumes/0/to  civil-registry consumes payments, which is not declared in /buildingBlocks',
    '/customBuildingBlocks/civil-registry/owner  owner "nobody" is not an organisation in /mediator/organisations',
  ]);
});
