import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadBlueprint } from '../../src/blueprint/load';
import { resolveModel } from '../../src/model/resolve';
import { DeploymentModel } from '../../src/model/types';
import { synthesize } from '../../src/synth/synthesize';
import { packageRoot } from '../../src/paths';

export const root = packageRoot;
export const fixture = (...parts: string[]) => path.join(root, 'test', 'fixtures', ...parts);
export const cli = path.join(root, 'bin', 'govstack.js');

export type TfJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  provider: Record<string, unknown[]>;
  terraform: Record<string, unknown>;
  variable?: Record<string, Record<string, unknown>>;
};

/**
 * The folders the fixtures' bases live in, outside the fixtures' own folders (`extends:` reads
 * only the blueprint's folder tree unless told otherwise, as a user tells it with --extends-root).
 */
export const fixtureBases = [fixture(), path.join(root, 'blueprints')];
/** The same as command-line options, for CLI runs on fixtures. */
export const fixtureBaseArgs = fixtureBases.flatMap((dir) => ['--extends-root', dir]);

/**
 * A tool scripts/toolchain.sh built: the path in environment variable `envVar` when set, else
 * `<binary>` in a `<dirPrefix>…` folder of the toolchain cache (GOVSTACK_TOOLS or
 * ~/.cache/govstack-blueprint); undefined when neither exists.
 */
export function findCachedTool(envVar: string, dirPrefix: string, binary: string): string | undefined {
  const cache = process.env.GOVSTACK_TOOLS ?? path.join(homedir(), '.cache', 'govstack-blueprint');
  const candidates = [
    process.env[envVar],
    ...(existsSync(cache)
      ? readdirSync(cache)
          .filter((d) => d.startsWith(dirPrefix))
          .map((d) => path.join(cache, d, binary))
      : []),
  ];
  return candidates.find((c): c is string => Boolean(c) && existsSync(c!));
}

/** The pinned helm binary (HELM, or the one scripts/toolchain.sh built), when this machine has it. */
export function findHelm(): string | undefined {
  return findCachedTool('HELM', 'helm-', 'helm');
}

/** Resolve a blueprint file into its model. */
export function model(file: string): DeploymentModel {
  return resolveModel(loadBlueprint(file, { extendsRoots: fixtureBases }));
}

/** Synthesise one blueprint into a temporary folder and return the parsed cdk.tf.json. */
export function synth(file: string): { json: TfJson; model: DeploymentModel; text: string } {
  const m = model(file);
  const text = synthText(m);
  return { json: JSON.parse(text) as TfJson, model: m, text };
}

/** The Terraform JSON text of one model's stack, synthesised into a temporary folder. */
function synthText(m: DeploymentModel): string {
  const out = mkdtempSync(path.join(tmpdir(), 'govstack-test-'));
  try {
    const [stack] = synthesize([m], out);
    return readFileSync(stack.file, 'utf8');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The Terraform JSON of a model built in code. */
export function synthModel(m: DeploymentModel): TfJson {
  return JSON.parse(synthText(m)) as TfJson;
}

/** Every resource of a Terraform type, with its address. */
export function resourcesOf(json: TfJson, type: string): { address: string; body: Record<string, any> }[] {
  return Object.entries(json.resource[type] ?? {}).map(([name, body]) => ({
    address: `${type}.${name}`,
    body: body as Record<string, any>,
  }));
}

/** The parsed values of a helm_release (its single values document). */
export function releaseValues(body: Record<string, any>): Record<string, any> {
  return JSON.parse(body.values[0]);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real CLI as a user would. */
export function runCli(args: string[], cwd = root): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The only Terraform interpolations the constructs write; anything else came from the input. */
const ownInterpolation =
  /^\$\{(kubernetes_[a-z0-9_]+\.[A-Za-z0-9_-]+\.metadata\[0\]\.name|var\.(cluster_endpoint|state_encryption_passphrase|state_encryption_previous_passphrase)|base64decode\(var\.cluster_ca_certificate\)|key_provider\.pbkdf2\.govstack(_[0-9]+)?|can\(regex\("\^https:\/\/\[\^\/\[:space:\]\]\+", var\.cluster_endpoint\)\)|length\(var\.cluster_ca_certificate\) > 0 && can\(base64decode\(var\.cluster_ca_certificate\)\))\}$/;

/** Template sequences in a synthesised stack that the constructs did not write (should be none). */
export function foreignTemplates(json: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const rest = v.replace(/\$\$\{|%%\{/g, '');
      for (const m of rest.match(/\$\{[^}]*\}?|%\{/g) ?? []) if (!ownInterpolation.test(m)) found.push(m);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(json);
  return found;
}

/**
 * The stacks in `<out>/stacks`, sorted, after checking the layout publishing promises: each
 * stack path synth wrote is a relative link to its one hidden generation folder beside it, and
 * nothing else is hidden there (no generation, temporary link or folder left behind).
 * Plain folders (another tool's stacks) are listed as they are.
 */
export function stackFolders(stacksDir: string): string[] {
  const entries = readdirSync(stacksDir);
  const visible = entries.filter((e) => !e.startsWith('.')).sort();
  const targets = visible
    .filter((e) => lstatSync(path.join(stacksDir, e)).isSymbolicLink())
    .map((e) => {
      const to = readlinkSync(path.join(stacksDir, e));
      if (!new RegExp(`^\\.${e}\\.gen-\\d+-[a-z0-9]+$`).test(to)) throw new Error(`${e} links to ${to}, not to a generation of its own`);
      if (!lstatSync(path.join(stacksDir, to)).isDirectory()) throw new Error(`${e} links to ${to}, which is not a folder`);
      return to;
    });
  const hidden = entries.filter((e) => e.startsWith('.')).sort();
  if (JSON.stringify(hidden) !== JSON.stringify([...targets].sort()))
    throw new Error(`left behind in ${stacksDir}: ${hidden.filter((h) => !targets.includes(h)).join(', ')}`);
  return visible;
}
