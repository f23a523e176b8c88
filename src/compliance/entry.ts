/**
 * Runs one GovStack cucumber-js suite, unchanged, against a deployment and prints its scenario
 * outcomes as one line `GOVSTACK-COMPLIANCE-OUTCOMES <json>` (what `govstack compliance` reads
 * from the Job's log, or from this process in host mode).
 *
 *   node entry.js <suite folder> <host:port the suite calls> <base URL of the building block>
 *
 * The suite folder holds the suite's files and its `node_modules` (installed from its own
 * package.json by scripts/images/compliance-runner.sh). `redirect.js` beside this file is
 * preloaded so the suite's hard-coded base URL reaches the building block. Only Node's
 * built-in modules and `results.js` are used: this file ships in the runner image.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseCucumberJson } from './results';

/** Marker of the line carrying the outcomes. */
export const outcomesMarker = 'GOVSTACK-COMPLIANCE-OUTCOMES ';

/** Exit code when the suite could not run at all (bad arguments, no cucumber-js, no report). */
const cannotRun = 3;

function main(argv: readonly string[]): number {
  const [suiteDir, calls, target] = argv;
  if (!suiteDir || !calls || !target) {
    process.stderr.write('usage: entry.js <suite folder> <host:port the suite calls> <base URL>\n');
    return cannotRun;
  }
  const cucumber = join(suiteDir, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
  if (!existsSync(cucumber)) {
    process.stderr.write(`entry.js: ${cucumber} is missing; install the suite's dependencies first\n`);
    return cannotRun;
  }
  const work = mkdtempSync(join(tmpdir(), 'govstack-compliance-'));
  const report = join(work, 'report.json');
  try {
    // Suites write reports into their own folder (e.g. cucumber.js's html format): run a
    // writable copy whose node_modules links back to the read-only installed one.
    const copy = join(work, 'suite');
    mkdirSync(copy);
    for (const name of readdirSync(suiteDir)) {
      if (name === 'node_modules') symlinkSync(join(suiteDir, name), join(copy, name));
      else cpSync(join(suiteDir, name), join(copy, name), { recursive: true });
    }
    const run = spawnSync(
      process.execPath,
      [
        join(copy, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'),
        '--publish-quiet',
        '--format',
        `json:${report}`,
        '--format',
        'summary',
      ],
      {
        cwd: copy,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'redirect.js')}`.trim(),
          GOVSTACK_COMPLIANCE_REDIRECT: `${calls}=${target}`,
          CUCUMBER_PUBLISH_QUIET: 'true',
        },
      },
    );
    if (!existsSync(report)) {
      process.stderr.write(`entry.js: cucumber-js wrote no report (exit ${run.status ?? run.signal})\n`);
      return cannotRun;
    }
    const outcomes = parseCucumberJson(readFileSync(report, 'utf8'));
    process.stdout.write(`\n${outcomesMarker}${JSON.stringify(outcomes)}\n`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
