/**
 * Adjustment 1, the archive library loaded on use. `cdktf/lib/private/fs.js` requires
 * `archiver` (and its dependency tree, ~15 % of a synth's start-up) when cdktf loads, yet calls
 * it only in a child process it spawns to zip an archive asset, and govstack's assets are
 * folders. A stand-in is registered under archiver's module path that loads the real library on
 * its first call. Runs when this module loads, which must be before cdktf loads (index.ts is
 * imported first wherever cdktf is used for synthesis).
 */
import { loadReal, standInFor } from './cdktf-source';

/** Whether the stand-in is in place, or why not. */
export const archiverOnUse: true | string = standInFor('archiver', 'private/fs.js', (file) =>
  Object.assign((...args: unknown[]) => loadReal<(...a: unknown[]) => unknown>(file)(...args), { govstackStandIn: true }),
);
