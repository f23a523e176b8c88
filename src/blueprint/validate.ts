import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import * as path from 'node:path';
import { buildingBlocks } from '../catalog';
import { blueprintSchema } from './schema';
import { joinPointer } from './problems';
import { compileAtRunTime, generatedValidatorCacheFile, generatedValidatorFile, schemaTextSha256 } from './compile-validator';
import { CodeCacheUse, requireWithCodeCache } from './code-cache';
import { patternMessage, patternRule } from './pattern-rules';
import { suggest } from './suggest';

let validatorCodeCache: CodeCacheUse | 'not loaded' = 'not loaded';

/** Whether the generated validator was loaded with its code cache (see code-cache.ts). */
export function generatedValidatorCodeCache(): CodeCacheUse | 'not loaded' {
  return validatorCodeCache;
}

let compiled: { schema: Record<string, unknown>; validate: ValidateFunction } | undefined;

/** The blueprint schema for the built-in catalog, and its validator (obtained once). */
export function schemaAndValidator(): { schema: Record<string, unknown>; validate: ValidateFunction } {
  if (!compiled) {
    const schema = blueprintSchema(buildingBlocks);
    compiled = { schema, validate: aheadOfTime(schema) ?? compileAtRunTime(schema) };
  }
  return compiled;
}

/**
 * The validator `npm run build` generated (compile-validator.ts), when it was generated from
 * exactly this schema's published text; undefined when it is missing or stale.
 */
function aheadOfTime(schema: Record<string, unknown>): ValidateFunction | undefined {
  let generated: ValidateFunction & { schemaSha256?: string };
  try {
    const loaded = requireWithCodeCache(path.join(__dirname, generatedValidatorFile), path.join(__dirname, generatedValidatorCacheFile));
    generated = loaded.exports as ValidateFunction & { schemaSha256?: string };
    validatorCodeCache = loaded.cache;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
  return generated.schemaSha256 === schemaTextSha256(JSON.stringify(schema, null, 2) + '\n') ? generated : undefined;
}

/** A schema violation as a pointer and a sentence a blueprint author can act on. */
export interface SchemaViolation {
  readonly pointer: string;
  readonly message: string;
}

/** Validate a merged blueprint; returns violations (empty when valid), without duplicates. */
export function validateAgainstSchema(value: unknown): SchemaViolation[] {
  const { validate } = schemaAndValidator();
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const error of validate.errors ?? []) {
    const violation = describe(error);
    if (!violation) continue;
    const key = `${violation.pointer}\u0000${violation.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(violation);
    }
  }
  return out;
}

/**
 * Every string that holds a Terraform template sequence, `${` (interpolation) or `%{`
 * (directive). Blueprint text reaches the Terraform JSON (annotations, helm values, paths),
 * where Terraform would evaluate it, and cdktf would first resolve its own `${TfToken[…]}`
 * markers in it: both are refused here, so every string that reaches the output is inert.
 */
export function templateSequences(value: unknown, pointer = ''): SchemaViolation[] {
  if (typeof value === 'string') {
    const found = /\$\{|%\{/.exec(value);
    if (!found) return [];
    const what = found[0] === '${' ? 'an interpolation' : 'a template directive';
    return [
      { pointer, message: `contains "${found[0]}", which Terraform would read as ${what}; write "${found[0][0]} {" or leave it out` },
    ];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => templateSequences(item, joinPointer(pointer, i)));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => templateSequences(item, joinPointer(pointer, key)));
  return [];
}

function describe(error: ErrorObject): SchemaViolation | undefined {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  // A property name that breaks its section's rule: reported once, from the propertyNames
  // error, at the name's own pointer; the rule's inner errors (pattern, not) repeat it.
  if ((error as { propertyName?: string }).propertyName !== undefined) return undefined;
  switch (error.keyword) {
    case 'propertyNames': {
      const name = String(params.propertyName);
      const names = (error.parentSchema as { propertyNames?: { description?: string; pattern?: string } })?.propertyNames;
      const rule = names?.description?.replace(/\.$/, '') ?? (names?.pattern ? patternRule(names.pattern) : undefined);
      return {
        pointer: joinPointer(at, name),
        message: `${JSON.stringify(name)} is not allowed as a name here${rule ? `: must be ${rule}` : ''}`,
      };
    }
    case 'if':
      return undefined; // the failing `then` branch reports the real problem
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      return { pointer: joinPointer(at, name), message: `unknown property "${name}"${suggest(name, known)}` };
    }
    case 'required':
      return { pointer: at, message: `missing required property "${String(params.missingProperty)}"` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const got = JSON.stringify(error.data);
      if (allowed.length > 12) return { pointer: at, message: `${got} is not allowed${suggest(String(error.data), allowed)}` };
      return { pointer: at, message: `${got} is not one of: ${allowed.join(', ')}` };
    }
    case 'const':
      return { pointer: at, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern':
      return {
        pointer: at,
        message: patternMessage(error.data, String(params.pattern), (error.parentSchema as { description?: string })?.description),
      };
    case 'type':
      return { pointer: at, message: `must be ${String(params.type).replace(/,/g, ' or ')}` };
    case 'minProperties':
    case 'maxProperties': {
      const description = (error.parentSchema as { description?: string })?.description;
      return { pointer: at, message: description ?? String(error.message) };
    }
    default:
      return { pointer: at, message: String(error.message) };
  }
}
