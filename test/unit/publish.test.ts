import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { copyFolderToDisk } from '../../src/synth/folder-copy';
import { inodeKey } from '../../src/synth/inode';
import { PublishStep, syncTree } from '../../src/synth/publish';
import { synthesize } from '../../src/synth/synthesize';
import { fixture, root, runCli, stackFolders } from './support';

/**
 * Issue 13, item 8: publishing cannot lose Terraform state. The stack path is a link to a
 * generation folder, replaced by one rename. A real process is killed (SIGKILL) after each
 * publishing step; at that moment the stack path must resolve to a complete folder with the
 * state (the one exception, a migration's single gap, is asserted as what it is), and the next
 * run must finish, carry the state and leave nothing behind.
 */
const blueprint = fixture('valid', 'minimal.yaml');
const stateFile = 'terraform.govstack.ke.dev.minimal.tfstate';
const state = '{"version":4,"serial":7}';
const steps: PublishStep[] = ['staged', 'moved', 'carried', 'linked', 'swapped', 'cleaned'];
const migrationSteps: PublishStep[] = ['migrating', 'migrated', 'moved', 'linked', 'swapped'];
let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'govstack-publish-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Give a stack folder what Terraform leaves there: state, a provider binary, the lock file. */
function useStack(stack: string): void {
  writeFileSync(path.join(stack, stateFile), state);
  mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
  writeFileSync(path.join(stack, '.terraform', 'providers', 'terraform-provider-x'), 'binary');
  writeFileSync(path.join(stack, '.terraform', 'terraform.tfstate'), '{"backend":{}}');
  writeFileSync(path.join(stack, '.terraform.lock.hcl'), '# lock');
}

/**
 * Synthesise in a process of its own, as every real run is (leftovers are recognised by the
 * process id that made them); with `killAt`, the process SIGKILLs itself right after that step.
 * Returns the child's pid.
 */
