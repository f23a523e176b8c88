import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, TerraformAsset, TerraformStack } from 'cdktf';
import { HelmChartRef } from '../catalog/types';
import { ChartSources } from '../blueprint/types';
import { chartsDir } from '../paths';

/** Where helm_release finds a chart: `chart` plus, for repository charts, `repository` and `version`. */
export interface ChartLocation {
  readonly chart: string;
  readonly repository?: string;
  readonly version?: string;
}

/**
 * One of the project's own charts, copied into the synthesised stack's `assets/` folder so the
 * stack is self-contained and its chart paths resolve from the stack's folder on any machine.
 */
export function projectChart(scope: Construct, name: string): ChartLocation {
  const stack = TerraformStack.of(scope);
  const id = `Chart-${name}`;
  // One copy per stack, however many releases use the chart.
  const asset =
    (stack.node.tryFindChild(id) as TerraformAsset | undefined) ??
    new TerraformAsset(stack, id, {
      path: path.join(chartsDir, name),
      type: AssetType.DIRECTORY,
      assetHash: appContentHash(stack, path.join(chartsDir, name)),
    });
  return { chart: asset.path };
}

/**
 * An upstream chart, pinned by version: from its repository (an `oci://` repository holds the
 * chart at `<repository>/<name>`), or from the blueprint's mirror
 * (same chart name and version), or unpacked in a local folder for air-gapped sites.
 */
export function upstreamChart(ref: HelmChartRef, sources: ChartSources): ChartLocation {
  if (sources.localDir) return { chart: path.posix.join(sources.localDir, ref.name) };
  if (sources.mirror) return { chart: ref.name, repository: sources.mirror, version: ref.version };
  return { chart: ref.name, repository: ref.repository, version: ref.version };
}

/** Content hashes per app: the charts do not change while one app is built, and a fleet's app has a stack per country. */
const hashesByApp = new WeakMap<Construct, Map<string, string>>();

/** Hashes of every project chart computed ahead of the next app ({@link warmChartHashes}), until it takes them. */
let warmed: Map<string, string> | undefined;

/**
 * Compute the content hash of every project chart now, for the next app to take instead of
 * reading the charts while it is built: a staging worker does this while it waits for its
 * models (src/synth/stage-worker.ts), while the blueprints are read (a chart edited in that
 * moment is copied with the hash it had when it was read, as within one build). A chart that
 * cannot be read is left out: the app then reads it, and fails, only if it uses it.
 */
export function warmChartHashes(): void {
  warmed = new Map();
  for (const entry of readdirSync(chartsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(chartsDir, entry.name);
    try {
      warmed.set(dir, contentHash(dir));
    } catch {
      // Read when used, if ever.
    }
  }
}

function appContentHash(stack: TerraformStack, dir: string): string {
  const app = stack.node.root;
  let hashes = hashesByApp.get(app);
  if (!hashes) {
    hashes = warmed ?? new Map<string, string>();
    warmed = undefined;
    hashesByApp.set(app, hashes);
  }
  let hash = hashes.get(dir);
  if (hash === undefined) hashes.set(dir, (hash = contentHash(dir)));
  return hash;
}

/**
 * A content hash of a folder: relative paths and bytes, in sorted order, so the asset path
 * changes exactly when a chart's files change, on every machine alike.
 */
function contentHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        hash.update(path.relative(dir, full).split(path.sep).join('/')).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}
