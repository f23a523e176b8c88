import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommandModule } from 'yargs';
import { loadModels } from '../../model/load-models';
import { diagram, DiagramFormat } from '../../audit/diagram';
import { runCommand } from '../run';

interface Args {
  blueprint: string;
  format: DiagramFormat;
  out?: string;
}

export const diagramCommand: CommandModule<object, Args> = {
  command: 'diagram <blueprint>',
  describe: 'Draw the deployment: organisations, building blocks, gateways, security servers, flows, observability',
  builder: (y) =>
    y
      .positional('blueprint', { type: 'string', demandOption: true, describe: 'Blueprint file (YAML or JSON)' })
      .option('format', { alias: 'f', choices: ['svg', 'mermaid', 'dot'] as const, default: 'svg' as DiagramFormat, describe: 'svg (laid out by Graphviz in WebAssembly), mermaid or dot source' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of standard output' })
      .example('$0 diagram blueprints/sandbox.yaml --out sandbox.svg', 'The sandbox as an SVG image') as never,
  handler: (args) =>
    runCommand(async () => {
      const [model] = loadModels([args.blueprint]);
      const text = await diagram(model, args.format);
      if (!args.out) {
        process.stdout.write(text);
        return;
      }
      mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
      writeFileSync(args.out, text);
    }),
};
