import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { publishedSchemaPath, publishedSchemaText } from '../../src/blueprint/publish-schema';
import { loadModels } from '../../src/model/load-models';
import { root } from './support';

const examples = readdirSync(path.join(root, 'blueprints', 'examples'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => path.join(root, 'blueprints', 'examples', f));

test('the sandbox and every example are valid', () => {
  const models = loadModels([path.join(root, 'blueprints', 'sandbox.yaml'), ...examples]);
  expect(models.length).toBeGreaterThanOrEqual(4);
});

test('examples differ in target, size and selection, and one uses extends', () => {
  const models = loadModels(examples);
  const kinds = new Set(models.map((m) => m.target.kind));
  expect(kinds.has('kubeconfig')).toBe(true);
  expect([...kinds].filter((k) => k !== 'kubeconfig').length).toBeGreaterThanOrEqual(2);
  expect(new Set(models.map((m) => m.buildingBlocks.map((b) => b.id).join(','))).size).toBe(models.length);
  expect(models.some((m) => m.sources.length > 1)).toBe(true);
});

test('the sandbox deploys every building block that has a deployable product', () => {
  const [sandbox] = loadModels([path.join(root, 'blueprints', 'sandbox.yaml')]);
  expect(sandbox.buildingBlocks.every((b) => b.product.kind !== 'external')).toBe(true);
  expect(sandbox.buildingBlocks).toHaveLength(12);
});

test('the published schema is the one the code enforces', () => {
  expect(readFileSync(publishedSchemaPath, 'utf8')).toBe(publishedSchemaText());
});

test('the published schema is valid draft 2020-12', () => {
  const ajv = new Ajv2020({ strict: false });
  expect(ajv.validateSchema(JSON.parse(publishedSchemaText()))).toBe(true);
});
