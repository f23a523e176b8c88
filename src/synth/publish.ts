import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { EnvironmentError } from '../blueprint/problems';
import { inodeKey } from './inode';

/** The steps of publishing one stack, in order (tests kill the process after each). */
export type PublishStep = 'staged' | 'migrating' | 'migrated' | 'moved' | 'carried' | 'linked' | 'swapped' | 'cleaned';

export const stagingPrefix = '.govstack-synth-';

/**
 * A stack's generation folder, beside its link in `<out>/stacks`: `.<name>.gen-<pid>-<tag>`.
 * Stack names are DNS labels (no dots), so the name parses back unambiguously.
 */
const generationPattern = /^\.([a-z0-9-]+)\.gen-(\d+)-([a-z0-9]+)$/;
/** The temporary link renamed over the stack path: `.<name>.link-<pid>`. */
const linkPattern = /^\.([a-z0-9-]+)\.link-(\d+)$/;
/** Folders the publishing of versions before the generations left behind when killed. */
const olderPattern = /^\.([a-z0-9-]+)\.govstack-(next|retired)-(\d+)$/;
/** Terraform's local-state lock record, present while a tofu/terraform run holds the state. */
const stateLockPattern = /^\..+\.lock\.info$/;

/**
 * Publish the freshly synthesised stack folder `staged` as `<out>/stacks/<name>` (`target`)
 * without ever losing Terraform state.
 *
 * The stack path is a symlink that synth owns, pointing at a generation folder beside it
 * (`.<name>.gen-<pid>-<tag>`, a relative link, so `tofu -chdir=<out>/stacks/<name>`, cdktf's
 * manifest.json and `..` inside the stack resolve as before). Publishing builds the next
 * generation completely and then replaces the link with ONE `rename()`, which is atomic: at
 * every instant the stack path resolves to a complete folder holding the state. Why a link and
 * not a folder: replacing a folder by another takes two renames (old away, new in) because
 * Node has no rename-exchange (`renameat2(RENAME_EXCHANGE)`, Linux-only anyway), and a kill
 * between them leaves no stack folder; a link is replaced by a single rename on every POSIX
 * system.
 *
 * 1. once, for a plain folder written by an older version: `migrating`, the folder is renamed
 *    to `.<name>.gen-<pid>-migrated`; `migrated`, the stack path links to it. Between these two
 *    the stack path is missing, the only moment it ever is; the complete folder is there under
 *    its new name and the next run (`cleanLeftovers`) links it.
 * 2. `moved`: the staged folder becomes the new generation (renamed; copied when `stacks/` is
 *    on another filesystem, EXDEV).
 * 3. `carried`: every entry of the current generation that synth does not write (local state,
 *    `.terraform/`, the lock file, plans) is copied into the new one, provider binaries
 *    hard-linked; then the new generation is written to disk (fsync).
 * 4. `linked`: a temporary link `.<name>.link-<pid>` to the new generation is created.
 * 5. `swapped`: it is renamed over the stack path: the swap.
 * 6. `cleaned`: the old generation is removed, or handed to `removeOld` to be removed.
 *
 * Killed before 5, the old generation is in place, untouched; after 5, the new one, with its
 * state. The next run removes what a killed run left (`cleanLeftovers`). Refuses (exit 2) while
 * a Terraform run holds the local state lock in the current generation: its writes would land
 * in a folder about to be deleted.
 * @param syncedFiles files already written to disk by this synthesis (shared by its stacks); default: none
 * @param removeOld removes the old generation folder once the swap is on disk (a caller with
 *   other work left hands it to the thread pool meanwhile: `fs.promises.rm`); default: `rmSync`,
 *   here and now. A generation left behind by a kill during its removal is a leftover like any other.
 * @returns the stack path (the link)
 */
