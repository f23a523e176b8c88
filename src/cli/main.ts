import yargs from 'yargs';
import { catalogCommand } from './commands/catalog';
import { synthCommand } from './commands/synth';
import { validateCommand } from './commands/validate';
import { auditCommand } from './commands/audit';
import { diagramCommand } from './commands/diagram';
import { diffCommand } from './commands/diff';
import { mediatorConfigCommand } from './commands/mediator-config';
import { showCommand } from './commands/show';
import { initCommand } from './commands/init';
import { exitCodes } from './run';

/** The `govstack` command line. */
export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('govstack')
    .usage('$0 <command> [options]\n\nDeclare a country\'s GovStack deployment in a blueprint; get Terraform for any Kubernetes cluster.')
    .command(validateCommand)
    .command(synthCommand)
    .command(catalogCommand)
    .command(auditCommand)
    .command(diagramCommand)
    .command(diffCommand)
    .command(mediatorConfigCommand)
    .command(showCommand)
    .command(initCommand)
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
    .epilogue('Exit codes: 0 success; 1 internal error; 2 bad input (one line per problem: file:line  /json/pointer  message) or an environment problem (one plain line); 3 the answer is no (diff: they differ; audit --fail-on: findings).')
    .parseAsync();
}
