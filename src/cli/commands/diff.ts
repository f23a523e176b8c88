import { CommandModule } from 'yargs';
import { diffModels, formatDiff } from '../../audit/diff';
import { exitCodes, runCommand } from '../run';
import { LoadArgs, loadChecked, loadOptions } from './common';

interface Args extends LoadArgs {
  a: string;
  b: string;
  json: boolean;
}

export const diffCommand: CommandModule<object, Args> = {
  command: 'diff <a> <b>',
  describe: 'Compare the declared architecture of two blueprints; exit 0 when equal, 3 when they differ (2 bad input, 1 internal error)',
  builder: (y) =>
    loadOptions(
      y
        .positional('a', { type: 'string', demandOption: true, describe: 'First blueprint' })
        .positional('b', { type: 'string', demandOption: true, describe: 'Second blueprint' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the differences as JSON' }),
    ).example(
      '$0 diff blueprints/examples/kenya-aks.yaml blueprints/examples/estonia-eks.yaml',
      'What two countries deploy differently',
    ) as never,
  handler: (args) =>
    runCommand(() => {
      const {
        models: [a, b],
      } = loadChecked([args.a, args.b], args, { uniqueNames: false, quiet: true });
      const diff = diffModels(a, b);
      process.stdout.write(args.json ? JSON.stringify(diff, null, 2) + '\n' : formatDiff(diff));
      return diff.equal ? exitCodes.ok : exitCodes.no;
    }),
};
