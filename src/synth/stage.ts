// First: it defers cdktf's archive library, which must happen before cdktf loads.
import { skipCrossStackPreparation, withTunedCdktf, withTunedCdktfConcurrently } from './cdktf-tuning';
import { TerraformResource } from 'cdktf';
import { GovStackApp } from '../api/app';
import { CountryDeployment } from '../constructs/country-deployment';
import { DeploymentModel } from '../model/types';

export { cdktfTuning } from './cdktf-tuning';
export { warmChartHashes } from '../constructs/chart-source';

/** The number of Terraform resources of each stack staged, by stack name. */
export type ResourceCounts = Readonly<Record<string, number>>;

/**
 * Build one CountryDeployment per model in a new GovStackApp and synthesise it into `staging`
 * (cdktf's outdir: `stacks/<name>/` and `manifest.json`), in this thread. Each stack is built
 * from its own model alone, so a stack's bytes do not depend on which other stacks share the app.
 * Returns each stack's number of resources (its `resource` entries in cdk.tf.json).
 */
export function stageStacks(models: readonly DeploymentModel[], staging: string): ResourceCounts {
  return withTunedCdktf(() => buildAndSynthesize(models, staging));
}

/**
 * {@link stageStacks}, with the chart folders copied into `staging` and written to disk by
 * libuv's thread pool while cdktf builds the JSON (cdktf-tuning/folder-asset-links.ts); resolves
 * when all is written. The same files as stageStacks writes.
 */
export async function stageStacksConcurrently(models: readonly DeploymentModel[], staging: string): Promise<ResourceCounts> {
  let counts: ResourceCounts = {};
  await withTunedCdktfConcurrently(() => {
    counts = buildAndSynthesize(models, staging);
  });
  return counts;
}

function buildAndSynthesize(models: readonly DeploymentModel[], staging: string): ResourceCounts {
  const app = new GovStackApp({ outdir: staging });
  const stacks = models.map((model) => new CountryDeployment(app, model.name, { model }));
  skipCrossStackPreparation(app);
  app.synth();
  return Object.fromEntries(
    stacks.map((s) => [s.node.id, s.node.findAll().filter((c) => TerraformResource.isTerraformResource(c)).length]),
  );
}
