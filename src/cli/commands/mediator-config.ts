import { CommandModule } from 'yargs';
import { stringify } from 'yaml';
import { xroadConfiguration } from '../../mediator/xroad-config';
import { govstackConfiguration } from '../../mediator/govstack-config';
import { stableJson } from '../../stable-json';
import { runCommand } from '../run';
import { formatForOut, LoadArgs, loadChecked, loadOptions, writeOutput } from './common';

type Format = 'xroad' | 'govstack';

interface Args extends LoadArgs {
  blueprint: string;
  format: Format;
  out?: string;
  yaml: boolean;
}

/** Keys sorted at every level (stableJson), so equal configurations give equal bytes in either syntax. */
function render(value: unknown, yaml: boolean): string {
  const sorted = JSON.parse(stableJson(value));
  return yaml ? stringify(sorted, { lineWidth: 0 }) : JSON.stringify(sorted, null, 2) + '\n';
}

export const mediatorConfigCommand: CommandModule<object, Args> = {
  command: 'mediator-config <blueprint>',
  describe:
    "Print the information mediator's configuration derived from a blueprint: X-Road members, subsystems, services and access rights, or GovStack's IMconf document",
  builder: (y) =>
    loadOptions(y)
      .positional('blueprint', { type: 'string', demandOption: true, describe: 'Blueprint file (YAML or JSON)' })
      .option('format', {
        alias: 'f',
        choices: ['xroad', 'govstack'] as const,
        default: 'xroad' as Format,
        describe: "xroad: what the mediator chart's reconcile Job applies; govstack: the IM building block's IMconf document",
      })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of standard output (.yaml/.yml writes YAML)' })
      .option('yaml', { type: 'boolean', default: false, describe: 'Write YAML instead of JSON' })
      .example('$0 mediator-config blueprints/sandbox.yaml', 'The X-Road configuration of the sandbox')
      .example(
        '$0 mediator-config blueprints/sandbox.yaml --format govstack --out im-config.yaml',
        "GovStack's IMconf document, as YAML",
      ) as never,
  handler: (args) =>
    runCommand(() => {
      const syntax = formatForOut(args.out, args.yaml ? 'yaml' : undefined, 'json', { json: 'json', yaml: 'yaml', yml: 'yaml' });
      const {
        models: [model],
      } = loadChecked([args.blueprint], args, { quiet: true });
      const xroad = xroadConfiguration(model);
      const document = args.format === 'govstack' ? govstackConfiguration(model, xroad) : xroad;
      const text = render(document, syntax === 'yaml');
      if (!args.out) {
        process.stdout.write(text);
        return;
      }
      writeOutput(args.out, text);
    }),
};
