import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { PublishStep } from '../../src/synth/publish';
import { synthesize } from '../../src/synth/synthesize';
import { fixture, root } from './support';

/**
 * Issue 13, item 8: publishing cannot lose Terraform state. A real process is killed (SIGKILL)
 * after each publishing step; afterwards a complete stack folder with its state must exist,
 * and the next run must put everything right and leave nothing behind.
 */
const blueprint = fixture('valid', 'minimal.yaml');
const stateFile = 'terraform.govstack.ke.dev.minimal.tfstate';
const steps: PublishStep[] = ['staged', 'moved', 'carried', 'retired', 'swapped', 'cleaned'];
let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'govstack-publish-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An output folder holding a synthesised stack that Terraform has used: state, providers, lock. */
function usedOut(dir: string): string {
  synthesize(loadModels([blueprint]), dir);
  const stack = path.join(dir, 'stacks', 'minimal');
  writeFileSync(path.join(stack, stateFile), '{"version":4,"serial":7}');
  mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
  writeFileSync(path.join(stack, '.terraform', 'providers', 'terraform-provider-x'), 'binary');
  writeFileSync(path.join(stack, '.terraform.lock.hcl'), '# lock');
  return stack;
}

/** Every complete stack folder in <out>/stacks (any name): one with cdk.tf.json and the state. */
function completeWithState(out: string): string[] {
  const stacks = path.join(out, 'stacks');
  return readdirSync(stacks).filter((entry) => {
    const dir = path.join(stacks, entry);
    return existsSync(path.join(dir, 'cdk.tf.json')) && existsSync(path.join(dir, stateFile)) && readFileSync(path.join(dir, stateFile), 'utf8') === '{"version":4,"serial":7}';
  });
}

function killedAt(step: PublishStep, out: string): number | null {
  const script = [
    `const { loadModels } = require(${JSON.stringify(path.join(root, 'dist', 'src', 'model', 'load-models'))});`,
    `const { synthesize } = require(${JSON.stringify(path.join(root, 'dist', 'src', 'synth', 'synthesize'))});`,
    `synthesize(loadModels([${JSON.stringify(blueprint)}]), ${JSON.stringify(out)}, { onStep: (s) => { if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL'); } });`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  return r.status ?? (r.signal === 'SIGKILL' ? -9 : null);
}

describe.each(steps)('killed after "%s" |', (step) => {
  test('a complete folder with its state survives, and the next run repairs and cleans up', () => {
    const out = path.join(work, `kill-${step}`);
    usedOut(out);
    expect(killedAt(step, out)).toBe(-9);
    // At this moment: the old or the new complete folder, with the state, exists.
    expect(completeWithState(out).length).toBeGreaterThanOrEqual(1);
    // The next run (another process id) finishes the job.
    const [stack] = synthesize(loadModels([blueprint]), out);
    const dir = path.dirname(stack.file);
    expect(readFileSync(path.join(dir, stateFile), 'utf8')).toBe('{"version":4,"serial":7}');
    expect(readFileSync(path.join(dir, '.terraform', 'providers', 'terraform-provider-x'), 'utf8')).toBe('binary');
    expect(readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
    expect(readdirSync(path.join(out, 'stacks'))).toEqual(['minimal']);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'stacks']);
  });
});

describe('dangerous output folders |', () => {
  test('a stack folder that is a symlink is refused, and its target is left alone', () => {
    const out = path.join(work, 'symlinked');
    const elsewhere = path.join(work, 'elsewhere');
    mkdirSync(path.join(out, 'stacks'), { recursive: true });
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'precious.txt'), 'keep');
    symlinkSync(elsewhere, path.join(out, 'stacks', 'minimal'));
    expect(() => synthesize(loadModels([blueprint]), out)).toThrow(/stacks\/minimal is a symlink .*will not follow it/);
    expect(readdirSync(elsewhere)).toEqual(['precious.txt']);
  });

  test('a folder where the stack belongs that is not a synthesised stack is refused', () => {
    const out = path.join(work, 'foreign');
    mkdirSync(path.join(out, 'stacks', 'minimal'), { recursive: true });
    writeFileSync(path.join(out, 'stacks', 'minimal', 'notes.txt'), 'mine');
    expect(() => synthesize(loadModels([blueprint]), out)).toThrow(/holds files but no cdk\.tf\.json/);
    expect(readdirSync(path.join(out, 'stacks', 'minimal'))).toEqual(['notes.txt']);
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
      const [stack] = synthesize(loadModels([blueprint]), out);
      expect(readFileSync(path.join(path.dirname(stack.file), stateFile), 'utf8')).toBe('{"version":4,"serial":7}');
      expect(readdirSync(out).sort()).toEqual(['manifest.json', 'stacks']);
    } finally {
      if (!canMount) rmSync(out, { recursive: true, force: true });
    }
  });

  (canMount ? test : test.skip)('<out>/stacks is a mount point of its own: the staged stack is copied across (EXDEV), state kept', () => {
    const out = path.join(work, 'mounted-stacks');
    const stacks = path.join(out, 'stacks');
    mountTmpfs(stacks);
    usedOut(out);
    expect(statSync(stacks).dev).not.toBe(statSync(out).dev);
    const [stack] = synthesize(loadModels([blueprint]), out);
    expect(readFileSync(path.join(path.dirname(stack.file), stateFile), 'utf8')).toBe('{"version":4,"serial":7}');
    expect(readdirSync(stacks)).toEqual(['minimal']);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'stacks']);
  });
});
