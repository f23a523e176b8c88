import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommandModule } from 'yargs';
import { stringify } from 'yaml';
import { loadModels } from '../../model/load-models';
import { xroadConfiguration } from '../../mediator/xroad-config';
import { govstackConfiguration } from '../../mediator/govstack-config';
import { stableJson } from '../../stable-json';
import { runCommand } from '../run';

type Format = 'xroad' | 'govstack';

interface Args {
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
  describe: 'Print the information mediator\'s configuration derived from a blueprint: X-Road members, subsystems, services and access rights, or GovStack\'s IMconf document',
  builder: (y) =>
    y
      .positional('blueprint', { type: 'string', demandOption: true, describe: 'Blueprint file (YAML or JSON)' })
      .option('format', { alias: 'f', choices: ['xroad', 'govstack'] as const, default: 'xroad' as Format, describe: 'xroad: what the mediator chart\'s reconcile Job applies; govstack: the IM building block\'s IMconf document' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of standard output (.yaml/.yml writes YAML)' })
      .option('yaml', { type: 'boolean', default: false, describe: 'Write YAML instead of JSON' })
      .example('$0 mediator-config blueprints/sandbox.yaml', 'The X-Road configuration of the sandbox')
      .example('$0 mediator-config blueprints/sandbox.yaml --format govstack --out im-config.yaml', 'GovStack\'s IMconf document, as YAML') as never,
  handler: (args) =>
    runCommand(() => {
      const [model] = loadModels([args.blueprint]);
      const xroad = xroadConfiguration(model);
      const document = args.format === 'govstack' ? govstackConfiguration(model, xroad) : xroad;
      const yaml = args.yaml || (args.out !== undefined && /\.ya?ml$/i.test(args.out));
      const text = render(document, yaml);
      if (!args.out) {
        process.stdout.write(text);
        return;
      }
      mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
      writeFileSync(args.out, text);
    }),
};
