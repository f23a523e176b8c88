// First: it defers cdktf's archive library, which must happen before cdktf loads.
import { skipCrossStackPreparation, withTunedCdktf } from './cdktf-tuning';
import { GovStackApp } from '../api/app';
import { CountryDeployment } from '../constructs/country-deployment';
import { DeploymentModel } from '../model/types';

/**
 * Build one CountryDeployment per model in a new GovStackApp and synthesise it into `staging`
 * (cdktf's outdir: `stacks/<name>/` and `manifest.json`), in this thread. Each stack is built
 * from its own model alone, so a stack's bytes do not depend on which other stacks share the app.
 */
export function stageStacks(models: readonly DeploymentModel[], staging: string): void {
  withTunedCdktf(() => {
    const app = new GovStackApp({ outdir: staging });
    for (const model of models) new CountryDeployment(app, model.name, { model });
    skipCrossStackPreparation(app);
    app.synth();
  });
}
export { cdktfTuning } from './cdktf-tuning';
