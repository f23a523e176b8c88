import { loadBlueprint } from '../blueprint/load';
import { InputError, Problem } from '../blueprint/problems';
import { resolveModel } from './resolve';
import { DeploymentModel } from './types';

/**
 * Load, validate and resolve several blueprints, collecting every file's problems into one
 * InputError, and (unless `uniqueNames` is false, as when comparing two versions of one
 * deployment) rejecting two blueprints that would write the same stack.
 */
export function loadModels(
  files: readonly string[],
  { uniqueNames = true, extendsRoots }: { uniqueNames?: boolean; extendsRoots?: readonly string[] } = {},
): DeploymentModel[] {
  const problems: Problem[] = [];
  const models: DeploymentModel[] = [];
  for (const file of files) {
    try {
      models.push(resolveModel(loadBlueprint(file, { extendsRoots })));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  const byName = new Map<string, DeploymentModel>();
  for (const model of uniqueNames ? models : []) {
    const other = byName.get(model.name);
    if (other)
      problems.push({
        ...model.locate('/metadata/name'),
        pointer: '/metadata/name',
        message: `stack name "${model.name}" is also used by ${other.sources[0].path}`,
      });
    byName.set(model.name, model);
  }
  if (problems.length > 0) throw new InputError(problems);
  return models;
}
