import { CommandModule } from 'yargs';
import { diagram, DiagramFormat } from '../../audit/diagram';
import { runCommand } from '../run';
import { formatForOut, LoadArgs, loadChecked, loadOptions, writeOutput } from './common';

interface Args extends LoadArgs {
  blueprint: string;
  format?: DiagramFormat;
  out?: string;
}

const extensions: Record<string, DiagramFormat> = { svg: 'svg', mmd: 'mermaid', mermaid: 'mermaid', dot: 'dot', gv: 'dot' };

export const diagramCommand: CommandModule<object, Args> = {
  command: 'diagram <blueprint>',
  describe: 'Draw the deployment: organisations, building blocks, gateways, security servers, flows, observability',
  builder: (y) =>
    loadOptions(y)
      .positional('blueprint', { type: 'string', demandOption: true, describe: 'Blueprint file (YAML or JSON)' })
      .option('format', {
        alias: 'f',
        choices: ['svg', 'mermaid', 'dot'] as const,
        describe:
          "svg (the default; laid out by Graphviz in WebAssembly), mermaid or dot source. Without it, --out's extension (.svg, .mmd, .dot) chooses",
      })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of standard output' })
      .example('$0 diagram blueprints/sandbox.yaml --out sandbox.svg', 'The sandbox as an SVG image') as never,
  handler: (args) =>
    runCommand(async () => {
      const format = formatForOut(args.out, args.format, 'svg', extensions, ['png', 'jpg', 'jpeg', 'gif', 'pdf', 'webp', 'html']);
      const {
        models: [model],
      } = loadChecked([args.blueprint], args, { quiet: true });
      const text = await diagram(model, format);
      if (!args.out) {
        process.stdout.write(text);
        return;
      }
      writeOutput(args.out, text);
    }),
};