function synthInChild(out: string, killAt?: PublishStep): number {
  const script = [
    `const { loadModels } = require(${JSON.stringify(path.join(root, 'dist', 'src', 'model', 'load-models'))});`,
    `const { synthesize } = require(${JSON.stringify(path.join(root, 'dist', 'src', 'synth', 'synthesize'))});`,
    `synthesize(loadModels([${JSON.stringify(blueprint)}]), ${JSON.stringify(out)}, { onStep: (s) => { if (s === ${JSON.stringify(killAt)}) process.kill(process.pid, 'SIGKILL'); } });`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (killAt) expect(r.signal).toBe('SIGKILL');
  else expect([r.status, r.stderr]).toEqual([0, '']);
  return r.pid;
}

/** An output folder holding a synthesised stack that Terraform has used. */
function usedOut(dir: string): string {
  synthInChild(dir);
  const stack = path.join(dir, 'stacks', 'minimal');
  useStack(stack);
  return stack;
}

/** An output folder as versions before the generations wrote it: the stack a plain folder. */
function olderOut(dir: string): string {
  const fresh = path.join(work, `fresh-${path.basename(dir)}`);
  synthInChild(fresh);
  mkdirSync(path.join(dir, 'stacks'), { recursive: true });
  cpSync(realpathSync(path.join(fresh, 'stacks', 'minimal')), path.join(dir, 'stacks', 'minimal'), { recursive: true }); // the folder the link leads to
  cpSync(path.join(fresh, 'manifest.json'), path.join(dir, 'manifest.json'));
  rmSync(fresh, { recursive: true });
  const stack = path.join(dir, 'stacks', 'minimal');
  expect(lstatSync(stack).isDirectory()).toBe(true);
  useStack(stack);
  return stack;
}

/** Whether a folder is a complete stack with the state and Terraform's working files. */
function completeWithState(dir: string): boolean {
  return (
    existsSync(path.join(dir, 'cdk.tf.json')) &&
    existsSync(path.join(dir, 'assets')) &&
    existsSync(path.join(dir, stateFile)) &&
    readFileSync(path.join(dir, stateFile), 'utf8') === state &&
    readFileSync(path.join(dir, '.terraform', 'providers', 'terraform-provider-x'), 'utf8') === 'binary' &&
    readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8') === '# lock'
  );
}

const killedAt = (step: PublishStep, out: string): number => synthInChild(out, step);

/** The next run (another process) finishes: state carried, exactly one generation, nothing else left. */
function nextRunRepairs(out: string): void {
  synthInChild(out);
  const dir = path.join(out, 'stacks', 'minimal');
  expect(completeWithState(dir)).toBe(true);
  expect(lstatSync(dir).isSymbolicLink()).toBe(true);
  expect(stackFolders(path.join(out, 'stacks'))).toEqual(['minimal']);
  expect(readdirSync(out).sort()).toEqual(['manifest.json', 'stacks']);
}

describe.each(steps)('killed after "%s" |', (step) => {
  test('the stack path leads to a complete folder with its state, and the next run cleans up', () => {
    const out = path.join(work, `kill-${step}`);
    const stack = usedOut(out);
    const before = readlinkSync(stack);
    killedAt(step, out);
    // At this moment the stack path itself resolves to the old or the new complete generation.
    expect(completeWithState(stack)).toBe(true);
    expect(readlinkSync(stack)).toMatch(/^\.minimal\.gen-\d+-[0-9a-f]+$/);
    // Before the swap it is still the old one; from the swap on, the new one.
    if (['staged', 'moved', 'carried', 'linked'].includes(step)) expect(readlinkSync(stack)).toBe(before);
    else expect(readlinkSync(stack)).not.toBe(before);
    nextRunRepairs(out);
  });
});

describe.each(migrationSteps)('first publish over a plain stack folder of an older version, killed after "%s" |', (step) => {
  test('the complete folder with its state survives, and the next run links and cleans up', () => {
    const out = path.join(work, `migrate-kill-${step}`);
    const stack = olderOut(out);
    const pid = killedAt(step, out);
    if (step === 'migrating') {
      // The migration's one gap: the folder was renamed, the link not yet made.
      expect(existsSync(stack)).toBe(false);
      expect(completeWithState(path.join(out, 'stacks', `.minimal.gen-${pid}-migrated`))).toBe(true);
    } else {
      expect(lstatSync(stack).isSymbolicLink()).toBe(true);
      expect(completeWithState(stack)).toBe(true);
    }
    nextRunRepairs(out);
  });
});

describe('migration and older leftovers |', () => {
  test('a first publish over a plain stack folder migrates it once and carries its state', () => {
    const out = path.join(work, 'migrate');
    const stack = olderOut(out);
    nextRunRepairs(out);
    const first = readlinkSync(stack);
    nextRunRepairs(out);
    expect(readlinkSync(stack)).not.toBe(first);
  });

  test('what the two-rename publishing of older versions left when killed is put back, then migrated', () => {
    const out = path.join(work, 'older-leftover');
    const stack = olderOut(out);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    // Killed between its two renames: the old folder retired, the new one not yet in place.
    cpSync(stack, path.join(out, 'stacks', `.minimal.govstack-next-${dead}`), { recursive: true });
    rmSync(path.join(out, 'stacks', `.minimal.govstack-next-${dead}`, stateFile));
    execFileSync('mv', [stack, path.join(out, 'stacks', `.minimal.govstack-retired-${dead}`)]);
    nextRunRepairs(out);
  });

  test('a stack link whose generation was removed by hand is replaced, and a lost link is restored to the generation holding the state', () => {
    const out = path.join(work, 'relink');
    const stack = usedOut(out);
    const generation = readlinkSync(stack);
    rmSync(stack); // the user removed the link, thinking it the folder
    // A generation of a run that died before its swap, without working files: not the state's.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    cpSync(path.join(out, 'stacks', generation), path.join(out, 'stacks', `.minimal.gen-${dead}-abcd1234`), {
      recursive: true,
      filter: (f) => !/tfstate|\.terraform/.test(path.basename(f)),
    });
    nextRunRepairs(out);
  });
});

