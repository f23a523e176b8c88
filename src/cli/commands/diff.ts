import { CommandModule } from 'yargs';
import { loadBlueprint } from '../../blueprint/load';
import { InputError, Problem } from '../../blueprint/problems';
import { resolveModel } from '../../model/resolve';
import { DeploymentModel } from '../../model/types';
import { diffModels, formatDiff } from '../../audit/diff';
import { runCommand } from '../run';

interface Args {
  a: string;
  b: string;
  json: boolean;
}

/** Load each blueprint on its own (two versions of one deployment share a stack name), collecting every problem. */
function loadBoth(files: readonly string[]): DeploymentModel[] {
  const problems: Problem[] = [];
  const models: DeploymentModel[] = [];
  for (const file of files) {
    try {
      models.push(resolveModel(loadBlueprint(file)));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return models;
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
      const [a, b] = loadBoth([args.a, args.b]);
      const diff = diffModels(a, b);
      process.stdout.write(args.json ? JSON.stringify(diff, null, 2) + '\n' : formatDiff(diff));
      return diff.equal ? 0 : 1;
    }),
};
