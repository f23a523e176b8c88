import * as path from 'node:path';
import { CommandModule } from 'yargs';
import { blueprintsDir } from '../../paths';
import { displayPath } from '../../blueprint/load';
import { runCommand } from '../run';
import { StagingWorkers } from '../../synth/parallel-stage';
import { LoadArgs, loadChecked, loadOptions } from './common';

interface Args extends LoadArgs {
  files: string[];
  out: string;
  quiet: boolean;
  json: boolean;
}

export const defaultBlueprint = path.join(blueprintsDir, 'sandbox.yaml');

export const synthCommand: CommandModule<object, Args> = {
  command: 'synth [files..]',
  describe: 'Synthesise Terraform JSON, one stack per blueprint (default: the GovStack sandbox)',
  builder: (y) =>
    loadOptions(
      y
        .positional('files', {
          type: 'string',
          array: true,
          default: [],
          describe: 'Blueprint files; none means the built-in sandbox blueprint',
        })
        .option('out', {
          alias: 'o',
          type: 'string',
          default: 'cdktf.out',
          describe: 'Output folder of its own; stacks go to <out>/stacks/<name>/cdk.tf.json',
        })
        .option('quiet', {
          alias: 'q',
          type: 'boolean',
          default: false,
          describe: 'Print nothing on success (warnings still go to standard error)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print what was written as JSON' }),
    )
      .example('$0 synth', 'Synthesise the GovStack sandbox into cdktf.out/stacks/sandbox')
      .example('$0 synth blueprints/examples/*.yaml --out build', 'Synthesise every example country') as never,
  handler: (args) =>
    runCommand(async () => {
      const files = args.files.length > 0 ? args.files : [defaultBlueprint];
      const { models } = loadChecked(files, args);
      // Required, not imported: nothing may yield before the worker has its task, because yargs
      // renders the whole help text (to cache it) as soon as a command's handler yields, and
      // that took 15-25 ms before the worker, waiting, was sent the models.
      const { synthesizeInParallel } = require('../../synth/synthesize') as typeof import('../../synth/synthesize');
      // The first worker was started with the command line (main.ts), and has loaded cdktf meanwhile.
      const stacks = await synthesizeInParallel(models, args.out, { workers: StagingWorkers.start(models.length) });
      if (args.json) {
        process.stdout.write(
          JSON.stringify(
            stacks.map((s) => ({ ...s, file: displayPath(s.file) })),
            null,
            2,
          ) + '\n',
        );
      } else if (!args.quiet) {
        for (const s of stacks) process.stdout.write(`${s.name}: wrote ${displayPath(s.file)} (${s.resources} resources)\n`);
      }
    }),
};
