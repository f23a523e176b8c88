/**
 * Adjustment 5, one copy of a folder asset per synthesis. cdktf copies a folder asset into
 * every stack that uses it (`private/fs.js` `copySync`): a fleet of 100 countries copied the
 * four charts 100 times, and writing them to disk (fsync, publish.ts) and removing the previous
 * generation cost more than building the stacks. Inside `withTunedCdktf`, the second and later
 * copies of the same source folder are hard links to the files of the first copy (same bytes,
 * same folder layout; a plain copy where the filesystem refuses a link). The stacks stay
 * self-contained folders; their asset files share storage, so they must not be edited in place
 * (synth never does; it writes a new generation).
 */
import { copyFileSync, linkSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { cdktfSourceHolds } from './cdktf-source';

/** Per source folder, its first copy in the current `withTunedCdktf` call (undefined outside one). */
let firstCopies: Map<string, string> | undefined;

/** Recreate the tree `from` at `to` with hard links to its files (copies where a link is refused). */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
}

/** Apply the adjustment; returns true, or why it was not applied. */
export function applyFolderAssetLinks(): true | string {
  const fsModule = require('cdktf/lib/private/fs') as { copySync: (src: string, dest: string) => void };
  const copy = fsModule.copySync;
  if (
    !cdktfSourceHolds(
      'private/fs.js',
      'function walkSubfolder(p) { const sourceDir = path.resolve(src, p); fs.mkdirSync(path.resolve(dest, p), { recursive: true });',
    ) ||
    !cdktfSourceHolds('terraform-asset.js', 'case AssetType.DIRECTORY: (0, fs_1.copySync)(this.sourcePath, targetPath); break;')
  )
    return 'private/fs.js copySync or TerraformAsset is not the one the adjustment was written for';
  // TerraformAsset reads the export at each call (`(0, fs_1.copySync)(...)`).
  fsModule.copySync = function copyOnceThenLink(src: string, dest: string): void {
    const source = path.resolve(src);
    const first = firstCopies?.get(source);
    if (first === undefined) {
      copy(src, dest);
      firstCopies?.set(source, path.resolve(dest));
    } else linkTree(first, dest);
  };
  return true;
}

/** Run `body` with its own record of first copies (a synthesis links only to copies it made). */
export function withAssetLinks<T>(body: () => T): T {
  const outer = firstCopies;
  firstCopies = new Map();
  try {
    return body();
  } finally {
    firstCopies = outer;
  }
}
