/**
 * The synthesis bundle: src/synth/stage.ts with everything it loads (cdktf, constructs, the
 * provider bindings, the constructs of src/constructs), in dist/src/synth/stage-bundle.js, its
 * code cache written after staging the sandbox once, and the versions of the packages it
 * carries in stage-bundle.json (src/synth/staging-code.ts says when it is used).
 *
 * Two of cdktf's dependencies stay outside, required at run time from cdktf's own folder:
 * archiver and json-stable-stringify, for which the cdktf adjustments put stand-ins in Node's
 * module cache (src/synth/cdktf-tuning). The adjustments reach cdktf's modules by literal
 * `require('cdktf/lib/...')`, which esbuild resolves to the bundled modules cdktf itself uses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blueprintsDir } from '../paths';
import { loadModels } from '../model/load-models';
import { installedVersions, synthesisBundleFile, synthesisBundleVersionsFile } from '../synth/staging-code';
import { BundleSpec } from './bundle';

/** The synthesis bundle. */
export const synthesisSpec: BundleSpec = {
  entry: path.join(path.dirname(synthesisBundleFile), 'stage.js'),
  outfile: synthesisBundleFile,
  describedIn: 'src/bundles/synthesis.ts',
  external: [],
  resolvedAtRunTime: ['archiver', 'json-stable-stringify'],
};

/** Record the versions of the packages the bundle carries (staging-code.ts compares them with those installed). */
export function writeSynthesisVersions(): void {
  writeFileSync(synthesisBundleVersionsFile, `${JSON.stringify(installedVersions(), null, 2)}\n`);
}

/** Stage the sandbox once with the loaded bundle, into a folder removed afterwards, so that the functions a synthesis calls are compiled into the cache. */
export function exerciseSynthesis(exports: unknown): void {
  const { stageStacks } = exports as typeof import('../synth/stage');
  const staging = mkdtempSync(path.join(tmpdir(), 'govstack-synthesis-'));
  try {
    stageStacks(loadModels([path.join(blueprintsDir, 'sandbox.yaml')]), staging);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
