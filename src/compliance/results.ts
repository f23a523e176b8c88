/**
 * Results of a compliance run: scenario outcomes read from cucumber-js's or behave's JSON report, set
 * against the suite's known failures, and the table the CLI prints.
 */
import { ComplianceSuite, KnownFailure, MockKind } from './suites';

/** One scenario's outcome: `<feature>:<line>` and whether every step passed. */
export interface ScenarioOutcome {
  readonly scenario: string;
  readonly name: string;
  readonly passed: boolean;
  /** First failing step's message (first line), when it failed. */
  readonly error?: string;
}

export interface SuiteResult {
  readonly buildingBlock: string;
  readonly repository: string;
  readonly commit: string;
  /** What answered: `mock` (GovStack's example or the imported OpenAPI), a catalog product id, or a URL. */
  readonly product: string;
  readonly status: 'run' | 'not-run' | 'error';
  readonly scenarios: number;
  readonly passed: number;
  /** Failed and not a known failure. */
  readonly failed: readonly ScenarioOutcome[];
  /** Failed and listed as a known failure (with its reason). */
  readonly knownFailing: readonly { readonly outcome: ScenarioOutcome; readonly reason: KnownFailure }[];
  /** Known failures that passed this time (reported, never hidden). */
  readonly knownButPassed: readonly string[];
  /** Why the suite did not run, or what went wrong. */
  readonly note?: string;
}

/** What both runners' reports say of a step. */
interface ReportStep {
  readonly result?: { readonly status?: string; readonly error_message?: string | readonly string[] };
}

/**
 * One scenario's outcome: passed when it has steps and every one passed; else the error is the
 * line `pick` chooses from the first step that did not pass (its message, else its status).
 */
function outcome(
  scenario: string,
  name: string,
  steps: readonly ReportStep[],
  pick: (lines: readonly string[]) => string | undefined,
): ScenarioOutcome {
  const bad = steps.find((s) => s.result?.status !== 'passed');
  if (steps.length > 0 && bad === undefined) return { scenario, name, passed: true };
  const message = bad?.result?.error_message ?? bad?.result?.status ?? 'not run';
  const lines = (typeof message === 'string' ? message.split('\n') : message).map((l) => l.trim()).filter(Boolean);
  return { scenario, name, passed: false, error: pick(lines) ?? 'no result' };
}

/** Parses a JSON report: an array of features, else an error naming the runner. */
function features<T>(text: string, runner: string): T[] {
  const parsed = JSON.parse(text) as T[];
  if (!Array.isArray(parsed)) throw new Error(`not a ${runner} JSON report (expected an array of features)`);
  return parsed;
}

interface CucumberFeature {
  readonly uri: string;
  readonly elements?: readonly {
    readonly type?: string;
    readonly line: number;
    readonly name: string;
    readonly steps?: readonly ReportStep[];
  }[];
}

/**
 * Scenario outcomes from a cucumber-js `--format json` report (backgrounds are not scenarios),
 * keyed `<feature uri>:<line>`; the error is the first line of the failing step's message.
 */
export function parseCucumberJson(text: string): ScenarioOutcome[] {
  return features<CucumberFeature>(text, 'cucumber-js').flatMap((feature) =>
    (feature.elements ?? [])
      .filter((el) => el.type === undefined || el.type === 'scenario')
      .map((el) => outcome(`${feature.uri.replace(/\\/g, '/')}:${el.line}`, el.name, el.steps ?? [], (lines) => lines[0])),
  );
}

interface BehaveFeature {
  readonly elements?: readonly {
    readonly type?: string;
    readonly location: string;
    readonly name: string;
    readonly steps?: readonly ReportStep[];
  }[];
}

/**
 * Scenario outcomes from a behave `--format json` report: each element of type `scenario` (an
 * outline's example row is one, located at its row), keyed by its `location`
 * (`features/<file>:<line>`, relative to the folder behave ran in). The error is the last line
 * of the failing step's message: a Python traceback ends with the exception.
 */
