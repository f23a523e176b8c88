import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { DeploymentModel } from '../model/types';
import { StagedPart, stageHere, StagingWorkers } from './parallel-stage';
import { checkOutDir, cleanLeftovers, publishStack, PublishStep, removeNow, stagingPrefix, SyncedFiles, writeManifest } from './publish';
import { makeFolder } from '../make-folder';

/** A stack written by `synthesize`. */
export interface SynthesizedStack {
  /** Stack name (the blueprint's `metadata.name`). */
  readonly name: string;
  /** Path of the stack's `cdk.tf.json`. */
  readonly file: string;
  /** Number of Terraform resources in it. */
  readonly resources: number;
}

/** How `synthesize` publishes. */
export interface SynthesizeOptions {
  /**
   * Called after each publishing step (tests kill the process there to prove that no step
   * can lose state); `stack` is the stack's name ('' for `staged`, which covers all).
   * @default nothing
   */
  readonly onStep?: (step: PublishStep, stack: string) => void;
}

/**
 * Synthesise one Terraform stack per model into `outdir/stacks/<name>/`, in this thread. Everything is
 * written into a staging folder inside `outdir` first (same filesystem, so every move is a
 * rename) and published only when every stack has synthesised, so a failure leaves `outdir`
 * as it was. Each stack is replaced as publish.ts describes: `<name>` is a link to a generation
 * folder, Terraform's working files (local state, `.terraform/`, lock file, plans) are carried
 * into the next generation, and one rename swaps the link, so a kill at any moment leaves the
 * old or the new complete folder with its state. Stacks of other deployments
 * already in `outdir` are kept; leftovers of interrupted runs are cleaned up first.
 * Throws EnvironmentError for an unusable `outdir` (see publish.ts).
 */
export function synthesize(models: readonly DeploymentModel[], outdir: string, options: SynthesizeOptions = {}): SynthesizedStack[] {
  const { out, staging } = prepareStaging(models, outdir);
  try {
    return publishParts(out, stageHere(models, staging), options);
  } finally {
    removeNow(staging);
  }
}

/**
 * {@link synthesize}, with the stacks staged by worker threads (parallel-stage.ts); publishing
 * is the same, so are the bytes written. The old generations and the staging folder are
 * removed on libuv's thread pool while the workers end.
 * @param options.workers workers started earlier, while the blueprints were read (the command
 *   line does); default: started here, {@link workersFor} the number of models. They are
 *   closed when this returns.
 */
export async function synthesizeInParallel(
  models: readonly DeploymentModel[],
  outdir: string,
  options: SynthesizeOptions & { readonly workers?: StagingWorkers } = {},
): Promise<SynthesizedStack[]> {
  const workers = options.workers ?? StagingWorkers.start(models.length);
  const removals: Promise<void>[] = [];
  const removeLater = (folder: string) => void removals.push(rm(folder, { recursive: true, force: true }));
  try {
    const { out, staging } = prepareStaging(models, outdir);
    try {
      const parts = await workers.stage(models, staging);
      return publishParts(out, parts, options, removeLater);
    } finally {
      removeLater(staging);
    }
  } finally {
    workers.close();
    await Promise.all(removals);
  }
}

/** Check `outdir`, clean what interrupted runs left, and make this run's staging folder in it. */
function prepareStaging(models: readonly DeploymentModel[], outdir: string): { out: string; staging: string } {
  const out = path.resolve(outdir);
  checkOutDir(
    out,
    models.map((m) => m.name),
  );
  makeFolder(path.join(out, 'stacks'));
  cleanLeftovers(out);
  return { out, staging: mkdtempSync(path.join(out, `${stagingPrefix}${process.pid}-`)) };
}

/** Publish every staged stack, in model order, then merge the parts' manifests into `out`'s. */
function publishParts(
  out: string,
  parts: readonly StagedPart[],
  options: SynthesizeOptions,
  removeOld: (generation: string) => void = removeNow,
): SynthesizedStack[] {
  options.onStep?.('staged', '');
  const synced: SyncedFiles = new Set(parts.flatMap((p) => p.synced ?? []));
  const written = parts.flatMap((part) =>
    part.models.map((m) => {
      const target = publishStack(
        path.join(part.dir, 'stacks', m.name),
        path.join(out, 'stacks', m.name),
        (step) => options.onStep?.(step, m.name),
        synced,
        removeOld,
      );
      return { name: m.name, file: path.join(target, 'cdk.tf.json'), resources: part.resources[m.name] };
    }),
  );
  for (const part of parts) writeManifest(path.join(part.dir, 'manifest.json'), out);
  return written;
}
