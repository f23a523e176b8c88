/**
 * A worker thread's part of a parallel synthesis (parallel-stage.ts): stage the models it is
 * given, then report success or the error, as plain data (errors do not cross threads whole).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DeploymentModel } from '../model/types';
import { stageStacks } from './stage';

/** What the main thread sends: the models (without `locate`, which is a function) and the staging folder. */
export interface StageTask {
  readonly models: readonly Omit<DeploymentModel, 'locate'>[];
  readonly staging: string;
}

/** What the worker answers. */
export type StageResult =
  { readonly ok: true } | { readonly error: { readonly name: string; readonly message: string; readonly problems?: unknown } };

/** Where a model's source locations would be asked for: never while stacks are built (constructs render the model; locations belong to loading and the audit). */
function locateUnavailable(): never {
  throw new Error('source locations are not available in a synthesis worker');
}

if (parentPort) {
  const task = workerData as StageTask;
  let result: StageResult;
  try {
    stageStacks(
      task.models.map((m) => ({ ...m, locate: locateUnavailable })),
      task.staging,
    );
    result = { ok: true };
  } catch (err) {
    const e = err as Error & { problems?: unknown };
    result = { error: { name: e.name, message: e.message, problems: e.problems } };
  }
  parentPort.postMessage(result);
}
