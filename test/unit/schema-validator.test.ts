import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { compileAtRunTime, generatedValidatorFile, schemaTextSha256, standaloneValidatorSource } from '../../src/blueprint/compile-validator';
import { publishedSchemaPath } from '../../src/blueprint/publish-schema';
import { schemaAndValidator } from '../../src/blueprint/validate';
import { fixture, root } from './support';

// `npm test` (like `npm run build`) generates the validator ahead of time; these tests check
// that what it generated is the published schema's, and that the CLI uses it.
const generatedFile = path.join(root, 'dist', 'src', 'blueprint', generatedValidatorFile);
const publishedText = readFileSync(publishedSchemaPath, 'utf8');

test('the generated validator was compiled from the published schema, and regenerating gives the same code', () => {
  const generated = readFileSync(generatedFile, 'utf8');
  expect(generated).toContain(`module.exports.schemaSha256 = "${schemaTextSha256(publishedText)}"`);
  expect(generated).toBe(standaloneValidatorSource(publishedText));
});

test('validation uses the generated validator, not one compiled at run time', () => {
  expect(schemaAndValidator().validate).toBe(require(generatedFile));
});

test('the generated validator reports exactly what the run-time compiled one reports, on every fixture', () => {
  const runTime = compileAtRunTime(JSON.parse(publishedText) as Record<string, unknown>);
  const { validate: generated } = schemaAndValidator();
  const files = ['invalid', 'valid', 'hostile', 'overlay'].flatMap((dir) =>
    readdirSync(fixture(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => fixture(dir, f)),
  );
  files.push(path.join(root, 'blueprints', 'sandbox.yaml'));
  let failing = 0;
  for (const file of files) {
    let value: unknown;
    try {
      value = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
    } catch {
      continue; // not parseable as plain YAML: the loader reports it before any schema runs
    }
    const a = generated(value);
    const b = runTime(value);
    expect({ file, valid: a, errors: generated.errors ?? null }).toEqual({ file, valid: b, errors: runTime.errors ?? null });
    if (!a) failing++;
  }
  expect(failing).toBeGreaterThan(20);
});
