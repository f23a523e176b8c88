/**
 * Staging stacks on worker threads, started before the blueprints are read. A stack is built
 * from its own model alone (stage.ts), so stacks can be staged anywhere: the command line
 * starts a worker first (staging-threads.ts), which loads cdktf and the constructs
 * (stage-worker.ts) while this thread reads and checks the blueprints; the models are then sent
 * over as plain data, split into contiguous parts, one per worker. Publishing (publish.ts) takes
 * every stack from its part's folder, in model order, exactly as after staging in one thread:
 * the bytes written are the same. On a single core there are no workers and this thread stages.
 */
import * as path from 'node:path';
import { DeploymentModel } from '../model/types';
import type { ResourceCounts } from './stage';
import type { StageResult, StageTask } from './stage-worker';
import { allOrFirstFailure } from './all-or-first-failure';
import { asReported, rebuilt } from './staging-errors';
import { StagingThread, startStagingThread, takeEarlyStagingThread, workersFor } from './staging-threads';

/** One part of a staging: the models to stage into `dir` (cdktf's outdir for them). */
export interface PartToStage {
  readonly dir: string;
  readonly models: readonly DeploymentModel[];
}

/** A part once staged: with the number of Terraform resources of each of its stacks, by stack name. */
export interface StagedPart extends PartToStage {
  readonly resources: ResourceCounts;
  /** Files and folders of it already written to disk, by inode (`dev:ino`, publish.ts `SyncedFiles`). @default none */
  readonly synced?: readonly string[];
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

/** A worker thread given at most one part to stage. */
class StagingWorker {
  constructor(private readonly thread: StagingThread = startStagingThread()) {}

  /** Stage `part` on this worker; a task that cannot be sent (it fails to clone, say) rejects like a failed staging, so that the other parts are awaited all the same. */
  async stage(part: PartToStage): Promise<StagedPart> {
    const task: StageTask = { models: part.models.map(({ locate: _locate, ...rest }) => rest), staging: part.dir };
    this.thread.worker.ref();
    this.thread.worker.postMessage(task);
    return this.thread.answer.then(({ message, synced }) => {
      const result = message as StageResult;
      if ('error' in result) throw rebuilt(result.error);
      return { ...part, resources: result.resources, synced };
    });
  }

  stop(): void {
    void this.thread.worker.terminate();
  }
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
    return [{ ...part, resources: loadStaging().stageStacks(part.models, part.dir) }];
  } catch (err) {
    throw rebuilt(asReported(err));
  }
}

/** Worker threads started ahead of the staging they will do (see the file's comment). */
export class StagingWorkers {
  private constructor(private readonly workers: StagingWorker[]) {}

  /**
   * The workers for `count` stacks: the one started early (staging-threads.ts) first, if any.
   * @param workers how many; default: {@link workersFor} `count`
   */
  static start(count: number, workers: number = workersFor(count)): StagingWorkers {
    const list: StagingWorker[] = [];
    const early = takeEarlyStagingThread();
    if (early !== undefined) {
      if (workers > 0) list.push(new StagingWorker(early));
      else void early.worker.terminate();
    }
    while (list.length < workers) list.push(new StagingWorker());
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
    return allOrFirstFailure(parts.map((part, i) => this.workers[i].stage(part)));
  }

  /** Stop every worker (those that staged have ended; this ends the ones never given a task). */
  close(): void {
    for (const w of this.workers) w.stop();
  }
}
