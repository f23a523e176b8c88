/**
 * Staging many stacks on every core: a fleet's stacks are independent (each is built from its
 * own model, stage.ts), so they are split into contiguous parts, one per thread; this thread
 * stages the first part while worker threads (stage-worker.ts) stage the others, each into its
 * own folder. Publishing (publish.ts) then takes every stack from its part's folder, in model
 * order, exactly as after a single-threaded staging: the bytes written are the same.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EnvironmentError, InputError, Problem } from '../blueprint/problems';
import { DeploymentModel } from '../model/types';
import { stageStacks } from './stage';
import type { StageResult, StageTask } from './stage-worker';

/**
 * Stacks a thread must have to be worth starting: a worker first loads cdktf and the provider
 * bindings (about 0.3 s of CPU), about what staging three or four countries costs.
 */
export const stacksPerThread = 4;

/** One part of a staging: the models staged into `dir` (cdktf's outdir for them). */
export interface StagedPart {
  readonly dir: string;
  readonly models: readonly DeploymentModel[];
}

/**
 * How many threads stage `count` stacks: one per `stacksPerThread` stacks, at most one per core.
 * @param cores the cores to use; default: `os.availableParallelism()`
 */
export function threadsFor(count: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(count / stacksPerThread)));
}

/** `models` in `parts` contiguous runs of sizes differing by at most one, in order. */
export function splitInOrder<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  for (let i = 0, start = 0; i < parts; i++) {
    const size = Math.floor(items.length / parts) + (i < items.length % parts ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}

const workerFile = path.join(__dirname, 'stage-worker.js');

/** The error a worker reported, as the class it had (the CLI maps classes to exit codes). */
function rebuilt(error: Extract<StageResult, { error: unknown }>['error']): Error {
  if (error.name === 'InputError' && Array.isArray(error.problems)) return new InputError(error.problems as Problem[]);
  if (error.name === 'EnvironmentError') return new EnvironmentError(error.message);
  return Object.assign(new Error(error.message), { name: error.name });
}

function stageInWorker(part: StagedPart): Promise<void> {
  const task: StageTask = { models: part.models.map(({ locate: _locate, ...rest }) => rest), staging: part.dir };
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: task });
    let answered = false;
    worker.once('message', (result: StageResult) => {
      answered = true;
      if ('ok' in result) resolve();
      else reject(rebuilt(result.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`a synthesis worker stopped (exit code ${code}) before it reported`));
    });
  });
}

/**
 * Stage `models` under `staging` (one folder per part, `part-<i>`), on up to `threads` threads.
 * Fails with the first failing part's error, in model order, after every part has finished.
 * @param threads default: {@link threadsFor} the number of models; 1 when the worker's
 *   compiled file is not there (running from TypeScript sources)
 */
export async function stageInParallel(
  models: readonly DeploymentModel[],
  staging: string,
  threads: number = threadsFor(models.length),
): Promise<StagedPart[]> {
  const count = existsSync(workerFile) ? threads : 1;
  const parts = splitInOrder(models, count).map((group, i) => ({ dir: path.join(staging, `part-${i}`), models: group }));
  const others = parts.slice(1).map((part) => stageInWorker(part));
  let own: unknown;
  try {
    stageStacks(parts[0].models, parts[0].dir);
  } catch (err) {
    own = err;
  }
  const settled = await Promise.allSettled(others);
  if (own !== undefined) throw own;
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return parts;
}
