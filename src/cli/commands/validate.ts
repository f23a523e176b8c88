import { CommandModule } from 'yargs';
import { InputError, Problem, sortProblems } from '../../blueprint/problems';
import { exitCodes, runCommand } from '../run';
import { LoadArgs, loadChecked, loadOptions } from './common';

interface Args extends LoadArgs {
  files: string[];
  quiet: boolean;
  json: boolean;
}

export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <files..>',
  describe: 'Check blueprints against the schema, the catalog and the cross-field rules; print warnings (no output written)',
  builder: (y) =>
    loadOptions(
      y
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Blueprint files (YAML or JSON)' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print nothing on success' })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'Print {valid, blueprints, problems, warnings} as JSON on standard output (for CI); exit codes as usual',
        }),
    )
      .example('$0 validate blueprints/examples/*.yaml', 'Validate every example country')
      .example('$0 validate --strict --json ke-prod.yaml', 'In CI: warnings fail too, results as JSON') as never,
  handler: (args) =>
    runCommand(() => {
      if (args.json) return validateJson(args);
      const { models } = loadChecked(args.files, args);
      if (!args.quiet) {
        for (const m of models) {
          process.stdout.write(
            `${m.sources[0].path}: valid (${m.name}, ${m.country} ${m.environment}, ${m.buildingBlocks.length} building blocks, ${m.flows.length} flows)\n`,
          );
        }
      }
      return exitCodes.ok;
    }),
};

/** `--json`: one document whatever the outcome; problems and warnings as {file, line, pointer, message}. */
function validateJson(args: Args): number {
  let problems: Problem[] = [];
  let warnings: Problem[] = [];
  let blueprints: { file: string; name: string; country: string; environment: string; buildingBlocks: number; flows: number }[] = [];
  try {
    const loaded = loadChecked(args.files, { ...args, strict: false }, { quiet: true });
    warnings = loaded.warnings;
    blueprints = loaded.models.map((m) => ({
      file: m.sources[0].path,
      name: m.name,
      country: m.country,
      environment: m.environment,
      buildingBlocks: m.buildingBlocks.length,
      flows: m.flows.length,
    }));
    if (args.strict) problems = warnings;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems = sortProblems(err.problems);
  }
  const valid = problems.length === 0;
  process.stdout.write(JSON.stringify({ valid, blueprints: valid ? blueprints : [], problems, warnings }, null, 2) + '\n');
  return valid ? exitCodes.ok : exitCodes.input;
}
