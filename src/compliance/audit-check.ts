/**
 * The audit's view of a compliance run: GovStack's API compliance suites (the harness GovStack
 * runs for every building block, govstack.md §4) against what this deployment runs. Without a
 * report the check is MANUAL and names the command that produces one; with one (`govstack audit
 * --compliance <file>`, written by `govstack compliance --json <file>`) each building block is
 * PASS when no scenario failed beyond the listed known failures, else FAIL, with the report
 * (file and JSON pointer) as evidence.
 */
import { Check, Finding } from '../audit/types';
import { SuiteResult } from './results';
import { complianceSuites } from './suites';

/** A `govstack compliance --json` report as the audit reads it. */
export interface ComplianceEvidence {
  /** The report file, as named on the command line. */
  readonly file: string;
  readonly deployment: string;
  readonly results: readonly SuiteResult[];
}

export const apiCompliance: Check = {
  id: 'api-compliance',
  title: "Building blocks pass GovStack's API compliance suites",
  requirements: ['govstack-cfr-quality#req-4', 'govstack-cfr-quality#req-6'],
  scope:
    "For every enabled building block with a published suite (pinned commit), the outcome of `govstack compliance`: scenarios passed, failed, and failing for a listed reason (file and line in GovStack's repositories). Suites the project cannot run are MANUAL with their reason.",
  run({ model, compliance }) {
    const findings: Finding[] = [];
    const enabled = new Set(model.buildingBlocks.filter((b) => b.product.kind !== 'external').map((b) => b.id));
    for (const suite of complianceSuites.filter((s) => enabled.has(s.buildingBlock))) {
      const subject = `building block ${suite.buildingBlock}`;
      if (!compliance || compliance.deployment !== model.name) {
        findings.push({
          status: 'MANUAL',
          subject,
          message: `no compliance report for this deployment; suite ${suite.repository}@${suite.commit.slice(0, 12)}:${suite.dir}`,
          askFor: [`govstack compliance <blueprint> --json <file> against the applied deployment, then govstack audit --compliance <file>`],
          evidence: [],
        });
        continue;
      }
      const i = compliance.results.findIndex((r) => r.buildingBlock === suite.buildingBlock);
      const r = compliance.results[i];
      const evidence = i >= 0 ? [{ kind: 'blueprint' as const, file: compliance.file, line: 0, pointer: `/results/${i}` }] : [];
      if (!r || r.status !== 'run') {
        findings.push({
          status: 'MANUAL',
          subject,
          message: r?.note ?? 'not in the report',
          askFor: ['a run of the suite by other means'],
          evidence,
        });
      } else {
        const known = r.knownFailing.length
          ? `; ${r.knownFailing.length} known failing (${[...new Set(r.knownFailing.map((k) => k.reason.kind))].join(', ')})`
          : '';
        findings.push({
          status: r.failed.length === 0 ? 'PASS' : 'FAIL',
          subject,
          message: `${r.passed}/${r.scenarios} passed against ${r.product}${known}${r.failed.length ? `; failed: ${r.failed.map((f) => f.scenario).join(', ')}` : ''}`,
          evidence,
        });
      }
    }
    if (findings.length === 0)
      findings.push({
        status: 'PASS',
        subject: 'deployment',
        message: 'no enabled building block has a published compliance suite',
        evidence: [],
      });
    return findings;
  },
};
