import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
// First: it defers cdktf's archive library, which must happen before cdktf loads.
import { skipCrossStackPreparation, withTunedCdktf } from './cdktf-tuning';
import { App } from 'cdktf';
import { CountryDeployment } from '../constructs/country-deployment';
import { DeploymentModel } from '../model/types';

/** A stack written by `synthesize`. */
export interface SynthesizedStack {
  readonly name: string;
  /** Path of the stack's `cdk.tf.json`. */
  readonly file: string;
  /** Number of Terraform resources in it. */
  readonly resources: number;
}

/**
 * Synthesise one Terraform stack per model into `outdir/stacks/<name>/`. Everything is
 * written into a temporary folder beside `outdir` first and moved into place only when
 * every stack has synthesised, so a failure leaves `outdir` exactly as it was. Stacks of
 * other deployments already in `outdir` are kept.
 */
export function synthesize(models: readonly DeploymentModel[], outdir: string): SynthesizedStack[] {
  const parent = path.dirname(path.resolve(outdir));
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(path.join(parent, '.govstack-synth-'));
  try {
    withTunedCdktf(() => {
      const app = new App({
        outdir: staging,
        stackTraces: false,
        context: { excludeStackIdFromLogicalIds: 'true', allowSepCharsInLogicalIds: 'true' },
      });
      for (const model of models) new CountryDeployment(app, model.name, { model });
      skipCrossStackPreparation(app);
      app.synth();
    });
    return publish(staging, path.resolve(outdir), models.map((m) => m.name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function publish(staging: string, outdir: string, names: readonly string[]): SynthesizedStack[] {
  mkdirSync(path.join(outdir, 'stacks'), { recursive: true });
  const written: SynthesizedStack[] = [];
  for (const name of names) {
    const target = path.join(outdir, 'stacks', name);
    const retired = `${target}.old-${process.pid}`;
    if (existsSync(target)) renameSync(target, retired);
    renameSync(path.join(staging, 'stacks', name), target);
    keepWorkingFiles(retired, target);
    rmSync(retired, { recursive: true, force: true });
    const file = path.join(target, 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    written.push({ name, file, resources });
  }
  writeManifest(staging, outdir);
  return written;
}

/**
 * A stack folder is also Terraform's working directory: local state, `.terraform/`, the lock
 * file and saved plans live there. Everything synth does not itself write is carried over
 * from the previous folder, so re-synthesising never loses state.
 */
function keepWorkingFiles(previous: string, next: string): void {
  if (!existsSync(previous)) return;
  for (const entry of readdirSync(previous)) {
    if (!existsSync(path.join(next, entry))) renameSync(path.join(previous, entry), path.join(next, entry));
  }
}

/** Keep cdktf's manifest.json listing every stack present in `outdir`, old and new. */
function writeManifest(staging: string, outdir: string): void {
  const fresh = JSON.parse(readFileSync(path.join(staging, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  const existingFile = path.join(outdir, 'manifest.json');
  const existing = existsSync(existingFile) ? (JSON.parse(readFileSync(existingFile, 'utf8')) as { stacks?: Record<string, unknown> }) : {};
  const stacks = { ...existing.stacks, ...fresh.stacks };
  const sorted = Object.fromEntries(Object.keys(stacks).sort().map((k) => [k, stacks[k]]));
  const tmp = `${existingFile}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ ...fresh, stacks: sorted }, null, 2) + '\n');
  renameSync(tmp, existingFile);
}
