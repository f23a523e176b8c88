import { DeploymentModel } from '../model/types';
import { TerraformView } from './terraform';

/**
 * What a check concluded about one subject (a namespace, a release, a flow…):
 * - PASS: the synthesised Terraform (and the model) show the requirement is met;
 * - FAIL: they show it is not;
 * - WAIVED: a default is relaxed on purpose, with a written justification (a blueprint
 *   `security.overrides` entry, or a project decision recorded on the object itself);
 * - MANUAL: the requirement is verified from documents or the running system; the check
 *   lists the evidence an auditor must ask for.
 */
export type Status = 'PASS' | 'FAIL' | 'WAIVED' | 'MANUAL';
export const statuses: readonly Status[] = ['FAIL', 'MANUAL', 'WAIVED', 'PASS'];

/** Where a finding can be seen: a Terraform resource address, or a blueprint file and line. */
export type Evidence =
  | { readonly kind: 'terraform'; readonly address: string }
  | { readonly kind: 'blueprint'; readonly file: string; readonly line: number; readonly pointer: string };

export interface Finding {
  readonly status: Status;
  /** What the finding is about, e.g. `namespace gs-consent` or `flow registration -> identity`. */
  readonly subject: string;
  readonly message: string;
  /** For WAIVED: the written justification. */
  readonly justification?: string;
  /** For MANUAL: the documents or records an auditor must ask for. */
  readonly askFor?: readonly string[];
  readonly evidence: readonly Evidence[];
}

/** What the audit gives a check: the model, the synthesised Terraform, and chart files. */
export interface AuditContext {
  readonly model: DeploymentModel;
  readonly tf: TerraformView;
  /** Blueprint evidence for a JSON pointer (file and line where it was declared). */
  blueprint(pointer: string): Evidence;
  /** A `govstack compliance --json` report, when the audit was given one. */
  readonly compliance?: import('../compliance/audit-check').ComplianceEvidence;
}

export interface Check {
  /** Stable id, a DNS label, e.g. `gateway-tls13`. */
  readonly id: string;
  readonly title: string;
  /** GovStack requirement IDs the check verifies (govstack.md §3). */
  readonly requirements: readonly string[];
  /** What the check looks at, and what it leaves out. */
  readonly scope: string;
  run(ctx: AuditContext): Finding[];
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly requirements: readonly string[];
  readonly scope: string;
  /** The worst finding: FAIL, then MANUAL, then WAIVED, then PASS. */
  readonly status: Status;
  readonly findings: readonly Finding[];
}

/** Overall status of a set of findings: the first of FAIL, MANUAL, WAIVED present, else PASS. */
export function worst(findings: readonly { status: Status }[]): Status {
  for (const s of statuses) if (findings.some((f) => f.status === s)) return s;
  return 'PASS';
}