export function publishStack(
  staged: string,
  target: string,
  step: (s: PublishStep) => void,
  syncedFiles: SyncedFiles = new Set(),
  removeOld: (generation: string) => void = removeNow,
): string {
  const stacks = path.dirname(target);
  const name = path.basename(target);
  if (isPlainFolder(target)) {
    const migrated = path.join(stacks, `.${name}.gen-${process.pid}-migrated`);
    refuseWhileLocked(target, target);
    renameSync(target, migrated);
    step('migrating');
    symlinkSync(path.basename(migrated), target);
    syncPath(stacks);
    step('migrated');
  }
  const current = currentGeneration(target);
  const next = path.join(stacks, `.${name}.gen-${process.pid}-${randomBytes(4).toString('hex')}`);
  moveFolder(staged, next);
  step('moved');
  if (current) {
    refuseWhileLocked(current, target, next);
    carryWorkingFiles(current, next);
  }
  syncTree(next, syncedFiles);
  step('carried');
  const link = path.join(stacks, `.${name}.link-${process.pid}`);
  rmSync(link, { force: true });
  symlinkSync(path.basename(next), link);
  step('linked');
  // A run that took the lock while the files were carried would write into the old generation.
  if (current) refuseWhileLocked(current, target, next, link);
  renameSync(link, target);
  syncPath(stacks);
  step('swapped');
  if (current) removeOld(current);
  step('cleaned');
  return target;
}

/** Remove a folder and what is in it, now (nothing if it is not there). */
export function removeNow(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
}

/** The generation folder the stack link points at (undefined: no stack yet, or a dangling link). */
function currentGeneration(target: string): string | undefined {
  if (!isOwnLink(target)) return undefined;
  const generation = path.join(path.dirname(target), readlinkSync(target));
  return existsSync(generation) ? generation : undefined;
}

/** Whether anything (a dangling link too) is at `file`. */
function lexists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function isPlainFolder(file: string): boolean {
  try {
    const stat = lstatSync(file);
    return stat.isDirectory() && !stat.isSymbolicLink();
  } catch {
    return false;
  }
}

/** A link synth made: relative, to `.<its name>.gen-…` beside it, and that a real folder (or nothing). */
function isOwnLink(file: string): boolean {
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    return false;
  }
  if (!stat.isSymbolicLink()) return false;
  const to = readlinkSync(file);
  const match = generationPattern.exec(to);
  if (!match || match[1] !== path.basename(file)) return false;
  const generation = path.join(path.dirname(file), to);
  return !existsSync(generation) || isPlainFolder(generation);
}

function refuseWhileLocked(folder: string, target: string, ...undo: string[]): void {
  const lock = readdirSync(folder).find((entry) => stateLockPattern.test(entry));
  if (!lock) return;
  for (const leftover of undo) rmSync(leftover, { recursive: true, force: true });
  throw new EnvironmentError(
    `${target} is in use: ${lock} says a tofu/terraform run holds its state; wait until it ends (if none runs, remove the lock with: tofu -chdir=${target} force-unlock <ID from that file>)`,
  );
}

/** Rename, or copy and remove when the two folders are on different filesystems. */
function moveFolder(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/**
 * Copy what Terraform keeps in its working directory into the new generation. State, lock file,
 * plans and the rest of `.terraform/` are copied (a new file each: a run in the old generation
 * cannot change the new one); provider binaries under `.terraform/providers/` (hundreds of
 * megabytes, never edited in place) are hard-linked, copied where links fail.
 */
function carryWorkingFiles(previous: string, next: string): void {
  for (const entry of readdirSync(previous)) {
    const to = path.join(next, entry);
    if (existsSync(to)) continue; // synth wrote it: the new one wins
    copyTree(path.join(previous, entry), to, entry === '.terraform' ? 'terraform' : 'other');
  }
}

/** Where a file lies: anywhere, inside `.terraform/`, or among its provider binaries. */
type Place = 'other' | 'terraform' | 'providers';

function copyTree(from: string, to: string, place: Place): void {
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (stat.isDirectory()) {
    mkdirSync(to, { mode: stat.mode & 0o7777 });
    for (const entry of readdirSync(from))
      copyTree(path.join(from, entry), path.join(to, entry), place === 'terraform' && entry === 'providers' ? 'providers' : place);
  } else if (stat.isFile()) {
    if (place === 'providers') {
      try {
        linkSync(from, to);
        return;
      } catch {
        // another filesystem or links not allowed: copy
      }
    }
    copyFileSync(from, to);
  }
}

/**
 * Files one synthesis has written to disk, by device and inode (`dev:ino`). A fleet's stacks
 * share their chart files by hard links (cdktf-tuning/folder-asset-links.ts): once one link's
 * file is on disk, another link to it needs only its folder written, which records the link
 * and the inode's link count in the same journal transaction. The staging adds the chart
 * files and folders it copied and wrote to disk itself (folder-copy.ts), before publishing
 * begins: a folder is added only once everything below it is on disk, so publishing does not
 * look inside it. Kept per synthesis, not per process: an inode freed by a removed generation
 * may be reused by a later, unsynced file.
 */
export type SyncedFiles = Set<string>;

/**
 * Write `dir` and every file and folder below it to disk, so the swap never points at data
 * still in memory: all but the files and folders in `syncedFiles` (a folder there is skipped
 * whole, see {@link SyncedFiles}), each with `writeToDisk` (default: open, fsync, close).
 */
export function syncTree(dir: string, syncedFiles: SyncedFiles, writeToDisk: (file: string) => void = syncPath): void {
  if (syncedFiles.has(inodeKey(lstatSync(dir)))) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) syncTree(full, syncedFiles, writeToDisk);
    else if (entry.isFile()) {
      const stats = lstatSync(full);
      const inode = inodeKey(stats);
      if (syncedFiles.has(inode)) continue;
      writeToDisk(full);
      if (stats.nlink > 1) syncedFiles.add(inode);
    }
  }
  writeToDisk(dir);
}

