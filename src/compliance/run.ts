/**
 * `govstack compliance`: runs GovStack's suites against a deployment, in the cluster (Jobs,
 * through kubectl) or on this host (development), and sets the outcomes against the known
 * failures.
 */
import { spawnSync } from 'node:child_process';
import { EnvironmentError, InputError } from '../blueprint/problems';
import { suiteFor } from '../model/compliance';
import { DeploymentModel, ModelBuildingBlock } from '../model/types';
import { jobName, runManifests } from './job';
import { readOutcomes, runSuiteOnHost, startMock } from './host';
import { notRunResult, summarise, SuiteResult } from './results';
import { ComplianceSuite } from './suites';
import { ordinal } from '../ordinal';

export interface ClusterOptions {
  readonly mode: 'cluster';
  readonly kubectl: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly timeoutSeconds: number;
  /** Leave the Jobs (and their Pods' logs) in the runner namespace after the run. */
  readonly keep: boolean;
}

export interface HostOptions {
  readonly mode: 'host';
  readonly suitesDir: string;
  readonly mockoon?: string;
  readonly urls: ReadonlyMap<string, string>;
}

/**
 * The blocks of the model that have a suite the project runs, and the listed rest. A block is
 * tested with the suite of its own id, or of the building block `compliance.suiteOf` names for
 * it (a country's own product for a GovStack building block, declared under customBuildingBlocks).
 */
export function plan(
  model: DeploymentModel,
  only: readonly string[],
): { runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[]; skipped: SuiteResult[] } {
  const runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[] = [];
  const skipped: SuiteResult[] = [];
  for (const block of model.buildingBlocks) {
    if (only.length > 0 && !only.includes(block.id)) continue;
    const found = suiteFor(block, model.compliance.suiteOf);
    if (!found) continue;
    if (found.skip !== undefined) skipped.push(notRunResult(found.suite, productLabel(block, found.suite), found.skip));
    else runs.push({ block, suite: found.suite });
  }
  return { runs, skipped };
}

/** What answered, for the results: the product id, prefixed by the block when it is not the suite's building block. */
export function productLabel(block: ModelBuildingBlock, suite: ComplianceSuite): string {
  return block.id === suite.buildingBlock ? block.product.id : `${block.id} (${block.product.id})`;
}

/** Whether the product answering is GovStack's own example mock (its known defects then apply). */
export function isExampleMock(block: ModelBuildingBlock): boolean {
  return block.product.kind === 'image' && block.product.documents?.files[0]?.kind === 'mockoon-environment';
}

