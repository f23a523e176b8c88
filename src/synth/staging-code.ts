/**
 * Where the staging code (stage.ts: cdktf, the provider bindings, the constructs) is loaded
 * from. Loading it from dist/ is about 0.2 s of a sandbox synth (Node's loader resolving,
 * reading and compiling about 400 files, cdktf's 130 of them the most); the synthesis bundle,
 * dist/src/synth/stage-bundle.js, is the same code in one file with a V8 code cache written
 * after a synthesis had run (src/bundles/synthesis.ts), so that neither the modules nor the
 * functions a synthesis calls are compiled again.
 *
 * The bundle carries its own copy of cdktf and constructs, so it is used only when the
 * installed ones are the versions it was built with (recorded beside it, `stage-bundle.json`)
 * and it is newer than dist/ (a `tsc` alone leaves it behind); otherwise, and with
 * GOVSTACK_DEBUG set (stack traces name dist/ files and cdktf's, and tokens record where they
 * were made), the staging code loads from dist/. Both write the same bytes (a unit test).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { requireWithCodeCache } from '../blueprint/code-cache';
import { bundleStaleness } from '../bundles/staleness';

type Staging = typeof import('./stage');

/** The synthesis bundle, its code cache, and the versions it was built with. */
export const synthesisBundleFile = path.join(__dirname, 'stage-bundle.js');
export const synthesisBundleCacheFile = path.join(__dirname, 'stage-bundle.cache');
export const synthesisBundleVersionsFile = path.join(__dirname, 'stage-bundle.json');

/** The packages whose code the synthesis bundle carries, and their versions as installed now. */
export function installedVersions(): Record<string, string> {
  return Object.fromEntries(
    ['cdktf', 'constructs', '@cdktf/provider-kubernetes', '@cdktf/provider-helm'].map((name) => [
      name,
      (require(`${name}/package.json`) as { version: string }).version,
    ]),
  );
}

/**
 * Why the synthesis bundle is not used, or undefined when it is: missing, older than dist/'s
 * compiled stage.js, or built with other versions than those installed.
 */
export function synthesisBundleUnusable(bundle = synthesisBundleFile, versionsFile = synthesisBundleVersionsFile): string | undefined {
  const staleness = bundleStaleness(bundle, path.join(__dirname, 'stage.js'));
  if (staleness === 'missing') return 'there is no synthesis bundle';
  if (staleness === 'older') return 'the synthesis bundle is older than dist/';
  let bundled: unknown;
  try {
    bundled = JSON.parse(readFileSync(versionsFile, 'utf8'));
  } catch {
    return `${path.basename(versionsFile)} is missing or unreadable`;
  }
  const installed = installedVersions();
  const differing = Object.keys(installed).filter((name) => (bundled as Record<string, unknown>)[name] !== installed[name]);
  return differing.length > 0 ? `the synthesis bundle was built with other versions of ${differing.join(', ')}` : undefined;
}

/** The staging code: from the synthesis bundle when it is usable, else from dist/ (see the file's comment). */
export function loadStaging(
  bundle = synthesisBundleFile,
  cache = synthesisBundleCacheFile,
  versionsFile = synthesisBundleVersionsFile,
): Staging {
  if (process.env.GOVSTACK_DEBUG || synthesisBundleUnusable(bundle, versionsFile) !== undefined) return require('./stage') as Staging;
  return requireWithCodeCache(bundle, cache).exports as Staging;
}
