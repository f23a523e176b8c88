// First: it defers cdktf's archive library, which must happen before cdktf loads.
import { skipCrossStackPreparation, withTunedCdktf, withTunedCdktfCopyingElsewhere } from './cdktf-tuning';
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
 * {@link stageStacks}, with each chart folder's copy into a stack handed to `copier` (source
 * folder and target, absolute paths) instead of made: a staging worker hands them to the thread
 * waiting for it (stage-worker.ts), which copies them meanwhile (src/synth/folder-copy.ts).
 */
export function stageStacksCopyingElsewhere(
  models: readonly DeploymentModel[],
  staging: string,
  copier: (source: string, target: string) => void,
): ResourceCounts {
  return withTunedCdktfCopyingElsewhere(copier, () => buildAndSynthesize(models, staging));
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
