/**
 * A worker thread of a parallel staging (parallel-stage.ts). It loads the staging code (cdktf
 * and the constructs, from the synthesis bundle when it can: staging-code.ts) as soon as it
 * starts, then waits for its one task: stage the models it is sent (its chart copies made concurrently), report
 * success or the error as plain data (errors do not cross threads whole), and end.
 */
import { parentPort } from 'node:worker_threads';
import { DeploymentModel } from '../model/types';
import type { ResourceCounts } from './stage';
import { loadStaging } from './staging-code';
import { asReported, ReportedError } from './staging-errors';

/** What the main thread sends: the models (without `locate`, which is a function) and the staging folder. */
export interface StageTask {
  readonly models: readonly Omit<DeploymentModel, 'locate'>[];
  readonly staging: string;
}

/** What the worker answers. */
export type StageResult = { readonly resources: ResourceCounts } | { readonly error: ReportedError };

/** Where a model's source locations would be asked for: never while stacks are built (constructs render the model; locations belong to loading and the audit). */
function locateUnavailable(): never {
  throw new Error('source locations are not available in a synthesis worker');
}

if (parentPort) {
  const port = parentPort;
  const { stageStacksConcurrently, warmChartHashes } = loadStaging();
  // While the models are being read: the charts' hashes, which building the stacks needs first.
  warmChartHashes();
  port.once('message', (task: StageTask) => {
    const models = task.models.map((m) => ({ ...m, locate: locateUnavailable }));
    void stageStacksConcurrently(models, task.staging)
      .then(
        (resources): StageResult => ({ resources }),
        (err: unknown): StageResult => ({ error: asReported(err) }),
      )
      .then((result) => {
        port.postMessage(result);
        port.close();
      });
  });
}
