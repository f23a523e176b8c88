/**
 * `govstack compliance`: runs GovStack's suites against a deployment, in the cluster (Jobs,
 * through kubectl) or on this host (development), and sets the outcomes against the known
 * failures.
 */
import { spawnSync } from 'node:child_process';
import { InputError } from '../blueprint/problems';
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
  /** A country's own block (custom building block id) → the catalog building block whose suite it is tested with. */
  readonly suiteOf?: ReadonlyMap<string, string>;
}

export interface HostOptions {
  readonly mode: 'host';
  readonly suitesDir: string;
  readonly mockoon?: string;
  readonly urls: ReadonlyMap<string, string>;
  /** As in ClusterOptions. */
  readonly suiteOf?: ReadonlyMap<string, string>;
}

/**
 * The blocks of the model that have a suite the project runs, and the listed rest. `suiteOf`
 * adds blocks the catalog does not know by that id (a country's own product for a GovStack
 * building block, declared under customBuildingBlocks) with the suite of the building block
 * they implement; an InputError when it names a block the model lacks or a building block without a suite.
 */
export function plan(
  model: DeploymentModel,
  only: readonly string[],
  suiteOf: ReadonlyMap<string, string> = new Map(),
): { runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[]; skipped: SuiteResult[] } {
  const problems = [...suiteOf].flatMap(([blockId, suiteId]) => [
    ...(model.buildingBlocks.some((b) => b.id === blockId)
      ? []
      : [`--suite-of ${blockId}=${suiteId}: ${model.name} has no building block ${blockId}`]),
    ...(complianceSuites.some((s) => s.buildingBlock === suiteId)
      ? []
      : [
          `--suite-of ${blockId}=${suiteId}: no GovStack suite for ${suiteId} (${complianceSuites.map((s) => s.buildingBlock).join(', ')})`,
        ]),
  ]);
  if (problems.length > 0) throw new InputError(problems.map((message) => ({ file: '<command line>', line: 0, pointer: '', message })));
  const runs: { block: ModelBuildingBlock; suite: ComplianceSuite }[] = [];
  const skipped: SuiteResult[] = [];
  for (const block of model.buildingBlocks) {
    if (only.length > 0 && !only.includes(block.id)) continue;
    const suiteId = suiteOf.get(block.id) ?? block.id;
    const suite = complianceSuites.find((s) => s.buildingBlock === suiteId);
    if (!suite) continue;
    if (suite.notRun) skipped.push(notRunResult(suite, productLabel(block, suite), suite.notRun.reason));
    else if (block.product.kind === 'external')
      skipped.push(notRunResult(suite, productLabel(block, suite), 'runs elsewhere (external): test it where it is deployed'));
    else runs.push({ block, suite });
  }
  return { runs, skipped };
}

/** What answered, for the results: the product id, prefixed by the block when it is not the suite's building block. */
export function productLabel(block: ModelBuildingBlock, suite: ComplianceSuite): string {
  return block.id === suite.buildingBlock ? block.product.id : `${block.id} (${block.product.id})`;
}

/** Whether the product answering is the mock importing the OpenAPI document (the import's limits then apply). */
export function isImportedMock(block: ModelBuildingBlock): boolean {
  return block.product.kind === 'image' && block.product.document?.kind === 'openapi';
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
  const { runs, skipped } = plan(model, only, o.suiteOf);
  if (runs.length === 0) return skipped;
  const ns = runnerNamespace(model);
  const manifests = runManifests(model, runs, o.timeoutSeconds) as { kind: string }[];
  const apply = (items: object[]) => {
    const applied = kubectl(o, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    if (applied.status !== 0) throw new Error(`kubectl apply failed: ${applied.stderr.trim()}`);
  };
  const jobs = manifests.filter((m) => m.kind === 'Job');
  const results: SuiteResult[] = [];
  try {
    // Jobs are immutable: a previous run's are replaced.
    kubectl(o, ['delete', 'job', '-n', ns, '--ignore-not-found', ...runs.map((r) => jobName(r.block.id))]);
    apply(manifests.filter((m) => m.kind !== 'Job'));
    // One suite at a time: the suites' requests time out after 3 s (pactum's default), which
    // suites running side by side with the products on a small node can exceed.
    for (const [i, { block, suite }] of runs.entries()) {
      apply([jobs[i]]);
      const job = `job/${jobName(block.id)}`;
      const waited = kubectl(o, ['wait', '-n', ns, '--for=condition=Complete', job, `--timeout=${o.timeoutSeconds}s`]);
      const logs = kubectl(o, ['logs', '-n', ns, job, '--tail=-1']);
      try {
        results.push(
          summarise(suite, productLabel(block, suite), isExampleMock(block), readOutcomes(logs.stdout, block.id), isImportedMock(block)),
        );
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
    if (!o.keep) {
      for (const { block } of runs) kubectl(o, ['delete', 'networkpolicy', '-n', block.namespace, 'from-compliance', '--ignore-not-found']);
      // The runner's egress goes now, not whenever the namespace finishes terminating: the
      // connection exists only while the run does.
      kubectl(o, ['delete', 'networkpolicy', '-n', ns, '-l', 'govstack.global/component=compliance', '--ignore-not-found']);
      kubectl(o, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
    }
  }
  return [...results, ...skipped].sort((a, b) => a.buildingBlock.localeCompare(b.buildingBlock));
}

/** Runs the suites on this host: against the named URLs, else against the model's mocks started locally. */
export async function runOnHost(model: DeploymentModel, only: readonly string[], o: HostOptions): Promise<SuiteResult[]> {
  const { runs, skipped } = plan(model, only, o.suiteOf);
  const results: SuiteResult[] = [...skipped];
  for (const { block, suite } of runs) {
    const given = o.urls.get(block.id);
    if (!given && !o.mockoon) {
      results.push(notRunResult(suite, productLabel(block, suite), 'host mode needs --url for this block or --mockoon to start its mock'));
      continue;
    }
    if (!given && (block.product.kind !== 'image' || !block.product.document)) {
      results.push(
        notRunResult(suite, productLabel(block, suite), `product ${block.product.id} is not a mock; pass --url ${block.id}=<base URL>`),
      );
      continue;
    }
    let mock: { url: string; stop: () => void } | undefined;
    try {
      mock = given ? undefined : await startMock(block, o.mockoon!);
      const outcomes = runSuiteOnHost(suite, o.suitesDir, given ?? mock!.url);
      results.push(
        summarise(
          suite,
          given ? given : productLabel(block, suite),
          !given && isExampleMock(block),
          outcomes,
          !given && isImportedMock(block),
        ),
      );
    } catch (e) {
      results.push(notRunResult(suite, productLabel(block, suite), (e as Error).message));
    } finally {
      mock?.stop();
    }
  }
  return results.sort((a, b) => a.buildingBlock.localeCompare(b.buildingBlock));
}
