import * as path from 'node:path';
import { CommandModule } from 'yargs';
import { InputError } from '../../blueprint/problems';
import { exitCodes, runCommand } from '../run';
import { formatForOut, LoadArgs, loadChecked, loadOptions, writeOutput } from './common';

type Format = 'html' | 'md' | 'json' | 'oscal';

interface Args extends LoadArgs {
  blueprint: string;
  format?: Format;
  out?: string;
  timestamp: boolean;
  compliance?: string;
  'fail-on'?: 'FAIL' | 'MANUAL';
}

/** What an --out file's extension says about the format. */
const extensions: Record<string, Format> = { html: 'html', htm: 'html', md: 'md', markdown: 'md', json: 'json' };

export const auditCommand: CommandModule<object, Args> = {
  command: 'audit <blueprint>',
  describe: 'Check a blueprint and the Terraform it synthesises against GovStack requirements (PASS, FAIL, WAIVED, MANUAL)',
  builder: (y) =>
    loadOptions(y)
      .positional('blueprint', { type: 'string', demandOption: true, describe: 'Blueprint file (YAML or JSON)' })
      .option('format', {
        alias: 'f',
        choices: ['html', 'md', 'json', 'oscal'] as const,
        describe:
          "html: one self-contained page with the diagram; md (the default): for review threads; json: see src/audit/report.schema.json; oscal: NIST OSCAL component definition and assessment results (needs --out DIR). Without it, --out's extension (.html, .md, .json) chooses",
      })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file (for oscal: this folder) instead of standard output' })
      .option('timestamp', {
        type: 'boolean',
        default: false,
        describe: 'Record the time of the audit; without it the same input gives the same bytes',
      })
      .option('compliance', {
        type: 'string',
        describe: 'A `govstack compliance --json` report of this deployment: the api-compliance check shows its results as evidence',
      })
      .option('fail-on', {
        choices: ['FAIL', 'MANUAL'] as const,
        describe: 'Exit 3 when a check ends FAIL (or, with MANUAL, FAIL or MANUAL): a gate for CI',
      })
      .example(
        '$0 audit ke-prod.yaml --format json --out audit.json --fail-on FAIL',
        'In CI: the report as evidence, and a red build on any FAIL',
      )
      .example('$0 audit blueprints/sandbox.yaml --format html --out sandbox-audit.html', 'A report to open in any browser, offline')
      .example('$0 audit blueprints/sandbox.yaml --format oscal --out oscal/', 'OSCAL documents for GRC tools') as never,
  handler: (args) =>
    runCommand(async () => {
      const format =
        args.format === 'oscal'
          ? 'oscal'
          : formatForOut(args.out, args.format, 'md', extensions, ['png', 'svg', 'pdf', 'xml', 'yaml', 'yml']);
      if (format === 'oscal' && !args.out) {
        throw new InputError([
          {
            file: args.blueprint,
            line: 0,
            pointer: '',
            message: '--format oscal writes two documents (component-definition.json, assessment-results.json): name a folder with --out',
          },
        ]);
      }
      const {
        models: [model],
      } = loadChecked([args.blueprint], args, { quiet: true });
      const { audit } = await import('../../audit/report');
      const compliance = args.compliance
        ? (await import('../../compliance/evidence')).readComplianceEvidence(args.compliance, model.name)
        : undefined;
      const report = await audit(model, { timestamp: args.timestamp ? new Date() : undefined, compliance });
      const written: string[] = [];
      const write = (file: string, text: string) => {
        writeOutput(file, text);
        written.push(file);
      };
      let text: string;
      switch (format) {
        case 'oscal': {
          const { toOscal } = await import('../../audit/oscal');
          const docs = toOscal(report);
          write(path.join(args.out!, 'component-definition.json'), docs.componentDefinition);
          write(path.join(args.out!, 'assessment-results.json'), docs.assessmentResults);
          text = '';
          break;
        }
        case 'html': {
          const { diagramDot, renderSvg, inlineSvg } = await import('../../audit/diagram');
          const { toHtml } = await import('../../audit/format');
          text = toHtml(report, inlineSvg(await renderSvg(diagramDot(model))));
          break;
        }
        case 'json':
          text = (await import('../../audit/format')).toJson(report);
          break;
        default:
          text = (await import('../../audit/format')).toMarkdown(report);
      }
      if (format !== 'oscal') {
        if (args.out) write(args.out, text);
        else process.stdout.write(text);
      }
      if (written.length > 0) {
        const s = report.summary;
        process.stdout.write(
          `${model.name}: ${s.FAIL} FAIL, ${s.MANUAL} MANUAL, ${s.WAIVED} WAIVED, ${s.PASS} PASS; wrote ${written.join(', ')}\n`,
        );
      }
      const failing = report.summary.FAIL + (args['fail-on'] === 'MANUAL' ? report.summary.MANUAL : 0);
      if (args['fail-on'] && failing > 0) {
        process.stderr.write(
          `govstack: ${failing} check${failing === 1 ? '' : 's'} ended ${args['fail-on'] === 'MANUAL' ? 'FAIL or MANUAL' : 'FAIL'} (--fail-on ${args['fail-on']})\n`,
        );
        return exitCodes.no;
      }
      return exitCodes.ok;
    }),
};
