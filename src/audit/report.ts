import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeploymentModel } from '../model/types';
import { packageRoot } from '../paths';
import { checks as registry } from './registry';
import { TerraformJson, TerraformView } from './terraform';
import { ComplianceEvidence } from '../compliance/audit-check';
import { AuditContext, Check, CheckResult, Evidence, Status, worst } from './types';

/** Identifies the report format; the JSON Schema at src/audit/report.schema.json has this $id. */
export const reportSchemaId = 'https://govstack.global/schemas/govstack-blueprint/audit-report-1.json';

export interface AuditReport {
  readonly $schema: string;
  readonly tool: { readonly name: string; readonly version: string };
  /** Only with --timestamp: the report is otherwise a pure function of its inputs. */
  readonly generatedAt?: string;
  readonly deployment: { readonly name: string; readonly country: string; readonly environment: string; readonly description?: string };
  readonly inputs: {
    /** Every blueprint file read, entry first, with the sha256 of its bytes. */
    readonly blueprints: readonly { readonly path: string; readonly sha256: string }[];
    /** The synthesised Terraform the checks read. */
    readonly terraform: { readonly path: string; readonly sha256: string; readonly resources: number };
  };
  readonly summary: Record<Status, number> & { readonly checks: number };
  readonly checks: readonly CheckResult[];
}

/** Run checks on a model and its synthesised Terraform: no synthesis, no files written. */
export function runChecks(
  model: DeploymentModel,
  json: TerraformJson,
  options: { stackDir?: string; checks?: readonly Check[]; compliance?: ComplianceEvidence } = {},
): CheckResult[] {
  const ctx: AuditContext = {
    model,
    ...(options.compliance ? { compliance: options.compliance } : {}),
    tf: new TerraformView(json, options.stackDir),
    blueprint(pointer: string): Evidence {
      const where = model.locate(pointer);
      return { kind: 'blueprint', file: where.file, line: where.line, pointer };
    },
  };
  return (options.checks ?? registry).map((check) => {
    const findings = check.run(ctx);
    if (findings.length === 0) throw new Error(`audit check ${check.id} returned no finding`);
    return { id: check.id, title: check.title, requirements: check.requirements, scope: check.scope, status: worst(findings), findings };
  });
}

/** Build the report from results and the exact bytes the checks read. */
export function buildReport(
  model: DeploymentModel,
  terraformText: string,
  results: readonly CheckResult[],
  options: { timestamp?: Date } = {},
): AuditReport {
  const json = JSON.parse(terraformText) as TerraformJson;
  const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  return {
    $schema: reportSchemaId,
    tool: { name: 'govstack-blueprint', version: packageVersion() },
    ...(options.timestamp ? { generatedAt: options.timestamp.toISOString() } : {}),
    deployment: {
      name: model.name,
      country: model.country,
      environment: model.environment,
      ...(model.description ? { description: model.description } : {}),
    },
    inputs: {
      blueprints: model.sources.map((s) => ({ path: s.path, sha256: s.sha256 })),
      terraform: { path: `stacks/${model.name}/cdk.tf.json`, sha256: sha256(terraformText), resources },
    },
    summary: { checks: results.length, PASS: count('PASS'), FAIL: count('FAIL'), WAIVED: count('WAIVED'), MANUAL: count('MANUAL') },
    checks: results,
  };
}

/**
 * Synthesise the model into a temporary folder (the same `synthesize` as `govstack synth`),
 * run every check on the model and the written cdk.tf.json, and remove the folder.
 */
export async function audit(
  model: DeploymentModel,
  options: { timestamp?: Date; compliance?: ComplianceEvidence } = {},
): Promise<AuditReport> {
  // Loaded only here: cdktf and the provider bindings are most of the start-up time.
  const { synthesize } = await import('../synth/synthesize');
  const out = mkdtempSync(path.join(tmpdir(), 'govstack-audit-'));
  try {
    const [stack] = synthesize([model], out);
    const text = readFileSync(stack.file, 'utf8');
    const results = runChecks(model, JSON.parse(text) as TerraformJson, {
      stackDir: path.dirname(stack.file),
      compliance: options.compliance,
    });
    return buildReport(model, text, results, options);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function packageVersion(): string {
  return String((JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0');
}

/** Findings of every check, flattened, for summaries. */
export function allFindings(report: AuditReport) {
  return report.checks.flatMap((c) => c.findings.map((f) => ({ check: c, finding: f })));
}
