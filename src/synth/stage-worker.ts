/**
 * A worker thread of a parallel staging (parallel-stage.ts). It loads cdktf and the constructs
 * as soon as it starts, then waits for its one task: stage the models it is sent, report
 * success or the error as plain data (errors do not cross threads whole), and end.
 */
import { parentPort } from 'node:worker_threads';
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
  const port = parentPort;
  port.once('message', (task: StageTask) => {
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
    port.postMessage(result);
    port.close();
  });
}
