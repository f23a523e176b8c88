/**
 * Adjustment 5, one copy of a folder asset per synthesis, made elsewhere where it can be. cdktf
 * copies a folder asset into every stack that uses it (`private/fs.js` `copySync`): a fleet of
 * 100 countries copied the four charts 100 times, and writing them to disk (fsync, publish.ts)
 * and removing the previous generation cost more than building the stacks. Inside
 * `withTunedCdktf`, the second and later copies of the same source folder are hard links to the
 * files of the first copy (same bytes, same folder layout; a plain copy where the filesystem
 * refuses a link). The stacks stay self-contained folders; their asset files share storage, so
 * they must not be edited in place (synth never does; it writes a new generation).
 *
 * In `withTunedCdktfCopyingElsewhere` cdktf makes the asset's folder and each copy is handed to
 * a copier instead (src/synth/folder-copy.ts `FolderCopies`, which copies the first and links the
 * later ones alike): a staging worker hands them to the thread waiting for it, which copies and
 * writes them to disk while the worker builds the JSON (copying and syncing the sandbox's charts
 * took about as long as cdktf's own synthesis).
 */
import * as path from 'node:path';
import { linkTree } from '../folder-copy';
import { cdktfSourceHolds } from './cdktf-source';

/** Where a synthesis's folder copies go: `copier` set, to it; else copied here, later ones linked (`first`: per source folder, its first copy). */
interface AssetCopies {
  readonly first: Map<string, string>;
  readonly copier?: (source: string, target: string) => void;
}

/** Those of the current `withTunedCdktf` call (undefined outside one). */
let copies: AssetCopies | undefined;

/** Apply the adjustment; returns true, or why it was not applied. */
export function applyFolderAssetLinks(): true | string {
  const fsModule = require('cdktf/lib/private/fs') as { copySync: (src: string, dest: string) => void };
  const copy = fsModule.copySync;
  if (
    !cdktfSourceHolds(
      'private/fs.js',
      'function copyItem(p) { const sourcePath = path.resolve(src, p); const stat = fs.statSync(sourcePath); if (stat.isFile()) { fs.copyFileSync(sourcePath, path.resolve(dest, p)); } if (stat.isDirectory()) { walkSubfolder(p); } }',
      'function walkSubfolder(p) { const sourceDir = path.resolve(src, p); fs.mkdirSync(path.resolve(dest, p), { recursive: true }); fs.readdirSync(sourceDir).forEach((item) => copyItem(path.join(p, item))); }',
    ) ||
    !cdktfSourceHolds('terraform-asset.js', 'case AssetType.DIRECTORY: (0, fs_1.copySync)(this.sourcePath, targetPath); break;')
  )
    return 'private/fs.js copySync or TerraformAsset is not the one the adjustment was written for';
  // TerraformAsset reads the export at each call (`(0, fs_1.copySync)(...)`).
  fsModule.copySync = function copyOnceThenLink(src: string, dest: string): void {
    if (copies === undefined) return copy(src, dest);
    const source = path.resolve(src);
    if (copies.copier) return copies.copier(source, path.resolve(dest));
    const first = copies.first.get(source);
    if (first === undefined) {
      copy(src, dest);
      copies.first.set(source, path.resolve(dest));
    } else linkTree(first, dest);
  };
  return true;
}

/** Run `body` with its own record of first copies (a synthesis links only to copies it made). */
export function withAssetLinks<T>(body: () => T): T {
  return withCopies({ first: new Map() }, body);
}

/** Run `body` with every folder asset copy handed to `copier` (source folder and target, absolute paths) instead of made. */
export function withAssetCopier<T>(copier: (source: string, target: string) => void, body: () => T): T {
  return withCopies({ first: new Map(), copier }, body);
}

function withCopies<T>(these: AssetCopies, body: () => T): T {
  const outer = copies;
  copies = these;
  try {
    return body();
  } finally {
    copies = outer;
  }
}
