/**
 * Adjustment 1, the archive library loaded on use. `cdktf/lib/private/fs.js` requires
 * `archiver` (and its dependency tree, ~15 % of a synth's start-up) when cdktf loads, yet calls
 * it only in a child process it spawns to zip an archive asset, and govstack's assets are
 * folders. A stand-in is registered under archiver's module path that loads the real library on
 * its first call. Runs when this module loads, which must be before cdktf loads (index.ts is
 * imported first wherever cdktf is used for synthesis).
 */
import * as path from 'node:path';
import { cdktfDir, loadReal, registerStandIn, versionProblem } from './cdktf-source';

/** Whether the stand-in is in place, or why not. */
export const archiverOnUse: true | string = (() => {
  if (versionProblem) return versionProblem;
  let file: string;
  try {
    file = require.resolve('archiver', { paths: [path.join(cdktfDir, 'lib', 'private')] });
  } catch {
    return 'archiver is not installed beside cdktf';
  }
  const standIn = Object.assign((...args: unknown[]) => loadReal<(...a: unknown[]) => unknown>(file)(...args), { govstackStandIn: true });
  return registerStandIn(file, standIn, path.join(cdktfDir, 'lib', 'private', 'fs.js'));
})();
