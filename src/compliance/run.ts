/**
 * `govstack compliance`: runs GovStack's suites against a deployment, in the cluster (Jobs,
 * through kubectl) or on this host (development), and sets the outcomes against the known
 * failures.
 */
import { spawnSync } from 'node:child_process';
import { DeploymentModel, ModelBuildingBlock } from '../model/types';
import { runnerNamespace, jobName, runManifests } from './job';
import { readOutcomes, runSuiteOnHost, startMock } from './host';
import { notRunResult, summarise, SuiteResult } from './results';
import { ComplianceSuite, complianceSuites } from './suites';

export interface ClusterOptions {
  readonly mode: 'cluster';
  readonly kubectl: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly timeoutSeconds: number;
  /** Leave the runner namespace and policies in place after the run. */
  readonly keep: boolean;
}

export interface HostOptions {
  readonly mode: 'host';
  readonly suitesDir: string;
  readonly mockoon?: string;
  readonly urls: ReadonlyMap<string, string>;
}

/** The blocks of the model that have a suite the project runs, and the listed rest. */
export function plan(model: DeploymentModel, only: readonly string[]): { runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[]; skipped: SuiteResult[] } {
  const runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[] = [];
  const skipped: SuiteResult[] = [];
  for (const block of model.buildingBlocks) {
    if (only.length > 0 && !only.includes(block.id)) continue;
    const suite = complianceSuites.find((s) => s.buildingBlock === block.id);
    if (!suite) continue;
    if (suite.notRun) skipped.push(notRunResult(suite, block.product.id, suite.notRun.reason));
    else if (block.product.kind === 'external') skipped.push(notRunResult(suite, block.product.id, 'runs elsewhere (external): test it where it is deployed'));
    else runs.push({ block, suite });
  }
  return { runs, skipped };
}

/** Whether the product answering is GovStack's own example mock (its known defects then apply). */
export function isExampleMock(block: ModelBuildingBlock): boolean {
  return block.product.kind === 'image' && block.product.document?.kind === 'mockoon-environment';
}

function kubectl(o: ClusterOptions, args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
  const base = [...(o.kubeconfig ? ['--kubeconfig', o.kubeconfig] : []), ...(o.context ? ['--context', o.context] : [])];
  const r = spawnSync(o.kubectl, [...base, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${o.kubectl}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the suites in the cluster the deployment was applied to. */
export function runInCluster(model: DeploymentModel, only: readonly string[], o: ClusterOptions): SuiteResult[] {
  const { runs, skipped } = plan(model, only);
  if (runs.length === 0) return skipped;
  const ns = runnerNamespace(model);
  const list = { apiVersion: 'v1', kind: 'List', items: runManifests(model, runs, o.timeoutSeconds) };
  const results: SuiteResult[] = [];
  try {
    // Jobs are immutable: a previous run's are replaced.
    kubectl(o, ['delete', 'job', '-n', ns, '--ignore-not-found', ...runs.map((r) => jobName(r.block.id))]);
    const applied = kubectl(o, ['apply', '-f', '-'], JSON.stringify(list));
    if (applied.status !== 0) throw new Error(`kubectl apply failed: ${applied.stderr.trim()}`);
    for (const { block, suite } of runs) {
      const job = `job/${jobName(block.id)}`;
      const waited = kubectl(o, ['wait', '-n', ns, '--for=condition=Complete', job, `--timeout=${o.timeoutSeconds}s`]);
      const logs = kubectl(o, ['logs', '-n', ns, job, '--tail=-1']);
      try {
        results.push(summarise(suite, block.product.id, isExampleMock(block), readOutcomes(logs.stdout, block.id)));
      } catch (e) {
        results.push(notRunResult(suite, block.product.id, `${(e as Error).message}${waited.status !== 0 ? `; ${waited.stderr.trim()}` : ''}`));
      }
    }
  } finally {
    if (!o.keep) {
      for (const { block } of runs) kubectl(o, ['delete', 'networkpolicy', '-n', block.namespace, 'from-compliance', '--ignore-not-found']);
      kubectl(o, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
    }
  }
  return [...results, ...skipped].sort((a, b) => a.buildingBlock.localeCompare(b.buildingBlock));
}

/** Runs the suites on this host: against the named URLs, else against the model's mocks started locally. */
export async function runOnHost(model: DeploymentModel, only: readonly string[], o: HostOptions): Promise<SuiteResult[]> {
  const { runs, skipped } = plan(model, only);
  const results: SuiteResult[] = [...skipped];
  for (const { block, suite } of runs) {
    const given = o.urls.get(block.id);
    if (!given && !o.mockoon) {
      results.push(notRunResult(suite, block.product.id, 'host mode needs --url for this block or --mockoon to start its mock'));
      continue;
    }
    if (!given && (block.product.kind !== 'image' || !block.product.document)) {
      results.push(notRunResult(suite, block.product.id, `product ${block.product.id} is not a mock; pass --url ${block.id}=<base URL>`));
      continue;
    }
    let mock: { url: string; stop: () => void } | undefined;
    try {
      mock = given ? undefined : await startMock(block, o.mockoon!);
      const outcomes = runSuiteOnHost(suite, o.suitesDir, given ?? mock!.url);
      results.push(summarise(suite, given ? given : block.product.id, !given && isExampleMock(block), outcomes));
    } catch (e) {
      results.push(notRunResult(suite, block.product.id, (e as Error).message));
    } finally {
      mock?.stop();
    }
  }
  return results.sort((a, b) => a.buildingBlock.localeCompare(b.buildingBlock));
}
