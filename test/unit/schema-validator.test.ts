import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  compileAtRunTime,
  generatedValidatorFile,
  schemaTextSha256,
  standaloneValidatorSource,
} from '../../src/blueprint/compile-validator';
import { publishedSchemaPath } from '../../src/blueprint/publish-schema';
import { schemaAndValidator } from '../../src/blueprint/validate';
import { requireWithCodeCache } from '../../src/blueprint/code-cache';
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
  expect((schemaAndValidator().validate as { schemaSha256?: string }).schemaSha256).toBe(schemaTextSha256(publishedText));
});

test('the CLI loads the generated validator with the code cache the build wrote for it', () => {
  const validateModule = JSON.stringify(path.join(root, 'dist', 'src', 'blueprint', 'validate.js'));
  const { status, stdout, stderr } = spawnSync(
    process.execPath,
    [
      '-e',
      `const v = require(${validateModule}); const { validate } = v.schemaAndValidator(); process.stdout.write(JSON.stringify({ cache: v.generatedValidatorCodeCache(), sha: validate.schemaSha256, empty: validate({}), required: require(${JSON.stringify(generatedFile)}) === validate }));`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  expect(stderr).toBe('');
  expect(status).toBe(0);
  // Registered as require would register it: a later require returns the same validator.
  expect(JSON.parse(stdout)).toEqual({ cache: 'used', sha: schemaTextSha256(publishedText), empty: false, required: true });
});

test('a code cache that does not match is rejected by V8 and the validator works as without one', () => {
  // Inside the package, so that the copy finds ajv's runtime modules as the original does.
  const work = mkdtempSync(path.join(root, 'dist', 'code-cache-test-'));
  try {
    const copy = path.join(work, generatedValidatorFile);
    copyFileSync(generatedFile, copy);
    const cache = path.join(work, 'stale.cache');
    writeFileSync(cache, Buffer.from('not a code cache'));
    const loaded = requireWithCodeCache(copy, cache);
    expect(loaded.cache).toBe('rejected');
    expect((loaded.exports as (v: unknown) => boolean)(parse(readFileSync(path.join(root, 'blueprints', 'sandbox.yaml'), 'utf8')))).toBe(
      true,
    );
    const other = path.join(work, 'other.js');
    writeFileSync(other, 'module.exports = 42;\n');
    expect(requireWithCodeCache(other, path.join(work, 'none.cache'))).toEqual({ exports: 42, cache: 'missing' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the generated validator reports exactly what the run-time compiled one reports, on every fixture', () => {
  const runTime = compileAtRunTime(JSON.parse(publishedText) as Record<string, unknown>);
  const { validate: generated } = schemaAndValidator();
  const files = ['invalid', 'valid', 'hostile', 'overlay'].flatMap((dir) =>
    readdirSync(fixture(dir))
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .map((f) => fixture(dir, f)),
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
