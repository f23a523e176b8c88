import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadBlueprint } from '../../src/blueprint/load';
import { upstreamComponents } from '../../src/blueprint/types';
import { packageRoot } from '../../src/paths';

/** Wall-clock seconds of each phase, for the report and BENCHMARKS.md. */
export type Phase = 'synth' | 'init' | 'validate' | 'plan' | 'apply' | 'replan' | 'destroy';

export class Timer {
  readonly seconds: Partial<Record<Phase, number>> = {};
  run<T>(phase: Phase, body: () => T): T {
    const start = process.hrtime.bigint();
    try {
      return body();
    } finally {
      this.seconds[phase] = Number(process.hrtime.bigint() - start) / 1e9;
    }
  }
}

/** Run a tool; on failure throw with the tail of its output, which names the real problem. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; okCodes?: number[] },
): { code: number; stdout: string } {
  try {
    const stdout = execFileSync(command, args, {
      cwd: options.cwd,
      env: options.env,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    if (e.status !== undefined && options.okCodes?.includes(e.status)) return { code: e.status, stdout: e.stdout ?? '' };
    const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed (exit ${e.status}):\n${tail}`);
  }
}

/**
 * What loading a test profile needs: the profiles live in temporary folders and extend the
 * project's blueprints and fixtures, outside their own folder tree (the `--extends-root` of a user).
 */
export const profileBases = { extendsRoots: [path.join(packageRoot, 'blueprints'), path.join(packageRoot, 'test', 'fixtures')] };

/**
 * The test profile of a blueprint: the same deployment pointed at the test control plane,
 * waits off (no kubelet runs there, so nothing becomes Ready), local state, and the upstream
 * platform charts marked preinstalled because their repositories cannot be reached here.
 * It is written as an overlay that `extends` the real blueprint, so everything else is
 * exactly what a country would deploy.
 */
export function writeTestProfile(blueprint: string, kubeconfig: string, dir: string, extra: Record<string, unknown> = {}): string {
  const base = loadBlueprint(blueprint).blueprint;
  const clear = (obj: object, keep: string[]) =>
    Object.fromEntries(
      Object.keys(obj)
        .filter((k) => !keep.includes(k))
        .map((k) => [k, null]),
    );
  const { target, deployment, ...rest } = extra as { target?: object; deployment?: object };
  const overlay = {
    extends: [path.resolve(blueprint)],
    target: { ...clear(base.target, ['kind', 'path']), kind: 'kubeconfig', path: kubeconfig, ...target },
    state: { ...clear(base.state, ['backend']), backend: 'local' },
    deployment: { waits: false, preinstalled: [...upstreamComponents], charts: null, ...deployment },
    ...rest,
  };
  const file = path.join(dir, `e2e-${path.basename(blueprint)}`);
  writeFileSync(file, stringify(overlay));
  return file;
}

/** helm_release resources of a stack, split into the project's charts and upstream ones. */
export function releasesOf(stackFile: string): { name: string; namespace: string; chart: string; local: boolean }[] {
  const json = JSON.parse(readFileSync(stackFile, 'utf8'));
  const namespaces = json.resource.kubernetes_namespace_v1 ?? {};
  return Object.values(json.resource.helm_release ?? {}).map((r: any) => {
    const ref = /kubernetes_namespace_v1\.([^.]+)\./.exec(r.namespace);
    return {
      name: r.name,
      namespace: ref ? namespaces[ref[1]].metadata.name : r.namespace,
      chart: r.chart,
      local: String(r.chart).startsWith('assets/'),
    };
  });
}
