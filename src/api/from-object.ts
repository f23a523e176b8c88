import { createHash } from 'node:crypto';
import { LoadedBlueprint, validateBlueprintValue } from '../blueprint/load';
import { InputError, joinPointer, Problem } from '../blueprint/problems';
import { Blueprint } from '../blueprint/types';
import { resolveModel } from '../model/resolve';
import { DeploymentModel } from '../model/types';
import { stableJson } from '../stable-json';

/** Options of {@link loadBlueprintObject} and {@link resolveBlueprint}. */
export interface BlueprintObjectOptions {
  /**
   * Name shown where a file name would be in each problem line (`<label>  /json/pointer  message`)
   * and recorded as the blueprint's source in the model and the audit.
   * @default 'blueprint' - a plain label; no file is read or needed
   */
  readonly label?: string;
}

/**
 * Validate a blueprint declared in code exactly as a blueprint file is validated: the same JSON
 * Schema (unknown ids and misspelt keys are errors, with suggestions), the same refusal of
 * Terraform template sequences (`${`, `%{`) in any string, and values that could not come from
 * a file (functions, class instances, `undefined` inside lists, non-finite numbers, cycles)
 * reported as problems too.
 *
 * @param blueprint - the blueprint object; `extends` is refused (compose objects with spread instead)
 * @returns the validated blueprint with a locator that reports every pointer at `label` (line 0)
 * @throws {@link InputError} listing every problem, one `label  /json/pointer  message` line each
 */
export function loadBlueprintObject(blueprint: Blueprint, options: BlueprintObjectOptions = {}): LoadedBlueprint {
  const label = options.label ?? 'blueprint';
  const problems: Problem[] = [];
  const value = plainValue(blueprint, '', new Set(), (pointer, message) => problems.push({ file: label, line: 0, pointer, message }));
  if (value !== null && typeof value === 'object' && 'extends' in value) {
    problems.push({
      file: label,
      line: 0,
      pointer: '/extends',
      message: 'extends names files; in code, spread a base object into this one (or load the files with loadBlueprint)',
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  const sha256 = createHash('sha256').update(stableJson(value)).digest('hex');
  const locate = () => ({ file: label, line: 0 });
  const checked = validateBlueprintValue(value, locate);
  if (checked.problems.length > 0) throw new InputError(checked.problems);
  return { file: label, blueprint: checked.blueprint!, sources: [{ path: label, sha256 }], locate, warnings: checked.warnings };
}

/**
 * Validate a blueprint declared in code and resolve it against the catalog into the
 * deployment model that {@link CountryDeployment} renders: the schema and `${` checks of
 * {@link loadBlueprintObject}, then every cross-field rule a blueprint file gets (owners are
 * organisations, flows name enabled blocks, two replicas in prod, unique hosts, …).
 *
 * @example
 * const model = resolveBlueprint({ metadata: { name: 'sandbox', country: 'DE', environment: 'dev' }, ... });
 * new CountryDeployment(app, model.name, { model });
 *
 * @throws {@link InputError} listing every problem, one `label  /json/pointer  message` line each
 */
export function resolveBlueprint(blueprint: Blueprint, options: BlueprintObjectOptions = {}): DeploymentModel {
  return resolveModel(loadBlueprintObject(blueprint, options));
}

/**
 * A JSON copy of a value built in code, with each thing JSON cannot hold reported at its
 * pointer. `undefined` object members are dropped (as `JSON.stringify` does): an optional
 * field left unset is not a problem.
 */
function plainValue(value: unknown, pointer: string, path: Set<object>, problem: (pointer: string, message: string) => void): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    problem(pointer, `${String(value)} is not a finite number`);
    return null;
  }
  if (typeof value !== 'object') {
    problem(pointer, `a ${typeof value} cannot be part of a blueprint (only strings, numbers, booleans, null, lists and plain objects)`);
    return null;
  }
  if (path.has(value)) {
    problem(pointer, 'refers back to an enclosing object (a cycle)');
    return null;
  }
  path.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        if (item === undefined) {
          problem(joinPointer(pointer, i), 'undefined in a list');
          return null;
        }
        return plainValue(item, joinPointer(pointer, i), path, problem);
      });
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    // A plain object from any realm (a vm context, structuredClone in a test sandbox): its prototype's prototype is null.
    if (proto !== null && Object.getPrototypeOf(proto) !== null) {
      problem(pointer, `a ${(value as object).constructor?.name ?? 'class'} instance cannot be part of a blueprint (only plain objects)`);
      return null;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      // defineProperty, not assignment: a key named __proto__ must stay data.
      Object.defineProperty(out, key, {
        value: plainValue(item, joinPointer(pointer, key), path, problem),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  } finally {
    path.delete(value);
  }
}