describe('dangerous output folders, each refused in one line (exit 2) and left alone |', () => {
  test('a stack path that is a symlink synth did not make', async () => {
    const out = path.join(work, 'symlinked');
    const elsewhere = path.join(work, 'elsewhere');
    mkdirSync(path.join(out, 'stacks'), { recursive: true });
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'precious.txt'), 'keep');
    symlinkSync(elsewhere, path.join(out, 'stacks', 'minimal'));
    const r = await runCli(['synth', blueprint, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `govstack: ${path.join(out, 'stacks', 'minimal')} is a symlink synth did not make (to ${elsewhere}); synth replaces stack folders and will not follow it: remove the link or choose another --out\n`,
    );
    expect(readdirSync(elsewhere)).toEqual(['precious.txt']);
    // A relative link named like a generation but leading out of stacks/ is not synth's either.
    rmSync(path.join(out, 'stacks', 'minimal'));
    symlinkSync('../../elsewhere', path.join(out, 'stacks', 'minimal'));
    expect(() => synthesize(loadModels([blueprint]), out)).toThrow(/is a symlink synth did not make/);
    expect(readdirSync(elsewhere)).toEqual(['precious.txt']);
    expect(readdirSync(path.join(out, 'stacks'))).toEqual(['minimal']);
  });

  test('a stacks folder that is a symlink', () => {
    const out = path.join(work, 'stacks-link');
    mkdirSync(out);
    mkdirSync(path.join(work, 'stacks-elsewhere'));
    symlinkSync(path.join(work, 'stacks-elsewhere'), path.join(out, 'stacks'));
    expect(() => synthesize(loadModels([blueprint]), out)).toThrow(/stacks is a symlink .*will not follow it/);
    expect(readdirSync(path.join(work, 'stacks-elsewhere'))).toEqual([]);
  });

  test('a folder where the stack belongs that is not a synthesised stack', () => {
    const out = path.join(work, 'foreign');
    mkdirSync(path.join(out, 'stacks', 'minimal'), { recursive: true });
    writeFileSync(path.join(out, 'stacks', 'minimal', 'notes.txt'), 'mine');
    expect(() => synthesize(loadModels([blueprint]), out)).toThrow(/holds files but no cdk\.tf\.json/);
    expect(readdirSync(path.join(out, 'stacks', 'minimal'))).toEqual(['notes.txt']);
  });

  test('a stack whose state a tofu run holds (its local-state lock record exists)', async () => {
    const out = path.join(work, 'locked');
    const stack = usedOut(out);
    const generation = readlinkSync(stack);
    writeFileSync(path.join(stack, `.${stateFile}.lock.info`), '{"ID":"4f1c","Operation":"OperationTypeApply"}');
    const r = await runCli(['synth', blueprint, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `govstack: ${stack} is in use: .${stateFile}.lock.info says a tofu/terraform run holds its state; wait until it ends (if none runs, remove the lock with: tofu -chdir=${stack} force-unlock <ID from that file>)\n`,
    );
    expect(readlinkSync(stack)).toBe(generation);
    expect(readdirSync(path.join(out, 'stacks')).sort()).toEqual([generation, 'minimal']);
    // Once the run has ended, synth goes ahead and the state comes along.
    rmSync(path.join(stack, `.${stateFile}.lock.info`));
    nextRunRepairs(out);
  });
});

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN), probed once. */
const canMount = (() => {
  const probe = mkdtempSync(path.join(tmpdir(), 'govstack-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    process.stderr.write('SKIPPED the <out>/stacks mount-point case of publish.test: mounting a tmpfs needs root\n');
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

describe('--out on another filesystem (EXDEV) |', () => {
  const mounts: string[] = [];
  const mountTmpfs = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'ignore' });
    mounts.push(dir);
  };
  afterAll(() => {
    for (const dir of mounts.reverse()) spawnSync('umount', [dir]);
  });

  test('out is on another filesystem than its parent (a tmpfs mount point; without root, /dev/shm): state is kept', () => {
    let out = path.join(work, 'mounted-out');
    if (canMount) mountTmpfs(out);
    else out = mkdtempSync(path.join('/dev/shm', 'govstack-publish-'));
    try {
      expect(statSync(out).dev).not.toBe(statSync(work).dev);
      usedOut(out);
      nextRunRepairs(out);
    } finally {
      if (!canMount) rmSync(out, { recursive: true, force: true });
    }
  });

  test('out on /dev/shm (tmpfs), killed after each step: the stack path keeps its state', () => {
    const out = mkdtempSync(path.join('/dev/shm', 'govstack-publish-'));
    try {
      expect(statSync(out).dev).not.toBe(statSync(work).dev);
      const stack = usedOut(out);
      for (const step of steps) {
        killedAt(step, out);
        expect(completeWithState(stack)).toBe(true);
      }
      nextRunRepairs(out);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  (canMount ? test : test.skip)('<out>/stacks is a mount point of its own: the staged stack is copied across (EXDEV), state kept', () => {
    const out = path.join(work, 'mounted-stacks');
    const stacks = path.join(out, 'stacks');
    mountTmpfs(stacks);
    usedOut(out);
    expect(statSync(stacks).dev).not.toBe(statSync(out).dev);
    nextRunRepairs(out);
    // Killed while the staged stack is copied across, or just after: the next run still repairs.
    for (const step of steps) {
      killedAt(step, out);
      expect(completeWithState(path.join(stacks, 'minimal'))).toBe(true);
    }
    nextRunRepairs(out);
  });
});

describe('what publishing writes to disk (syncTree) |', () => {
  /** `dir` and every file and folder below it (relative paths, `.` for `dir`). */
  const everything = (dir: string): string[] => [
    '.',
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((p) => p.split(path.sep).join('/')),
  ];

  test('everything below a stack, once; a folder the staging copied and wrote to disk is skipped whole, the folders holding it are not', async () => {
    const stack = mkdtempSync(path.join(work, 'sync-tree-'));
    const chart = path.join(root, 'charts', 'govstack-xroad');
    const copied = path.join(stack, 'assets', 'Chart-xroad', 'copied');
    const synced = new Set(await copyFolderToDisk(chart, copied));
    cpSync(chart, path.join(stack, 'assets', 'Chart-xroad', 'not-copied'), { recursive: true });
    writeFileSync(path.join(stack, 'cdk.tf.json'), '{}');
    // The copy reported its own root folder, so publishing can skip it without looking inside.
    expect(synced.has(inodeKey(lstatSync(copied)))).toBe(true);

    const written: string[] = [];
    // Node's own module object: the one publish.ts calls through (an ES namespace cannot be spied on).
    const fs = require('node:fs') as typeof import('node:fs');
    const looked = jest.spyOn(fs, 'lstatSync');
    const readFolders = jest.spyOn(fs, 'readdirSync');
    try {
      syncTree(stack, synced, (file) => written.push(path.relative(stack, file).split(path.sep).join('/') || '.'));
      const inside = (call: unknown[]) => String(call[0]).startsWith(copied + path.sep);
      expect(looked.mock.calls.filter(inside)).toEqual([]);
      expect(readFolders.mock.calls.filter((call) => call[0] === copied || inside(call))).toEqual([]);
    } finally {
      looked.mockRestore();
      readFolders.mockRestore();
    }

    const expected = everything(stack).filter((p) => p !== 'assets/Chart-xroad/copied' && !p.startsWith('assets/Chart-xroad/copied/'));
    expect([...written].sort()).toEqual(expected.sort());
    expect(new Set(written).size).toBe(written.length);
    expect(written.some((p) => p.startsWith('assets/Chart-xroad/not-copied/'))).toBe(true);
  });
});
