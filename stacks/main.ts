/**
 * The cdktf app, for `cdktf synth` and `cdktf deploy`: one CountryDeployment stack per
 * blueprint named in GOVSTACK_BLUEPRINTS (comma-separated paths), by default the sandbox.
 * `govstack synth` builds the same stacks with atomic output and line-numbered errors.
 */
import * as path from 'node:path';
import { App } from 'cdktf';
import { CountryDeployment } from '../src/constructs/country-deployment';
import { formatProblem, InputError } from '../src/blueprint/problems';
import { loadModels } from '../src/model/load-models';
import { blueprintsDir } from '../src/paths';

const files = (process.env.GOVSTACK_BLUEPRINTS ?? path.join(blueprintsDir, 'sandbox.yaml')).split(',').filter(Boolean);
try {
  const app = new App({ stackTraces: false });
  for (const model of loadModels(files)) new CountryDeployment(app, model.name, { model });
  app.synth();
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  for (const problem of err.problems) process.stderr.write(formatProblem(problem) + '\n');
  process.exitCode = 2;
}