/** Write a file or folder to disk (open read-only, fsync, close). */
function syncPath(file: string): void {
  syncFile(file, 'r');
}

function syncFile(file: string, flags: string): void {
  const fd = openSync(file, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuse an output folder synth must not write into: a file, the filesystem root, the home
 * folder, the working directory or one of its parents (synth would write `stacks/` and
 * `manifest.json` among the project's files), a `stacks/` that is a symlink, and a stack path
 * that is a symlink synth did not make (its target is not synth's to replace), a file, or a
 * folder that is not a synthesised stack.
 */
export function checkOutDir(out: string, names: readonly string[]): void {
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new EnvironmentError(`--out ${out} is a file; name a folder (stacks go to <out>/stacks/<name>)`);
  const cwd = process.cwd();
  if (out === path.parse(out).root || out === homedir() || path.relative(out, cwd) === '' || !path.relative(out, cwd).startsWith('..')) {
    throw new EnvironmentError(
      `--out ${out} is ${out === homedir() ? 'your home folder' : out === path.parse(out).root ? 'the filesystem root' : 'the working folder or one of its parents'}; name a folder of its own, e.g. --out cdktf.out`,
    );
  }
  const stacks = path.join(out, 'stacks');
  if (existsSync(stacks) && lstatSync(stacks).isSymbolicLink()) {
    throw new EnvironmentError(
      `${stacks} is a symlink (to ${readlinkSync(stacks)}); synth keeps each stack's folders beside its link there and will not follow it: remove the link or choose another --out`,
    );
  }
  for (const name of names) {
    const stack = path.join(stacks, name);
    let stat;
    try {
      stat = lstatSync(stack);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) {
      if (isOwnLink(stack)) {
        const current = currentGeneration(stack);
        if (current) refuseWhileLocked(current, stack);
        continue;
      }
      throw new EnvironmentError(
        `${stack} is a symlink synth did not make (to ${readlinkSync(stack)}); synth replaces stack folders and will not follow it: remove the link or choose another --out`,
      );
    }
    if (!stat.isDirectory())
      throw new EnvironmentError(`${stack} is a file where a stack folder belongs; move it away or choose another --out`);
    if (readdirSync(stack).length > 0 && !existsSync(path.join(stack, 'cdk.tf.json'))) {
      throw new EnvironmentError(
        `${stack} holds files but no cdk.tf.json, so it is not a synthesised stack; move it away or choose another --out`,
      );
    }
    refuseWhileLocked(stack, stack);
  }
}

/**
 * Finish what interrupted runs left in `out` (only runs whose process is gone): staging folders
 * and temporary manifest files and links are removed; generations the stack link does not
 * point at are removed; a stack whose link is missing gets it back (to the folder a migration
 * had renamed, or the only generation holding Terraform's working files); the two-rename
 * publishing of older versions is repaired (its retired folder put back).
 * Throws EnvironmentError when a missing link cannot be restored unambiguously.
 */
export function cleanLeftovers(out: string): void {
  for (const entry of readdirSync(out)) {
    if (entry.startsWith(stagingPrefix) && !alive(pidIn(entry.slice(stagingPrefix.length))))
      rmSync(path.join(out, entry), { recursive: true, force: true });
    const manifestTmp = /^manifest\.json\.tmp-(\d+)$/.exec(entry);
    if (manifestTmp && !alive(Number(manifestTmp[1]))) rmSync(path.join(out, entry), { force: true });
  }
  const stacks = path.join(out, 'stacks');
  if (!existsSync(stacks)) return;
  repairOlderPublishing(stacks);
  const generations = new Map<string, string[]>();
  for (const entry of readdirSync(stacks)) {
    const link = linkPattern.exec(entry);
    if (link && !alive(Number(link[2]))) unlinkSync(path.join(stacks, entry));
    const generation = generationPattern.exec(entry);
    if (generation && !alive(Number(generation[2]))) generations.set(generation[1], [...(generations.get(generation[1]) ?? []), entry]);
  }
  for (const [name, entries] of generations) {
    const target = path.join(stacks, name);
    if (isOwnLink(target) && !existsSync(target)) unlinkSync(target); // its generation was removed by hand
    if (!lexists(target)) relink(target, entries);
    if (lexists(target) && !isOwnLink(target)) continue; // a folder or file put there by hand: touch nothing
    const current = lexists(target) ? readlinkSync(target) : undefined;
    for (const entry of entries) if (entry !== current) rmSync(path.join(stacks, entry), { recursive: true, force: true });
  }
}

/** The stack link is missing: point it at the one generation that can hold its state, or refuse. */
function relink(target: string, entries: readonly string[]): void {
  const stacks = path.dirname(target);
  const migrated = entries.filter((e) => e.endsWith('-migrated'));
  const withState = entries.filter((e) => readdirSync(path.join(stacks, e)).some((f) => f !== 'cdk.tf.json' && f !== 'assets'));
  const chosen = migrated.length === 1 ? migrated : withState;
  if (chosen.length === 1) symlinkSync(chosen[0], target);
  else if (chosen.length > 1) {
    throw new EnvironmentError(
      `${target} is missing and ${chosen.join(', ')} beside it all hold Terraform working files; link the right one (ln -s <folder> ${target}) and run synth again`,
    );
  }
  // none holds working files: nothing to keep, the caller removes them
}

/** Older versions renamed the old folder away, then the new one in: put back what a kill stranded. */
function repairOlderPublishing(stacks: string): void {
  for (const entry of readdirSync(stacks)) {
    const match = olderPattern.exec(entry);
    if (!match || alive(Number(match[3]))) continue;
    const [, name, tag] = match;
    const full = path.join(stacks, entry);
    const target = path.join(stacks, name);
    if (tag === 'retired' && !existsSync(target) && !isOwnLink(target)) renameSync(full, target);
    else rmSync(full, { recursive: true, force: true });
  }
}

function pidIn(suffix: string): number {
  return Number(/^(\d+)-/.exec(suffix)?.[1] ?? 0);
}

function alive(pid: number): boolean {
  if (!pid || pid === process.pid) return pid === process.pid;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keep cdktf's manifest.json listing every stack present in `out`, old and new (replaced by one rename). */
export function writeManifest(freshFile: string, out: string): void {
  const fresh = JSON.parse(readFileSync(freshFile, 'utf8')) as { stacks: Record<string, unknown> };
  const existingFile = path.join(out, 'manifest.json');
  const existing = existsSync(existingFile) ? (JSON.parse(readFileSync(existingFile, 'utf8')) as { stacks?: Record<string, unknown> }) : {};
  const stacks = { ...existing.stacks, ...fresh.stacks };
  const sorted = Object.fromEntries(
    Object.keys(stacks)
      .sort()
      .map((k) => [k, stacks[k]]),
  );
  const tmp = `${existingFile}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ ...fresh, stacks: sorted }, null, 2) + '\n');
  renameSync(tmp, existingFile);
}
