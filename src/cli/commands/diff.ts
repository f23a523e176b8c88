import { CommandModule } from 'yargs';
import { loadModels } from '../../model/load-models';
import { diffModels, formatDiff } from '../../audit/diff';
import { runCommand } from '../run';

interface Args {
  a: string;
  b: string;
  json: boolean;
}


export const diffCommand: CommandModule<object, Args> = {
  command: 'diff <a> <b>',
  describe: 'Compare the declared architecture of two blueprints; exit 0 when equal, 1 when they differ',
  builder: (y) =>
    y
      .positional('a', { type: 'string', demandOption: true, describe: 'First blueprint' })
      .positional('b', { type: 'string', demandOption: true, describe: 'Second blueprint' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the differences as JSON' })
      .example('$0 diff blueprints/examples/kenya-aks.yaml blueprints/examples/estonia-eks.yaml', 'What two countries deploy differently') as never,
  handler: (args) =>
    runCommand(() => {
      const [a, b] = loadModels([args.a, args.b], { uniqueNames: false });
      const diff = diffModels(a, b);
      process.stdout.write(args.json ? JSON.stringify(diff, null, 2) + '\n' : formatDiff(diff));
      return diff.equal ? 0 : 1;
    }),
};
