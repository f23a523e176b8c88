/**
 * Golden output: what `govstack synth` writes for the sandbox, every example and a fleet of
 * ten countries derived from the sandbox, recorded before any speed work so that every later
 * change can prove the Terraform it writes is byte-identical.
 *
 * Recorded: the sandbox's cdk.tf.json in full (`sandbox.cdk.tf.json`, a readable diff when it
 * changes) and, in `sha256.json`, the SHA-256 of every cdk.tf.json and manifest.json written,
 * plus one digest per stack over its assets (sorted relative path and SHA-256 of each file).
 * Each run is one CLI invocation, as a user would run it: the sandbox alone (a single-stack
 * app), the examples together and the fleet together (multi-stack apps).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';

export const goldenDir = path.join(packageRoot, 'test', 'golden');
export const goldenHashesFile = path.join(goldenDir, 'sha256.json');
export const goldenSandboxFile = path.join(goldenDir, 'sandbox.cdk.tf.json');

const inFolder = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));

/**
 * The golden runs: a name and the blueprint files synthesised together in one invocation, with
 * the folders their `extends:` may read besides their own (the fleet extends the sandbox).
 */
export function goldenRuns(): { name: string; files: string[]; extendsRoots?: string[] }[] {
  return [
    { name: 'sandbox', files: [path.join(packageRoot, 'blueprints', 'sandbox.yaml')] },
    { name: 'examples', files: inFolder(path.join(packageRoot, 'blueprints', 'examples')) },
    { name: 'fleet', files: inFolder(path.join(goldenDir, 'fleet')), extendsRoots: [path.join(packageRoot, 'blueprints')] },
  ];
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * Every file below `dir` as the user's paths name it: a stack link is followed, the hidden
 * generation folders it leads to are not listed under their own (per-run) names.
 */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !/^\..+\.gen-/.test(e.name))
    .flatMap((e) =>
      statSync(path.join(dir, e.name)).isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

/** What one output folder holds, as recorded in sha256.json (keys sorted). */
export function digestOutput(out: string): Record<string, string> {
  const digests: Record<string, string> = {};
  const assets = new Map<string, string[]>();
  for (const file of filesUnder(out)) {
    const m = /^(stacks\/[^/]+)\/assets\/(.*)$/.exec(file);
    const hash = sha256(readFileSync(path.join(out, file)));
    if (m) {
      const lines = assets.get(m[1]) ?? [];
      lines.push(`${m[2]}\u0000${hash}`);
      assets.set(m[1], lines);
    } else {
      digests[file] = hash;
    }
  }
  for (const [stack, lines] of assets) digests[`${stack}/assets/*`] = sha256(lines.join('\n'));
  return Object.fromEntries(
    Object.keys(digests)
      .sort()
      .map((k) => [k, digests[k]]),
  );
}

/**
 * Run every golden synth through the real CLI; returns the digests per run and the sandbox's JSON text.
 * @param env added to the CLI's environment (GOVSTACK_DEBUG runs it unbundled, from dist/)
 */
export function synthGolden(env: NodeJS.ProcessEnv = {}): { hashes: Record<string, Record<string, string>>; sandbox: string } {
  const work = mkdtempSync(path.join(tmpdir(), 'govstack-golden-'));
  try {
    const hashes: Record<string, Record<string, string>> = {};
    let sandbox = '';
    for (const run of goldenRuns()) {
      const out = path.join(work, run.name);
      execFileSync(
        process.execPath,
        [
          path.join(packageRoot, 'bin', 'govstack.js'),
          'synth',
          ...run.files,
          ...(run.extendsRoots ?? []).flatMap((r) => ['--extends-root', r]),
          '--out',
          out,
          '--quiet',
        ],
        {
          cwd: packageRoot,
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      hashes[run.name] = digestOutput(out);
      if (run.name === 'sandbox') sandbox = readFileSync(path.join(out, 'stacks', 'sandbox', 'cdk.tf.json'), 'utf8');
    }
    return { hashes, sandbox };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
