import { CommandModule } from 'yargs';
import { loadModels } from '../../model/load-models';
import { runCommand } from '../run';

interface Args {
  files: string[];
  quiet: boolean;
}

export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <files..>',
  describe: 'Check blueprints against the schema and the catalog (no output written)',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Blueprint files (YAML or JSON)' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print nothing on success' })
      .example('$0 validate blueprints/examples/*.yaml', 'Validate every example country') as never,
  handler: (args) =>
    runCommand(() => {
      const models = loadModels(args.files);
      if (!args.quiet) {
        for (const m of models) {
          process.stdout.write(`${m.sources[0].path}: valid (${m.name}, ${m.country} ${m.environment}, ${m.buildingBlocks.length} building blocks, ${m.flows.length} flows)\n`);
        }
      }
    }),
};
