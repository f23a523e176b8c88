/**
 * The worker threads that stage (stage-worker.ts): how many a staging gets, and starting one at
 * the very beginning of `govstack synth`, before the command line itself loads (src/cli/start.ts),
 * so that it loads the staging code while this thread reads the blueprints. The front-end bundle
 * keeps this module outside (src/bundles/front-end.ts): start.ts and the bundled parallel-stage.ts
 * share its one copy, and with it the worker started early. It holds no error classes: what a
 * worker answers is plain data, which parallel-stage.ts turns back into errors.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as FolderCopy from './folder-copy';
import type { FolderCopyRequest, StageResult } from './stage-worker';

/** The compiled worker script. */
export const stagingWorkerFile = path.join(__dirname, 'stage-worker.js');

/**
 * Stacks a second worker must have to be worth starting: a worker first loads cdktf and the
 * provider bindings (about 0.3 s of CPU), about what staging three or four countries costs.
 */
export const stacksPerWorker = 4;

/**
 * How many worker threads stage `count` stacks: none on a single core (this thread stages), or
 * when the worker's compiled file is not there (as when running from TypeScript sources);
 * otherwise one per `stacksPerWorker` stacks, at least one, at most one per core.
 * @param cores the cores to use; default: `os.availableParallelism()`
 */
export function workersFor(count: number, cores: number = availableParallelism()): number {
  return cores < 2 || !existsSync(stagingWorkerFile) ? 0 : Math.max(1, Math.min(cores, Math.floor(count / stacksPerWorker)));
}

/**
 * A worker thread and its one answer: the last message it posts, once the folder copies it asked
 * for before (`FolderCopyRequest`, made here meanwhile by `FolderCopies`) are on disk; rejected
 * if it fails or stops before, or a copy fails.
 */
export interface StagingThread {
  readonly worker: Worker;
  /** The last message, and the inodes the folder copies wrote to disk (`dev:ino`, publish.ts `SyncedFiles`). */
  readonly answer: Promise<{ readonly message: unknown; readonly synced: readonly string[] }>;
}

/**
 * Start a worker thread, listening from the start (an error it raises before anyone asks is kept in `answer`, not thrown).
 * @param file the worker's script; default: stage-worker.js (tests give another)
 */
export function startStagingThread(file: string = stagingWorkerFile): StagingThread {
  const worker = new Worker(file);
  // Loaded once the worker is on its way: the worker is on synth's critical path, and this
  // module (with node:fs/promises) took 7-10 ms of it when loaded first.
  const { FolderCopies } = require('./folder-copy') as typeof FolderCopy;
  const copies = new FolderCopies();
  const answer = new Promise<{ readonly message: unknown; readonly synced: readonly string[] }>((resolve, reject) => {
    // Settled once, and only when no copy is running any more: nothing is written after it.
    let answered = false;
    const listen = (message: unknown) => {
      const request = (message as Partial<FolderCopyRequest>).copyFolder;
      if (request !== undefined) {
        copies.copy(...request);
        return;
      }
      answered = true;
      worker.off('message', listen);
      copies.settled().then(
        (synced) => resolve({ message, synced }),
        // The worker's own error (a blueprint's, say) says more than a copy's that failed with it.
        (copyError: unknown) =>
          (message as Partial<StageResult & { error: unknown }>).error ? resolve({ message, synced: [] }) : reject(copyError),
      );
    };
    const fail = (error: Error) => {
      if (answered) return;
      answered = true;
      void copies.ended().then(() => reject(error));
    };
    worker.on('message', listen);
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`a synthesis worker stopped (exit code ${code}) before it reported`)));
  });
  answer.catch(() => undefined);
  // Never the reason the process stays up: a run that fails before staging just ends.
  worker.unref();
  return { worker, answer };
}

let early: StagingThread | undefined;

/**
 * Start one worker thread now, for the next staging to take ({@link takeEarlyStagingThread});
 * if none does, it ends with the process. Does nothing when {@link workersFor} one stack is
 * none, or a second time.
 */
export function startStagingThreadEarly(): void {
  if (early === undefined && workersFor(1) > 0) early = startStagingThread();
}

/** The thread {@link startStagingThreadEarly} started, once (undefined if none, or taken). */
export function takeEarlyStagingThread(): StagingThread | undefined {
  const taken = early;
  early = undefined;
  return taken;
}
