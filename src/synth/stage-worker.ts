/**
 * A worker thread of a parallel staging (parallel-stage.ts). It loads the staging code (cdktf
 * and the constructs, from the synthesis bundle when it can: staging-code.ts) as soon as it
 * starts, then waits for its one task: stage the models it is sent, asking the main thread to
 * copy each chart folder into the stacks meanwhile (a `FolderCopyRequest` per copy; the main
 * thread is idle until the answer), report success or the error as plain data (errors do not
 * cross threads whole), and end.
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

/** What the worker answers, last. */
export type StageResult = { readonly resources: ResourceCounts } | { readonly error: ReportedError };

/** What the worker asks before it answers: copy the folder `source` to `target` (absolute paths; src/synth/folder-copy.ts). */
export interface FolderCopyRequest {
  readonly copyFolder: readonly [source: string, target: string];
}

/** Where a model's source locations would be asked for: never while stacks are built (constructs render the model; locations belong to loading and the audit). */
function locateUnavailable(): never {
  throw new Error('source locations are not available in a synthesis worker');
}

if (parentPort) {
  const port = parentPort;
  const { stageStacksCopyingElsewhere, warmChartHashes } = loadStaging();
  // While the models are being read: the charts' hashes, which building the stacks needs first.
  warmChartHashes();
  port.once('message', (task: StageTask) => {
    const models = task.models.map((m) => ({ ...m, locate: locateUnavailable }));
    const copyElsewhere = (source: string, target: string) =>
      port.postMessage({ copyFolder: [source, target] } satisfies FolderCopyRequest);
    let result: StageResult;
    try {
      result = { resources: stageStacksCopyingElsewhere(models, task.staging, copyElsewhere) };
    } catch (err) {
      result = { error: asReported(err) };
    }
    port.postMessage(result);
    port.close();
  });
}
