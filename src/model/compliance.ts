/**
 * The compliance runner's place in the deployment (`compliance:` in the blueprint): its
 * namespace, the labels of its Pods and which building blocks it tests with which GovStack
 * suite. The connection graph (connections/build.ts), the stack (a runner namespace rendered
 * like every other) and `govstack compliance` (src/compliance/job.ts, run.ts) all read these.
 */
import { ComplianceSuite, complianceSuites } from '../compliance/suites';
import { ModelBuildingBlock } from './types';

/** Component name of the runner: its namespace suffix, ServiceAccount and `govstack.global/component` label. */
export const runnerComponent = 'compliance';

/** The runner's namespace for a namespace prefix, e.g. `gs-compliance`. */
export function runnerNamespaceName(prefix: string): string {
  return `${prefix}${runnerComponent}`;
}

/** Labels of the runner Pod testing `blockId` (the Job's Pod template; the edge's source selector). */
export function runnerPodLabels(blockId: string): Record<string, string> {
  return { 'govstack.global/component': runnerComponent, 'govstack.global/compliance-of': blockId };
}

/** The compliance runner as resolved from `compliance:`. */
export interface ModelCompliance {
  /** Whether the runner's namespace and edges are part of the deployment (`compliance.enabled`, default false). */
  readonly enabled: boolean;
  /** Namespace of the runner Jobs, `<prefix>compliance` (created only when enabled). */
  readonly namespace: string;
  /** A country's own block id → the building block whose suite tests it (`compliance.suiteOf`, default none). */
  readonly suiteOf: Readonly<Record<string, string>>;
  /** Building blocks the runner reaches when enabled, sorted by id; empty when disabled. */
  readonly targets: readonly string[];
}

/**
 * What happens to `block` in a compliance run: the suite that tests it, the reason it is listed
 * without running (a suite the project does not run, an external product), or undefined when no
 * GovStack suite applies.
 */
export function suiteFor(
  block: ModelBuildingBlock,
  suiteOf: Readonly<Record<string, string>>,
): { suite: ComplianceSuite; skip?: string } | undefined {
  const suite = complianceSuites.find((s) => s.buildingBlock === (suiteOf[block.id] ?? block.id));
  if (!suite) return undefined;
  if (block.product.kind === 'external') return { suite, skip: 'runs elsewhere (external): test it where it is deployed' };
  return { suite };
}

/**
 * Resolve `compliance:`: every problem is reported through `problem` (a `suiteOf` key that is
 * not an enabled block, a `suiteOf` value without a suite the project runs, a building block
 * whose namespace is the runner's).
 */
export function resolveCompliance(
  decl: { readonly enabled?: boolean; readonly suiteOf?: Readonly<Record<string, string>> } | undefined,
  prefix: string,
  blocks: readonly ModelBuildingBlock[],
  problem: (pointer: string, message: string) => void,
): ModelCompliance {
  const enabled = decl?.enabled ?? false;
  const suiteOf = decl?.suiteOf ?? {};
  const namespace = runnerNamespaceName(prefix);
  const runnable = complianceSuites.map((s) => s.buildingBlock);
  for (const [blockId, suiteId] of Object.entries(suiteOf)) {
    if (!blocks.some((b) => b.id === blockId))
      problem(`/compliance/suiteOf/${blockId}`, `${blockId} is not an enabled building block of this deployment`);
    if (!runnable.includes(suiteId))
      problem(`/compliance/suiteOf/${blockId}`, `no GovStack suite the project runs for ${suiteId} (${runnable.join(', ')})`);
  }
  const clash = blocks.find((b) => b.namespace === namespace);
  if (enabled && clash)
    problem('/compliance/enabled', `the compliance runner's namespace ${namespace} is building block ${clash.id}'s namespace`);
  const runs = (b: ModelBuildingBlock) => {
    const found = suiteFor(b, suiteOf);
    return found !== undefined && found.skip === undefined;
  };
  const targets = enabled ? blocks.filter(runs).map((b) => b.id) : [];
  return { enabled, namespace, suiteOf, targets: targets.sort() };
}
