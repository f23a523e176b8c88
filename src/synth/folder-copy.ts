/**
 * Copying a folder into a synthesised stack, and linking later copies to the first: what
 * cdktf-tuning/folder-asset-links.ts does for folder assets (the charts), here without cdktf,
 * so that the thread waiting for a staging worker can do it while the worker builds the JSON.
 */
import { copyFileSync, linkSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { copyFile, lstat, open } from 'node:fs/promises';
import * as path from 'node:path';
import { allOrFirstFailure } from './all-or-first-failure';
import { inodeKey } from './inode';

/** Recreate the tree `from` at `to` with hard links to its files (copies where a link is refused). */
export function linkTree(from: string, to: string): void {
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

/** cdktf's `copySync` walk (every entry followed as `statSync` sees it): the folders made now and listed in `folders`, the files (source, target) in `files`. */
function makeFoldersListFiles(from: string, to: string, folders: string[], files: [string, string][]): void {
  mkdirSync(to, { recursive: true });
  folders.push(to);
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    const stat = statSync(source);
    if (stat.isFile()) files.push([source, path.join(to, name)]);
    if (stat.isDirectory()) makeFoldersListFiles(source, path.join(to, name), folders, files);
  }
}

/** Write the file or folder `target` to disk; returns its inode as publish.ts keys it (`dev:ino`). */
async function sync(target: string): Promise<string> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return inodeKey(await lstat(target));
}

/**
 * Copy the folder `from` to `to` as cdktf's `copySync` does, written to disk: the folders made
 * now, the files copied and synced all at once on libuv's thread pool (concurrent syncs share
 * the filesystem's journal commits), then the folders synced, only once every file is (so a
 * folder among the inodes returned has its whole tree on disk, and publishing skips it without
 * looking inside). Resolves, once every step has settled, with the inodes written (`dev:ino`,
 * publish.ts `SyncedFiles`); rejects with the first failure.
 */
export async function copyFolderToDisk(from: string, to: string): Promise<string[]> {
  const folders: string[] = [];
  const files: [string, string][] = [];
  makeFoldersListFiles(from, to, folders, files);
  const synced = await allOrFirstFailure(files.map(([file, target]) => copyFile(file, target).then(() => sync(target))));
  return [...synced, ...(await allOrFirstFailure(folders.map(sync)))];
}

/**
 * The folder copies of one synthesis, made concurrently: the first copy of a source folder is
 * copied ({@link copyFolderToDisk}), later copies of it are linked to the first once that is
 * complete (the stacks of a fleet share their chart files).
 */
export class FolderCopies {
  private readonly first = new Map<string, { readonly target: string; readonly done: Promise<unknown> }>();
  private readonly all: Promise<readonly string[]>[] = [];

  /** Copy the folder `source` (an absolute path) to `target`, or link `target` to its first copy. */
  copy(source: string, target: string): void {
    const first = this.first.get(source);
    let done: Promise<readonly string[]>;
    if (first === undefined) {
      done = copyFolderToDisk(source, target);
      this.first.set(source, { target, done });
    } else
      done = first.done.then(() => {
        linkTree(first.target, target);
        return [];
      });
    done.catch(() => undefined);
    this.all.push(done);
  }

  /** Resolves, when every copy and link has settled, with the inodes written to disk (`dev:ino`); rejects with the first failure. */
  async settled(): Promise<string[]> {
    return (await allOrFirstFailure(this.all)).flat();
  }

  /** Resolves when every copy and link has settled, failed or not. */
  async ended(): Promise<void> {
    await Promise.allSettled(this.all);
  }
}