export function parseBehaveJson(text: string): ScenarioOutcome[] {
  return features<BehaveFeature>(text, 'behave').flatMap((feature) =>
    (feature.elements ?? [])
      .filter((el) => el.type === 'scenario')
      .map((el) => outcome(el.location.replace(/\\/g, '/'), el.name, el.steps ?? [], (lines) => lines[lines.length - 1])),
  );
}

/**
 * Sets outcomes against the suite's known failures. `mock` says which `mock` answered, if one
 * did: a known failure of that mock applies only then (`KnownFailure.mockOnly`).
 */
export function summarise(
  suite: ComplianceSuite,
  product: string,
  mock: MockKind | undefined,
  outcomes: readonly ScenarioOutcome[],
): SuiteResult {
  const known = suite.knownFailures.filter((k) => k.mockOnly === undefined || k.mockOnly === mock);
  const reasonOf = (scenario: string) => known.find((k) => k.scenarios.includes(scenario));
  const failed: ScenarioOutcome[] = [];
  const knownFailing: { outcome: ScenarioOutcome; reason: KnownFailure }[] = [];
  const passedScenarios = new Set<string>();
  for (const o of outcomes) {
    if (o.passed) passedScenarios.add(o.scenario);
    else {
      const reason = reasonOf(o.scenario);
      if (reason) knownFailing.push({ outcome: o, reason });
      else failed.push(o);
    }
  }
  const failedScenarios = new Set(outcomes.filter((o) => !o.passed).map((o) => o.scenario));
  return {
    buildingBlock: suite.buildingBlock,
    repository: suite.repository,
    commit: suite.commit,
    product,
    status: 'run',
    scenarios: outcomes.length,
    passed: outcomes.filter((o) => o.passed).length,
    failed,
    knownFailing,
    knownButPassed: known.flatMap((k) => k.scenarios).filter((s) => passedScenarios.has(s) && !failedScenarios.has(s)),
    ...(outcomes.length !== suite.scenarios ? { note: `ran ${outcomes.length} scenarios; the suite has ${suite.scenarios}` } : {}),
  };
}

/**
 * A suite that did not run, listed with why: `not-run` when it was not started (e.g. the block
 * runs elsewhere), `error` when it was started and could not finish.
 */
export function notRunResult(suite: ComplianceSuite, product: string, note: string, status: 'not-run' | 'error'): SuiteResult {
  return {
    buildingBlock: suite.buildingBlock,
    repository: suite.repository,
    commit: suite.commit,
    product,
    status,
    scenarios: suite.scenarios,
    passed: 0,
    failed: [],
    knownFailing: [],
    knownButPassed: [],
    note,
  };
}

/** The table the CLI prints: one row per building block, then every failing scenario with its reason. */
export function formatTable(results: readonly SuiteResult[]): string {
  const rows = [['building block', 'suite commit', 'product', 'passed', 'failed', 'known failing', 'scenarios']];
  for (const r of results) {
    rows.push(
      r.status === 'run'
        ? [
            r.buildingBlock,
            r.commit.slice(0, 12),
            r.product,
            String(r.passed),
            String(r.failed.length),
            String(r.knownFailing.length),
            String(r.scenarios),
          ]
        : [r.buildingBlock, r.commit.slice(0, 12), r.product, '-', '-', '-', `${r.scenarios} (${r.status})`],
    );
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of results) {
    if (r.note) lines.push('', `${r.buildingBlock}: ${r.note}`);
    for (const f of r.failed) lines.push(`${r.buildingBlock}  FAILED        ${f.scenario}  ${f.name}${f.error ? `: ${f.error}` : ''}`);
    for (const k of r.knownFailing)
      lines.push(
        `${r.buildingBlock}  KNOWN (${k.reason.kind})  ${k.outcome.scenario}  ${k.reason.reason} [${k.reason.evidence.join(', ')}]`,
      );
    for (const s of r.knownButPassed) lines.push(`${r.buildingBlock}  known failure passed  ${s}`);
  }
  return lines.join('\n') + '\n';
}
