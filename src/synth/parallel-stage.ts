/**
 * Staging stacks on worker threads, started before the blueprints are read. A stack is built
 * from its own model alone (stage.ts), so stacks can be staged anywhere: the command line
 * starts its workers first (`StagingWorkers.start`), and each loads cdktf and the constructs
 * (stage-worker.ts) while this thread reads and checks the blueprints; the models are then sent
 * over as plain data, split into contiguous parts, one per worker. Publishing (publish.ts) takes
 * every stack from its part's folder, in model order, exactly as after staging in one thread:
 * the bytes written are the same. On a single core there are no workers and this thread stages.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DeploymentModel } from '../model/types';
import type { StageResult, StageTask } from './stage-worker';
import { asReported, rebuilt } from './staging-errors';

/**
 * Stacks a second worker must have to be worth starting: a worker first loads cdktf and the
 * provider bindings (about 0.3 s of CPU), about what staging three or four countries costs.
 */
export const stacksPerWorker = 4;

/** One part of a staging: the models staged into `dir` (cdktf's outdir for them). */
export interface StagedPart {
  readonly dir: string;
  readonly models: readonly DeploymentModel[];
}

/**
 * How many worker threads stage `count` stacks: none on a single core (this thread stages);
 * otherwise one per `stacksPerWorker` stacks, at least one, at most one per core.
 * @param cores the cores to use; default: `os.availableParallelism()`
 */
export function workersFor(count: number, cores: number = availableParallelism()): number {
  return cores < 2 ? 0 : Math.max(1, Math.min(cores, Math.floor(count / stacksPerWorker)));
}

/** `items` in `parts` contiguous runs of sizes differing by at most one, in order. */
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

/** A worker thread, loading the staging code from the moment it starts, waiting for one task. */
class StagingWorker {
  private readonly worker = new Worker(workerFile);
  private readonly result: Promise<void>;

  constructor() {
    this.result = new Promise((resolve, reject) => {
      let answered = false;
      this.worker.once('message', (result: StageResult) => {
        answered = true;
        if ('ok' in result) resolve();
        else reject(rebuilt(result.error));
      });
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => {
        if (!answered) reject(new Error(`a synthesis worker stopped (exit code ${code}) before it reported`));
      });
    });
    // Never the reason the process stays up: a run that fails before staging just ends.
    this.worker.unref();
    this.result.catch(() => undefined);
  }

  stage(part: StagedPart): Promise<void> {
    const task: StageTask = { models: part.models.map(({ locate: _locate, ...rest }) => rest), staging: part.dir };
    this.worker.ref();
    this.worker.postMessage(task);
    return this.result;
  }

  stop(): void {
    void this.worker.terminate();
  }
}

/** The worker started by {@link prestartStagingWorker}, until a {@link StagingWorkers.start} takes it. */
let prestarted: StagingWorker | undefined;

/**
 * Start one staging worker now, before the command line and the blueprints are loaded, so that
 * it loads cdktf and the constructs meanwhile (the command line calls this for `synth`). The
 * next {@link StagingWorkers.start} takes it; if none does, it ends with the process. Does
 * nothing on a single core, when the worker's compiled file is not there, or a second time.
 */
export function prestartStagingWorker(): void {
  if (prestarted === undefined && workersFor(1) > 0 && existsSync(workerFile)) prestarted = new StagingWorker();
}

/**
 * Stage every model in this thread, as the one part `part-0` under `staging`. An error is
 * rebuilt as a worker's would be: the staging code may be another copy (the synthesis bundle's)
 * of the error classes than this thread's.
 */
export function stageHere(models: readonly DeploymentModel[], staging: string): StagedPart[] {
  const part = { dir: path.join(staging, 'part-0'), models };
  // Loaded only here: cdktf is what the workers spare this thread.
  const { loadStaging } = require('./staging-code') as typeof import('./staging-code');
  try {
    loadStaging().stageStacks(part.models, part.dir);
  } catch (err) {
    throw rebuilt(asReported(err));
  }
  return [part];
}

/** Worker threads started ahead of the staging they will do (see the file's comment). */
export class StagingWorkers {
  private constructor(private readonly workers: StagingWorker[]) {}

  /**
   * The workers for `count` stacks ({@link workersFor}; none when the worker's compiled file is
   * not there, as when running from TypeScript sources): the prestarted one first, if any.
   * @param workers how many; default: {@link workersFor} `count`
   */
  static start(count: number, workers: number = workersFor(count)): StagingWorkers {
    const n = existsSync(workerFile) ? workers : 0;
    const list: StagingWorker[] = [];
    if (prestarted !== undefined) {
      if (n > 0) list.push(prestarted);
      else prestarted.stop();
      prestarted = undefined;
    }
    while (list.length < n) list.push(new StagingWorker());
    return new StagingWorkers(list);
  }

  /**
   * Stage `models` under `staging` (one folder per part, `part-<i>`): one part per worker, or
   * all in this thread when there is none. Each worker stages once. Fails with the first failing
   * part's error, in model order, after every part has finished.
   */
  async stage(models: readonly DeploymentModel[], staging: string): Promise<StagedPart[]> {
    const parts = splitInOrder(models, Math.max(1, this.workers.length)).map((group, i) => ({
      dir: path.join(staging, `part-${i}`),
      models: group,
    }));
    if (this.workers.length === 0) return stageHere(models, staging);
    const settled = await Promise.allSettled(parts.map((part, i) => this.workers[i].stage(part)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return parts;
  }

  /** Stop every worker (those that staged have ended; this ends the ones never given a task). */
  close(): void {
    for (const w of this.workers) w.stop();
  }
}
