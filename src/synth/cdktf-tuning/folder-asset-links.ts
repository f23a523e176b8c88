/**
 * Adjustment 5, one copy of a folder asset per synthesis, made beside cdktf's work where it can
 * be. cdktf copies a folder asset into every stack that uses it (`private/fs.js` `copySync`): a
 * fleet of 100 countries copied the four charts 100 times, and writing them to disk (fsync,
 * publish.ts) and removing the previous generation cost more than building the stacks. Inside
 * `withTunedCdktf`, the second and later copies of the same source folder are hard links to the
 * files of the first copy (same bytes, same folder layout; a plain copy where the filesystem
 * refuses a link). The stacks stay self-contained folders; their asset files share storage, so
 * they must not be edited in place (synth never does; it writes a new generation).
 *
 * In `withTunedCdktfConcurrently` the first copy's folders are made at once and its files are
 * copied and written to disk by libuv's thread pool, all at once, while cdktf goes on
 * building the stack's JSON (copying the sandbox's charts was about a sixth of its staging);
 * the links wait for the copies, and the call returns once everything is on disk.
 */
import { copyFileSync, linkSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import * as path from 'node:path';
import { cdktfSourceHolds } from './cdktf-source';

/** The copies of folder assets in the current `withTunedCdktf` call. */
interface AssetCopies {
  /** Per source folder, its first copy. */
  readonly first: Map<string, string>;
  /** When copying concurrently: the folders being copied, and the links (first copy, target) to make once they are. */
  readonly concurrent?: { readonly copying: Promise<void>[]; readonly links: [string, string][] };
}

/** Those of the current call (undefined outside one). */
let copies: AssetCopies | undefined;

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

/** Copy `file` to `target` and write it to disk. */
async function copyToDisk(file: string, target: string): Promise<void> {
  await copyFile(file, target);
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Copy each file (source, target) and write it to disk, all at once on libuv's thread pool: one
 * at a time took longer than cdktf's own work (a sync each), where concurrent syncs share the
 * filesystem's journal commits. Settles when every copy has, and rejects with the first failure.
 */
async function copyAllToDisk(files: readonly (readonly [string, string])[]): Promise<void> {
  const settled = await Promise.allSettled(files.map(([file, target]) => copyToDisk(file, target)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** cdktf's `copySync` walk (folders made, every file followed as `statSync` sees it): the folders made now, the files (source, target) listed in `files`. */
function makeFoldersListFiles(from: string, to: string, files: [string, string][]): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    const stat = statSync(source);
    if (stat.isFile()) files.push([source, path.join(to, name)]);
    if (stat.isDirectory()) makeFoldersListFiles(source, path.join(to, name), files);
  }
}

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
    const first = copies.first.get(source);
    if (first === undefined) {
      if (copies.concurrent) {
        const files: [string, string][] = [];
        makeFoldersListFiles(source, dest, files);
        copies.concurrent.copying.push(copyAllToDisk(files));
      } else copy(src, dest);
      copies.first.set(source, path.resolve(dest));
    } else if (copies.concurrent) copies.concurrent.links.push([first, dest]);
    else linkTree(first, dest);
  };
  return true;
}

/** Run `body` with its own record of first copies (a synthesis links only to copies it made). */
export function withAssetLinks<T>(body: () => T): T {
  const outer = copies;
  copies = { first: new Map() };
  try {
    return body();
  } finally {
    copies = outer;
  }
}

/**
 * {@link withAssetLinks}, with first copies made concurrently (see the file's comment): resolves
 * once every copy is on disk and every link made, and, should `body` or a copy fail, rejects
 * only after every copy started has ended (nothing is written after it returns).
 */
export async function withAssetLinksConcurrently(body: () => void): Promise<void> {
  const outer = copies;
  const concurrent = { copying: [] as Promise<void>[], links: [] as [string, string][] };
  copies = { first: new Map(), concurrent };
  let failure: { readonly error: unknown } | undefined;
  try {
    body();
  } catch (error) {
    failure = { error };
  } finally {
    copies = outer;
  }
  // Each folder's copy settles only once all its files' have: then no copy is left running.
  const settled = await Promise.allSettled(concurrent.copying);
  if (failure) throw failure.error;
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  for (const [first, target] of concurrent.links) linkTree(first, target);
}
