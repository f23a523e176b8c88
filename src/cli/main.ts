import type { CommandModule } from 'yargs';
import { exitCodes } from './run';
import { namedCommand } from './start';

/**
 * Each command's module, by the command's name, loaded only when needed: a command pays for
 * what it uses (catalog needs neither the blueprint loader nor ajv nor cdktf), so only the
 * command named on the line is required. Names must match each module's `command` string
 * (a unit test checks).
 */
export const commandModules: Readonly<Record<string, () => CommandModule<object, never>>> = {
  validate: () => require('./commands/validate').validateCommand,
  synth: () => require('./commands/synth').synthCommand,
  catalog: () => require('./commands/catalog').catalogCommand,
  audit: () => require('./commands/audit').auditCommand,
  diagram: () => require('./commands/diagram').diagramCommand,
  diff: () => require('./commands/diff').diffCommand,
  'mediator-config': () => require('./commands/mediator-config').mediatorConfigCommand,
  compliance: () => require('./commands/compliance').complianceCommand,
  show: () => require('./commands/show').showCommand,
  init: () => require('./commands/init').initCommand,
};

/**
 * The commands to register for an argument list: the one it names, or every command (for
 * `--help`, no command, or an unknown one, so help and "did you mean" see them all).
 */
export function commandsFor(argv: readonly string[]): string[] {
  const named = namedCommand(argv);
  return named !== undefined && Object.hasOwn(commandModules, named) ? [named] : Object.keys(commandModules);
}

/**
 * Why an argument list cannot be parsed as meant, or undefined. yargs drops a lone `-` (the usual
 * name for standard input) and files after `--` without a word, which would leave `synth` with
 * no file and make it build the default sandbox instead of what the user named.
 */
export function unsupportedArgument(argv: readonly string[]): string | undefined {
  if (argv.includes('-'))
    return 'a blueprint cannot be read from standard input ("-"): name its file, since extends and bundle paths resolve against its folder';
  if (argv.includes('--')) return '"--" is not supported: name files after the command, e.g. govstack synth ./-odd-name.yaml';
  return undefined;
}

/** The `govstack` command line. */
export async function main(argv: string[]): Promise<void> {
  const unsupported = unsupportedArgument(argv);
  if (unsupported) {
    process.stderr.write(`govstack: ${unsupported}\n`);
    process.exitCode = exitCodes.input;
    return;
  }
  const commands = commandsFor(argv);
  // Its CommonJS export is the factory itself.
  const yargs = require('yargs') as (typeof import('yargs'))['default'];
  const cli = yargs(argv)
    .scriptName('govstack')
    .usage("$0 <command> [options]\n\nDeclare a country's GovStack deployment in a blueprint; get Terraform for any Kubernetes cluster.");
  for (const name of commands) cli.command(commandModules[name]());
  await cli
    .demandCommand(1, 'Name a command; see --help.')
    .strict()
    .recommendCommands()
    .fail((message, err) => {
      if (err) throw err;
      process.stderr.write(`govstack: ${message}\nRun "govstack --help" for usage.\n`);
      process.exit(exitCodes.input);
    })
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .epilogue(
      'Exit codes: 0 success; 1 internal error; 2 bad input (one line per problem: file:line  /json/pointer  message) or an environment problem (one plain line); 3 the answer is no (diff: they differ; audit --fail-on: findings).',
    )
    .parseAsync();
}
