import { CommandModule } from 'yargs';
import { buildingBlocks } from '../../catalog';
import { ProductOption } from '../../catalog/types';
import { runCommand } from '../run';

interface Args {
  json: boolean;
}

export const catalogCommand: CommandModule<object, Args> = {
  command: 'catalog',
  describe: 'List building blocks, their spec versions and product options',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'Print the full catalog as JSON' }) as never,
  handler: (args) =>
    runCommand(() => {
      if (args.json) {
        process.stdout.write(JSON.stringify(buildingBlocks, null, 2) + '\n');
        return;
      }
      for (const bb of buildingBlocks) {
        process.stdout.write(`${bb.id.padEnd(22)} spec ${bb.spec.version.padEnd(10)} ${bb.products.map(describe).join(', ')}\n`);
      }
    }),
};

function describe(p: ProductOption): string {
  switch (p.kind) {
    case 'image':
      return `${p.id} (image ${p.image.repository}:${p.image.tag})`;
    case 'chart':
      return `${p.id} (chart ${p.chart.name} ${p.chart.version})`;
    case 'external':
      return 'external';
  }
}
