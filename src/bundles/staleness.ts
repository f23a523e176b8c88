/**
 * Whether a bundle may run: it must exist and have been built after dist/ was compiled. `tsc`
 * alone rewrites every file of dist/ but not the bundles, which would then run older code.
 * Returns `missing`, `older` (than the compiled file `compiled` of dist/), or undefined when
 * the bundle is current. Read at every start (src/cli/start.ts, src/synth/staging-code.ts), so
 * kept to two `stat` calls.
 */
import { statSync } from 'node:fs';

export function bundleStaleness(bundle: string, compiled: string): 'missing' | 'older' | undefined {
  const built = statSync(bundle, { throwIfNoEntry: false });
  if (built === undefined) return 'missing';
  return built.mtimeMs < statSync(compiled).mtimeMs ? 'older' : undefined;
}
