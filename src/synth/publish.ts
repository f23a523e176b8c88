import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { EnvironmentError } from '../blueprint/problems';

/** The steps of publishing one stack, in order (tests stop the process after each). */
export type PublishStep = 'staged' | 'moved' | 'carried' | 'retired' | 'swapped' | 'cleaned';

const nextTag = '.govstack-next-';
const retiredTag = '.govstack-retired-';
export const stagingPrefix = '.govstack-synth-';

/**
 * Replace the stack folder `target` by the freshly synthesised `staged` one without ever
 * losing Terraform state:
 *
 * 1. `moved`: the staged folder is renamed to `.<name>.govstack-next-<pid>` beside the target
 *    (copied when the two are on different filesystems, EXDEV);
 * 2. `carried`: every entry of the old folder that synth does not write (local state,
 *    `.terraform/`, the lock file, plans) is copied into it; the old folder is not touched;
 * 3. `retired`: the old folder is renamed to `.<name>.govstack-retired-<pid>`;
 * 4. `swapped`: the new folder is renamed to the target;
 * 5. `cleaned`: the retired folder is removed.
 *
 * Killed before 3, the old folder is in place, untouched. Killed between 3 and 4, both complete
 * folders exist under their temporary names and the next run (`cleanLeftovers`) puts the old
 * one back. Killed after 4, the new one is in place. Node has no rename-exchange, so 3 and 4
 * are two renames, not one; the gap between them is the one the next run repairs.
 */
export function publishStack(staged: string, target: string, step: (s: PublishStep) => void): string {
  const dir = path.dirname(target);
  const name = path.basename(target);
  const next = path.join(dir, `.${name}${nextTag}${process.pid}`);
  const retired = path.join(dir, `.${name}${retiredTag}${process.pid}`);
  moveFolder(staged, next);
  step('moved');
  const previous = existsSync(target);
  if (previous) carryWorkingFiles(target, next);
  step('carried');
  if (previous) {
    renameSync(target, retired);
    step('retired');
  }
  renameSync(next, target);
  step('swapped');
  rmSync(retired, { recursive: true, force: true });
  step('cleaned');
  return target;
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
 * Copy what Terraform keeps in its working directory into the new folder. State, lock file and
 * plans are copied (a new file each); `.terraform/` (provider binaries and modules, hundreds of
 * megabytes, never edited in place) is hard-linked file by file, copied where links fail.
 */
function carryWorkingFiles(previous: string, next: string): void {
  for (const entry of readdirSync(previous)) {
    const to = path.join(next, entry);
    if (existsSync(to)) continue; // synth wrote it: the new one wins
    copyTree(path.join(previous, entry), to, entry === '.terraform');
  }
}

function copyTree(from: string, to: string, link: boolean): void {
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (stat.isDirectory()) {
    mkdirSync(to, { mode: stat.mode & 0o7777 });
    for (const entry of readdirSync(from)) copyTree(path.join(from, entry), path.join(to, entry), link);
  } else if (stat.isFile()) {
    if (link) {
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
 * Refuse an output folder synth must not write into: a file, the filesystem root, the home
 * folder, the working directory or one of its parents (synth would write `stacks/` and
 * `manifest.json` among the project's files), and a stack folder that is a symlink (its
 * target's files would be moved) or that is not a synthesised stack.
 */
export function checkOutDir(out: string, names: readonly string[]): void {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new EnvironmentError(`--out ${out} is a file; name a folder (stacks go to <out>/stacks/<name>)`);
  const cwd = process.cwd();
  if (out === path.parse(out).root || out === homedir() || path.relative(out, cwd) === '' || !path.relative(out, cwd).startsWith('..')) {
    throw new EnvironmentError(`--out ${out} is ${out === homedir() ? 'your home folder' : out === path.parse(out).root ? 'the filesystem root' : 'the working folder or one of its parents'}; name a folder of its own, e.g. --out cdktf.out`);
  }
  for (const name of names) {
    const stack = path.join(out, 'stacks', name);
    let stat;
    try {
      stat = lstatSync(stack);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) throw new EnvironmentError(`${stack} is a symlink (to ${readlinkSync(stack)}); synth replaces stack folders and will not follow it: remove the link or choose another --out`);
    if (!stat.isDirectory()) throw new EnvironmentError(`${stack} is a file where a stack folder belongs; move it away or choose another --out`);
    if (readdirSync(stack).length > 0 && !existsSync(path.join(stack, 'cdk.tf.json'))) {
      throw new EnvironmentError(`${stack} holds files but no cdk.tf.json, so it is not a synthesised stack; move it away or choose another --out`);
    }
  }
}

/**
 * Finish what an interrupted run left in `out` (only runs whose process is gone): staging
 * folders are removed; a retired stack whose new folder never arrived is put back; a
 * retired stack whose new folder is in place, and every unused next folder, are removed.
 */
export function cleanLeftovers(out: string): void {
  for (const entry of readdirSync(out)) {
    if (entry.startsWith(stagingPrefix) && !alive(pidIn(entry.slice(stagingPrefix.length)))) rmSync(path.join(out, entry), { recursive: true, force: true });
    const manifestTmp = /^manifest\.json\.tmp-(\d+)$/.exec(entry);
    if (manifestTmp && !alive(Number(manifestTmp[1]))) rmSync(path.join(out, entry), { force: true });
  }
  const stacks = path.join(out, 'stacks');
  if (!existsSync(stacks)) return;
  const entries = readdirSync(stacks);
  for (const entry of entries) {
    const match = /^\.(.+)(\.govstack-(?:next|retired)-)(\d+)$/.exec(entry);
    if (!match || alive(Number(match[3]))) continue;
    const [, name, tag] = match;
    const full = path.join(stacks, entry);
    const target = path.join(stacks, name);
    if (tag === retiredTag && !existsSync(target)) renameSync(full, target);
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
  const sorted = Object.fromEntries(Object.keys(stacks).sort().map((k) => [k, stacks[k]]));
  const tmp = `${existingFile}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ ...fresh, stacks: sorted }, null, 2) + '\n');
  renameSync(tmp, existingFile);
}
