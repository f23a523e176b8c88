import { CommandModule } from 'yargs';
import { stringify } from 'yaml';
import { displayPath, loadBlueprint } from '../../blueprint/load';
import { formatProblem, joinPointer, SourceLocation } from '../../blueprint/problems';
import { runCommand } from '../run';

interface Args {
  blueprint: string;
  'extends-root'?: string[];
}

export const showCommand: CommandModule<object, Args> = {
  command: 'show <blueprint>',
  describe: 'Print the blueprint as merged from its extends: bases, each value with the file:line it came from',
  builder: (y) =>
    y
      .positional('blueprint', { type: 'string', demandOption: true, describe: 'Blueprint file (YAML or JSON)' })
      .option('extends-root', {
        type: 'string',
        array: true,
        describe:
          "Also allow extends: to read bases under this folder (default: only the blueprint's own folder tree, after following symlinks)",
      })
      .example('$0 show blueprints/examples/kenya-aks.yaml', 'What the Kenya overlay and its donor base make together') as never,
  handler: (args) =>
    runCommand(() => {
      const loaded = loadBlueprint(args.blueprint, { extendsRoots: args['extends-root'] });
      for (const w of loaded.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
      process.stdout.write(
        `# ${displayPath(args.blueprint)} merged with ${loaded.sources.length - 1} base${loaded.sources.length === 2 ? '' : 's'}; after each value, the file:line that declared it\n`,
      );
      process.stdout.write(renderWithSources(loaded.blueprint, loaded.locate));
    }),
};

/** YAML of a plain value, each line followed by `# file:line` of the value it shows (aligned). */
export function renderWithSources(value: unknown, locate: (pointer: string) => SourceLocation): string {
  const lines: [string, string][] = [];
  const where = (pointer: string) => {
    const at = locate(pointer);
    return at.line > 0 ? `${at.file}:${at.line}` : at.file;
  };
  const walk = (node: unknown, pointer: string, indent: string, lead: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) return void lines.push([`${lead}[]`, where(pointer)]);
      node.forEach((item, i) => walkItem(item, joinPointer(pointer, i), indent));
      return;
    }
    const entries = Object.entries(node as Record<string, unknown>);
    entries.forEach(([key, child], i) => {
      const p = joinPointer(pointer, key);
      const prefix = i === 0 ? lead : indent;
      const k = scalar(key);
      if (isLeaf(child)) lines.push([`${prefix}${k}: ${leaf(child)}`, where(p)]);
      else {
        lines.push([`${prefix}${k}:`, where(p)]);
        walk(child, p, `${indent}  `, `${indent}  `);
      }
    });
  };
  const walkItem = (item: unknown, pointer: string, indent: string) => {
    if (isLeaf(item)) lines.push([`${indent}- ${leaf(item)}`, where(pointer)]);
    else walk(item, pointer, `${indent}  `, `${indent}- `);
  };
  walk(value, '', '', '');
  const width = Math.min(72, Math.max(...lines.map(([text]) => text.length)) + 2);
  return lines.map(([text, source]) => `${text.padEnd(width)}# ${source}`).join('\n') + '\n';
}

function isLeaf(v: unknown): boolean {
  return v === null || typeof v !== 'object' || (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);
}

function leaf(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  return scalar(v);
}

function scalar(v: unknown): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}
