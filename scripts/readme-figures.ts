import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommandModule } from 'yargs';
import { packageRoot } from '../src/paths';
import { loadModels } from '../src/model/load-models';
import { diffModels, formatDiff } from '../src/audit/diff';
import { versionFloor } from '../src/constructs/state-backend';
import { validateCommand } from '../src/cli/commands/validate';
import { synthCommand } from '../src/cli/commands/synth';
import { catalogCommand } from '../src/cli/commands/catalog';
import { auditCommand } from '../src/cli/commands/audit';
import { diagramCommand } from '../src/cli/commands/diagram';
import { diffCommand } from '../src/cli/commands/diff';
import { mediatorConfigCommand } from '../src/cli/commands/mediator-config';
import { showCommand } from '../src/cli/commands/show';
import { initCommand } from '../src/cli/commands/init';
import { complianceCommand } from '../src/cli/commands/compliance';
import { formatTable, SuiteResult } from '../src/compliance/results';

/**
 * The figures README.md shows that the code decides (the sandbox audit's summary, resource
 * count and hashes, the example diff, the command list, the OpenTofu/Terraform version floor),
 * regenerated between `<!-- figures:NAME -->` and `<!-- /figures:NAME -->` markers so they
 * cannot go stale: `npm run readme` rewrites them, test/unit/readme.test.ts checks them.
 */
export const commands: readonly CommandModule<object, never>[] = [
  validateCommand,
  synthCommand,
  showCommand,
  initCommand,
  catalogCommand,
  auditCommand,
  diagramCommand,
  diffCommand,
  mediatorConfigCommand,
  complianceCommand,
] as never;

const sandbox = 'blueprints/sandbox.yaml';
const changed = 'test/fixtures/audit/sandbox-changed.yaml';
/** Results of the in-cluster run on the real node (test/e2e/compliance.test.ts writes compliance-e2e.json; copied here). */
const complianceRun = 'docs/compliance-run.json';

/** The table of the recorded in-cluster run, or a line saying that none is recorded. */
function complianceFigure(): string {
  if (!existsSync(complianceRun))
    return `No in-cluster run is recorded yet: \`test/e2e/compliance.test.ts\` writes \`compliance-e2e.json\`; copy it to \`${complianceRun}\` and run \`npm run readme\`.`;
  const run = JSON.parse(readFileSync(complianceRun, 'utf8')) as { deployment: string; results: SuiteResult[] };
  const table = formatTable(run.results).split('\n');
  return [
    '```text',
    // The e2e's profile enables the runner and adds the stand-in as a country's own block
    // (payments-standin, under compliance.suiteOf) to the sandbox.
    `$ npx govstack compliance e2e-sandbox.yaml --kubeconfig ~/.kube/${run.deployment}`,
    ...table.slice(0, run.results.length + 2),
    "… then each suite not run and each scenario not passed, with its reason and evidence (file:line in GovStack's repositories)",
    '```',
  ].join('\n');
}

/** Every region's generated text, by name. Runs from the package root (paths as the README shows them). */
export async function figures(): Promise<Record<string, string>> {
  const cwd = process.cwd();
  process.chdir(packageRoot);
  try {
    const [model] = loadModels([sandbox]);
    const { audit } = await import('../src/audit/report');
    const { toMarkdown } = await import('../src/audit/format');
    const report = await audit(model);
    const md = toMarkdown(report).split('\n');
    const waived = md.findIndex((l) => l.startsWith('- **WAIVED** namespace gs-mediator'));
    const shorten = (line: string, width = 100) => (line.length > width ? `${line.slice(0, width - 2).trimEnd()} …` : line);
    const hashRow = (line: string) => line.replace(/`([0-9a-f]{8})[0-9a-f]{56}`/, '`$1…`');
    const auditExample = [
      '```text',
      `$ npx govstack audit ${sandbox}`,
      ...md.slice(0, 4),
      md[4],
      ...md.slice(6, 8).map(hashRow),
      '…',
      ...md.slice(waived, waived + 3).map((l) => shorten(l)),
      '```',
    ].join('\n');

    // The changed copy lives with the test fixtures and extends the sandbox from blueprints/,
    // outside its own folder tree: the command names that folder, as a user would.
    const [a, b] = loadModels([sandbox, changed], { uniqueNames: false, extendsRoots: ['blueprints'] });
    const diffExample = [
      '```text',
      `$ npx govstack diff ${sandbox} ${changed} --extends-root blueprints`,
      ...formatDiff(diffModels(a, b))
        .trimEnd()
        .split('\n')
        .map((l) => shorten(l)),
      '```',
    ].join('\n');

    const commandTable = [
      '| Command | What it does |',
      '| --- | --- |',
      ...commands.map((c) => `| \`govstack ${String(c.command)}\` | ${String(c.describe).replace(/\|/g, '\\|')} |`),
    ].join('\n');
    const complianceExample = complianceFigure();
    return {
      'compliance-example': complianceExample,
      'audit-example': auditExample,
      'check-count': String(report.summary.checks),
      'diff-example': diffExample,
      commands: commandTable,
      'version-floor': `OpenTofu or Terraform ${versionFloor.stack} or later (OpenTofu ${versionFloor.encryption} or later with \`state.encryption\`)`,
    };
  } finally {
    process.chdir(cwd);
  }
}

/** README text with every marked region replaced by its figure; unknown region names are an error. */
export function fill(readme: string, values: Record<string, string>): string {
  return readme.replace(/<!-- figures:([a-z-]+) -->([\s\S]*?)<!-- \/figures:\1 -->/g, (_all, name: string, body: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`README names an unknown figure "${name}"`);
    const block = body.startsWith('\n');
    return `<!-- figures:${name} -->${block ? `\n${value}\n` : value}<!-- /figures:${name} -->`;
  });
}

if (require.main === module) {
  const file = path.join(packageRoot, 'README.md');
  figures()
    .then((values) => {
      const before = readFileSync(file, 'utf8');
      const after = fill(before, values);
      writeFileSync(file, after);
      process.stdout.write(after === before ? 'README.md figures are current\n' : 'README.md figures regenerated\n');
    })
    .catch((err) => {
      process.stderr.write(`readme-figures: ${(err as Error).message}\n`);
      process.exit(1);
    });
}
