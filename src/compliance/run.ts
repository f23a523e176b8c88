/**
 * `govstack compliance`: runs GovStack's suites against a deployment, in the cluster (Jobs,
 * through kubectl) or on this host (development), and sets the outcomes against the known
 * failures.
 */
import { EnvironmentError, InputError } from '../blueprint/problems';
import { suggest } from '../blueprint/suggest';
import { suiteFor } from '../model/compliance';
import { DeploymentModel, ModelBuildingBlock } from '../model/types';
import { apiBaseUrl, jobName, runManifests } from './job';
import { errorLine, kubectlOk, KubectlTarget, runKubectl } from './kubectl';
import { readOutcomes, runSuiteOnHost, startMock } from './host';
import { notRunResult, summarise, SuiteResult } from './results';
import { ComplianceSuite, MockKind } from './suites';
import { ordinal } from '../ordinal';

export interface ClusterOptions extends KubectlTarget {
  readonly mode: 'cluster';
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
 * `only` (ids from --only; empty: every block) must name such blocks, else an InputError.
 */
export function plan(
  model: DeploymentModel,
  only: readonly string[],
): { runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[]; skipped: SuiteResult[] } {
  requireKnownBlocks(model, '--only', only);
  const runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[] = [];
  const skipped: SuiteResult[] = [];
  for (const block of model.buildingBlocks) {
    if (only.length > 0 && !only.includes(block.id)) continue;
    const found = suiteFor(block, model.compliance.suiteOf);
    if (!found) continue;
    if (found.skip !== undefined) skipped.push(notRunResult(found.suite, productLabel(block, found.suite), found.skip, 'not-run'));
    else runs.push({ block, suite: found.suite });
  }
  return { runs, skipped };
}

/** The ids of the model's blocks that have a suite (run or listed as not run), in the model's order. */
function blocksWithSuite(model: DeploymentModel): string[] {
  return model.buildingBlocks.filter((b) => suiteFor(b, model.compliance.suiteOf)).map((b) => b.id);
}

/**
 * An InputError (one problem per id, on the command line) when `ids`, given with `option`,
 * name anything but blocks of this deployment with a compliance suite: a typo would otherwise
 * select nothing and pass.
 */
export function requireKnownBlocks(model: DeploymentModel, option: string, ids: Iterable<string>): void {
  const known = blocksWithSuite(model);
  const unknown = [...new Set(ids)].filter((id) => !known.includes(id));
  if (unknown.length === 0) return;
  throw new InputError(
    unknown.map((id) => ({
      file: '<command line>',
      line: 0,
      pointer: '',
      message: `${option}: ${JSON.stringify(id)} is not a building block of this deployment with a compliance suite${suggest(id, known)}; valid: ${known.join(', ')}`,
    })),
  );
}

/** What answered, for the results: the product id, prefixed by the block when it is not the suite's building block. */
export function productLabel(block: ModelBuildingBlock, suite: ComplianceSuite): string {
  return block.id === suite.buildingBlock ? block.product.id : `${block.id} (${block.product.id})`;
}

/**
 * Which `mock` answers for the block (GovStack's example environment first, or only imported
 * OpenAPI documents), or undefined for any other product: the known failures of that mock
 * then apply (`KnownFailure.mockOnly`).
 */
export function mockKind(block: ModelBuildingBlock): MockKind | undefined {
  const first = block.product.kind === 'image' ? block.product.documents?.files[0] : undefined;
  if (!first) return undefined;
  return first.kind === 'mockoon-environment' ? 'example' : 'openapi-import';
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
 * from the connection graph. An InputError when the blueprint does not enable the runner or
 * `only` names a block without a suite; an EnvironmentError when kubectl is missing or a call
 * that must succeed fails (kubectl.ts says why, in kubectl's words), or when the cluster has no
 * runner namespace (the blueprint was not applied).
 */
export function runInCluster(model: DeploymentModel, only: readonly string[], o: ClusterOptions): SuiteResult[] {
  requireRunnerEnabled(model);
  const { runs, skipped } = plan(model, only);
  if (runs.length === 0) return skipped;
  const ns = model.compliance.namespace;
  const unreachable = runs.filter((r) => !model.compliance.targets.includes(r.block.id));
  if (unreachable.length > 0) throw new Error(`no runner edge to ${unreachable.map((r) => r.block.id).join(', ')}`);
  // --ignore-not-found: kubectl's NotFound answer is empty output and success; every other
  // failure (no cluster, no kubeconfig, no permission) is kubectl's to explain.
  const present = kubectlOk(o, ['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']);
  if (present.trim() === '')
    throw new EnvironmentError(
      `the cluster has no namespace ${ns}: apply the deployment with compliance.enabled: true (tofu apply) before running govstack compliance`,
    );
  const jobs = runManifests(model, runs, o.timeoutSeconds);
  const names = runs.map((r) => jobName(r.block.id));
  const results: SuiteResult[] = [];
  let finished = false;
  try {
    // Jobs are immutable: a previous run's are replaced.
    kubectlOk(o, ['delete', 'job', '-n', ns, '--ignore-not-found', ...names]);
    // One suite at a time: the suites' requests time out after 3 s (pactum's default), which
    // suites running side by side with the products on a small node can exceed.
    for (const [i, { block, suite }] of runs.entries()) {
      kubectlOk(o, ['apply', '-f', '-'], JSON.stringify(jobs[i]));
      const job = `job/${jobName(block.id)}`;
      // A Job that failed or ran out of time is the suite's outcome, not the environment's: said in its result.
      const waited = runKubectl(o, ['wait', '-n', ns, '--for=condition=Complete', job, `--timeout=${o.timeoutSeconds}s`]);
      const logs = runKubectl(o, ['logs', '-n', ns, job, '--tail=-1']);
      try {
        results.push(summarise(suite, productLabel(block, suite), mockKind(block), readOutcomes(logs.stdout, block.id)));
      } catch (e) {
        const why = [waited, logs].filter((r) => r.status !== 0).map((r) => `; ${errorLine(r.stderr)}`);
        results.push(notRunResult(suite, productLabel(block, suite), `${(e as Error).message}${why.join('')}`, 'error'));
      }
    }
    finished = true;
  } finally {
    // The namespace and the edges stay (they are the deployment's until compliance.enabled is
    // unset and the blueprint applied again); the Jobs and their Pods go.
    if (!o.keep) {
      const deleted = runKubectl(o, ['delete', 'job', '-n', ns, '--ignore-not-found', '--cascade=foreground', ...names]);
      // After a failure its message stands alone; after a run the results still print.
      if (deleted.status !== 0 && finished)
        process.stderr.write(`govstack: warning: the Jobs in ${ns} were not deleted: ${errorLine(deleted.stderr)}\n`);
    }
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
      results.push(
        notRunResult(suite, productLabel(block, suite), 'host mode needs --url for this block or --mockoon to start its mock', 'not-run'),
      );
      continue;
    }
    if (!given && !block.servedDocuments) {
      results.push(
        notRunResult(
          suite,
          productLabel(block, suite),
          `product ${block.product.id} is not a mock; pass --url ${block.id}=<base URL>`,
          'not-run',
        ),
      );
      continue;
    }
    let mock: { url: string; stop: () => void } | undefined;
    try {
      mock = given ? undefined : await startMock(block, o.mockoon!);
      const outcomes = runSuiteOnHost(suite, o.suitesDir, given ?? apiBaseUrl(block, mock!.url));
      results.push(summarise(suite, given ? given : productLabel(block, suite), given ? undefined : mockKind(block), outcomes));
    } catch (e) {
      results.push(notRunResult(suite, productLabel(block, suite), (e as Error).message, 'error'));
    } finally {
      mock?.stop();
    }
  }
  return results.sort((a, b) => ordinal(a.buildingBlock, b.buildingBlock));
}
