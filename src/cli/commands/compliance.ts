import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommandModule } from 'yargs';
import { InputError } from '../../blueprint/problems';
import { formatTable, SuiteResult } from '../../compliance/results';
import { requireKnownBlocks, runInCluster, runOnHost } from '../../compliance/run';
import { runCommand } from '../run';
import { LoadArgs, loadChecked, loadOptions } from './common';
import { makeFolder } from '../../make-folder';

interface Args extends LoadArgs {
  blueprint: string;
  only: string[];
  host: boolean;
  suites?: string;
  mockoon?: string;
  url: string[];
  kubectl: string;
  kubeconfig?: string;
  context?: string;
  timeout: number;
  keep: boolean;
  json?: string;
}

/** Exit code when a scenario failed that is not a known failure, or a suite could not run. */
const exitFailed = 3;

function usage(message: string): InputError {
  return new InputError([{ file: '<command line>', line: 0, pointer: '', message }]);
}

function parseUrls(values: readonly string[]): Map<string, string> {
  const urls = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || !/^https?:\/\/\S+$/.test(v.slice(eq + 1))) throw usage(`--url ${v}: expected <building-block id>=http(s)://…`);
    urls.set(v.slice(0, eq), v.slice(eq + 1).replace(/\/$/, ''));
  }
  return urls;
}

export const complianceCommand: CommandModule<object, Args> = {
  command: 'compliance <blueprint>',
  describe:
    "Run GovStack's own compliance suites (pinned commits) against an applied deployment and print passed / failed / known-failing per building block",
  builder: (y) =>
    loadOptions(y)
      .positional('blueprint', {
        type: 'string',
        demandOption: true,
        describe: 'Blueprint of the applied deployment (compliance.enabled: true for the in-cluster run)',
      })
      .option('only', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Building blocks to test (default: every one with a suite)',
      })
      .option('host', { type: 'boolean', default: false, describe: 'Development: run on this host instead of as Jobs in the cluster' })
      .option('suites', {
        type: 'string',
        describe:
          'Host mode: folder of prepared suites, <dir>/<building-block>/ (<out>/opt/govstack-compliance/suites after scripts/images/compliance-runner.sh <GovStack compliance folder> <out>)',
      })
      .option('mockoon', {
        type: 'string',
        describe: "Host mode: Mockoon CLI executable; each block's mock is started with the model's arguments",
      })
      .option('url', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Host mode: <building-block>=<base URL> to test instead of starting its mock',
      })
      .option('kubectl', { type: 'string', default: 'kubectl', describe: 'kubectl executable' })
      .option('kubeconfig', { type: 'string', describe: "kubeconfig of the cluster (default: kubectl's)" })
      .option('context', { type: 'string', describe: 'kubeconfig context' })
      .option('timeout', { type: 'number', default: 900, describe: 'Seconds each suite may run' })
      .option('keep', { type: 'boolean', default: false, describe: "Keep the Jobs (and their Pods' logs) after the run" })
      .option('json', { type: 'string', describe: 'Also write the results (evidence for the audit) to this JSON file' })
      .example(
        '$0 compliance sandbox-compliance.yaml --kubeconfig ~/.kube/sandbox',
        'Run every suite as a Job in the cluster (the applied blueprint sets compliance.enabled: true)',
      )
      .example(
        '$0 compliance blueprints/sandbox.yaml --host --suites /tmp/suites --mockoon /tmp/m/node_modules/.bin/mockoon-cli',
        'Run on this host against the mocks started locally',
      ) as never,
  handler: (args) =>
    runCommand(async () => {
      const [model] = loadChecked([args.blueprint], args, { quiet: true }).models;
      let results: SuiteResult[];
      if (args.host) {
        if (!args.suites) throw usage('--host needs --suites <folder of prepared suites>');
        const urls = parseUrls(args.url);
        requireKnownBlocks(model, '--url', urls.keys());
        results = await runOnHost(model, args.only, {
          mode: 'host',
          suitesDir: path.resolve(args.suites),
          mockoon: args.mockoon,
          urls,
        });
      } else {
        results = runInCluster(model, args.only, {
          mode: 'cluster',
          kubectl: args.kubectl,
          kubeconfig: args.kubeconfig,
          context: args.context,
          timeoutSeconds: args.timeout,
          keep: args.keep,
        });
      }
      process.stdout.write(formatTable(results));
      if (args.json) {
        makeFolder(path.dirname(path.resolve(args.json)));
        writeFileSync(args.json, JSON.stringify({ deployment: model.name, results }, null, 2) + '\n');
      }
      return results.some((r) => r.status === 'error' || r.failed.length > 0) ? exitFailed : 0;
    }),
};
