/**
 * Runs one GovStack compliance suite, unchanged, against a deployment and prints its scenario
 * outcomes as one line `GOVSTACK-COMPLIANCE-OUTCOMES <json>` (what `govstack compliance` reads
 * from the Job's log, or from this process in host mode).
 *
 *   node entry.js <runner> <repository folder> <suite folder in it> <host:port the suite calls> <base URL of the building block>
 *
 * The repository folder holds the suite at its place in GovStack's repository (e.g.
 * `test/api-suite`) and any other file of the repository the suite reads (workflow's steps read
 * `../../api/swagger.yaml`). `<runner>` is `cucumber-js` (a Node.js suite, its dependencies in
 * `<suite>/node_modules`) or `behave` (a Python suite, its dependencies in `<suite>/python`),
 * installed from the suite's own package.json or requirements.txt by
 * scripts/images/compliance-runner.sh. Each runner's
 * preload sends what the suite addresses to `<host:port>` to the building block instead:
 * `redirect.js` (Node.js) and `python/sitecustomize.py` (Python), both reading
 * GOVSTACK_COMPLIANCE_REDIRECT. Settings the suite reads from its environment (e.g. consent's
 * CONSENTBB_API_HOST) are passed through from this process's environment. Only Node's built-in
 * modules and `results.js` are used: this file ships in the runner image.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBehaveJson, parseCucumberJson, ScenarioOutcome } from './results';

/** Marker of the line carrying the outcomes. */
export const outcomesMarker = 'GOVSTACK-COMPLIANCE-OUTCOMES ';

/** Exit code when the suite could not run at all (bad arguments, no runner, no report). */
const cannotRun = 3;

/**
 * Where the Python preload is: beside this file in the runner image (`python/`), else in the
 * project's sources (host mode runs this file from dist/, which tsc fills with JavaScript only).
 */
function pythonPreloadDir(): string {
  const candidates = [join(__dirname, 'python'), join(__dirname, '..', '..', '..', 'src', 'compliance', 'python')];
  return candidates.find((d) => existsSync(join(d, 'sitecustomize.py'))) ?? candidates[0];
}

interface Runner {
  /** The suite's installed dependencies, linked (not copied) into the writable copy. */
  readonly dependencies: string;
  /** A file that exists once the dependencies are installed. */
  readonly installed: string;
  readonly command: (report: string) => { file: string; args: string[] };
  readonly env: (suite: string) => NodeJS.ProcessEnv;
  readonly parse: (report: string) => ScenarioOutcome[];
}

/** cucumber-js's executable in a suite's folder. */
const cucumberBin = join('node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');

const runners: Record<string, Runner> = {
  'cucumber-js': {
    dependencies: 'node_modules',
    installed: cucumberBin,
    command: (report) => ({
      file: process.execPath,
      args: [cucumberBin, '--publish-quiet', '--format', `json:${report}`, '--format', 'summary'],
    }),
    env: () => ({
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'redirect.js')}`.trim(),
      CUCUMBER_PUBLISH_QUIET: 'true',
    }),
    parse: parseCucumberJson,
  },
  behave: {
    dependencies: 'python',
    installed: join('python', 'behave', '__main__.py'),
    // As the suites' own Dockerfiles run it (`behave --format json --outfile …`), on the features folder.
    command: (report) => ({
      file: 'python3',
      args: ['-m', 'behave', '--format', 'json', '--outfile', report, '--format', 'progress', '--no-color', 'features'],
    }),
    env: (suite) => ({
      PYTHONPATH: [join(suite, 'python'), pythonPreloadDir()].join(':'),
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONNOUSERSITE: '1',
    }),
    parse: parseBehaveJson,
  },
};

function main(argv: readonly string[]): number {
  const [runnerName, repository, dir, calls, target] = argv;
  const runner = runners[runnerName ?? ''];
  if (!runner || !repository || !dir || !calls || !target) {
    process.stderr.write(
      `usage: entry.js <${Object.keys(runners).join('|')}> <repository folder> <suite folder in it> <host:port the suite calls> <base URL>\n`,
    );
    return cannotRun;
  }
  const suiteDir = join(repository, dir);
  if (!existsSync(join(suiteDir, runner.installed))) {
    process.stderr.write(`entry.js: ${join(suiteDir, runner.installed)} is missing; install the suite's dependencies first\n`);
    return cannotRun;
  }
  const work = mkdtempSync(join(tmpdir(), 'govstack-compliance-'));
  const report = join(work, 'report.json');
  try {
    // Suites write reports into their own folder (e.g. cucumber.js's html format): run a
    // writable copy of the repository whose dependencies link back to the read-only installed ones.
    const dependencies = join(suiteDir, runner.dependencies);
    cpSync(repository, join(work, 'repository'), { recursive: true, filter: (from) => from !== dependencies });
    const copy = join(work, 'repository', dir);
    symlinkSync(dependencies, join(copy, runner.dependencies));
    const { file, args } = runner.command(report);
    const run = spawnSync(file, args, {
      cwd: copy,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...runner.env(copy), GOVSTACK_COMPLIANCE_REDIRECT: `${calls}=${target}` },
    });
    if (!existsSync(report)) {
      const why = run.error ? run.error.message : `exit ${run.status ?? run.signal}`;
      process.stderr.write(`entry.js: ${runnerName} wrote no report (${why})\n`);
      return cannotRun;
    }
    let outcomes: ScenarioOutcome[];
    try {
      outcomes = runner.parse(readFileSync(report, 'utf8'));
    } catch (e) {
      process.stderr.write(`entry.js: ${runnerName}'s report is unreadable (${(e as Error).message}; exit ${run.status ?? run.signal})\n`);
      return cannotRun;
    }
    process.stdout.write(`\n${outcomesMarker}${JSON.stringify(outcomes)}\n`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