function kubectl(o: ClusterOptions, args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
  const base = [...(o.kubeconfig ? ['--kubeconfig', o.kubeconfig] : []), ...(o.context ? ['--context', o.context] : [])];
  const r = spawnSync(o.kubectl, [...base, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${o.kubectl}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The one-line problem when the deployment does not carry the runner's namespace and edges:
 * `compliance.enabled` is off in the blueprint (InputError at that pointer).
 */
export function requireRunnerEnabled(model: DeploymentModel): void {
  if (model.compliance.enabled) return;
  const pointer = '/compliance/enabled';
  throw new InputError([
    {
      ...model.locate(pointer),
      pointer,
      message:
        "the compliance runner's connections are not part of this deployment: set compliance.enabled: true in the blueprint, apply it, then run govstack compliance again",
    },
  ]);
}

/**
 * Runs the suites in the cluster the deployment was applied to, as Jobs in the runner
 * namespace the stack rendered (`compliance.enabled`), through the NetworkPolicies it rendered
 * from the connection graph. An InputError when the blueprint does not enable the runner, an
 * EnvironmentError when the cluster has no runner namespace (the blueprint was not applied).
 */
export function runInCluster(model: DeploymentModel, only: readonly string[], o: ClusterOptions): SuiteResult[] {
  requireRunnerEnabled(model);
  const { runs, skipped } = plan(model, only);
  if (runs.length === 0) return skipped;
  const ns = model.compliance.namespace;
  const unreachable = runs.filter((r) => !model.compliance.targets.includes(r.block.id));
  if (unreachable.length > 0) throw new Error(`no runner edge to ${unreachable.map((r) => r.block.id).join(', ')}`);
  const present = kubectl(o, ['get', 'namespace', ns, '-o', 'name']);
  if (present.status !== 0)
    throw new EnvironmentError(
      `the cluster has no namespace ${ns}: apply the deployment with compliance.enabled: true (tofu apply) before running govstack compliance`,
    );
  const jobs = runManifests(model, runs, o.timeoutSeconds);
  const apply = (item: object) => {
    const applied = kubectl(o, ['apply', '-f', '-'], JSON.stringify(item));
    if (applied.status !== 0) throw new Error(`kubectl apply failed: ${applied.stderr.trim()}`);
  };
  const names = runs.map((r) => jobName(r.block.id));
  const results: SuiteResult[] = [];
  try {
    // Jobs are immutable: a previous run's are replaced.
    kubectl(o, ['delete', 'job', '-n', ns, '--ignore-not-found', ...names]);
    // One suite at a time: the suites' requests time out after 3 s (pactum's default), which
    // suites running side by side with the products on a small node can exceed.
    for (const [i, { block, suite }] of runs.entries()) {
      apply(jobs[i]);
      const job = `job/${jobName(block.id)}`;
      const waited = kubectl(o, ['wait', '-n', ns, '--for=condition=Complete', job, `--timeout=${o.timeoutSeconds}s`]);
      const logs = kubectl(o, ['logs', '-n', ns, job, '--tail=-1']);
      try {
        results.push(summarise(suite, productLabel(block, suite), isExampleMock(block), readOutcomes(logs.stdout, block.id)));
      } catch (e) {
        results.push(
          notRunResult(
            suite,
            productLabel(block, suite),
            `${(e as Error).message}${waited.status !== 0 ? `; ${waited.stderr.trim()}` : ''}`,
          ),
        );
      }
    }
  } finally {
    // The namespace and the edges stay (they are the deployment's until compliance.enabled is
    // unset and the blueprint applied again); the Jobs and their Pods go.
    if (!o.keep) kubectl(o, ['delete', 'job', '-n', ns, '--ignore-not-found', '--cascade=foreground', ...names]);
  }
  return [...results, ...skipped].sort((a, b) => ordinal(a.buildingBlock, b.buildingBlock));
}

/** Runs the suites on this host: against the named URLs, else against the model's mocks started locally. */
export async function runOnHost(model: DeploymentModel, only: readonly string[], o: HostOptions): Promise<SuiteResult[]> {
  const { runs, skipped } = plan(model, only);
  const results: SuiteResult[] = [...skipped];
  for (const { block, suite } of runs) {
    const given = o.urls.get(block.id);
    if (!given && !o.mockoon) {
      results.push(notRunResult(suite, productLabel(block, suite), 'host mode needs --url for this block or --mockoon to start its mock'));
      continue;
    }
    if (!given && !block.servedDocuments) {
      results.push(
        notRunResult(suite, productLabel(block, suite), `product ${block.product.id} is not a mock; pass --url ${block.id}=<base URL>`),
      );
      continue;
    }
    let mock: { url: string; stop: () => void } | undefined;
    try {
      mock = given ? undefined : await startMock(block, o.mockoon!);
      const outcomes = runSuiteOnHost(suite, o.suitesDir, given ?? mock!.url);
      results.push(summarise(suite, given ? given : productLabel(block, suite), !given && isExampleMock(block), outcomes));
    } catch (e) {
      results.push(notRunResult(suite, productLabel(block, suite), (e as Error).message));
    } finally {
      mock?.stop();
    }
  }
  return results.sort((a, b) => ordinal(a.buildingBlock, b.buildingBlock));
}
