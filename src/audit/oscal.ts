import { createHash } from 'node:crypto';
import { stableJson } from '../stable-json';
import { requirementSource } from './registry';
import { AuditReport } from './report';
import { evidenceText } from './format';
import { CheckResult, Evidence, Finding } from './types';

/**
 * The audit as NIST OSCAL documents: a component definition (the deployment as a component
 * and the GovStack requirements it implements, with the checks that verify each) and
 * assessment results (one observation and one finding per check). UUIDs are version-5 UUIDs
 * of the content, so the same report always gives the same bytes.
 */

/** OSCAL release the documents are written for (the one compliance-trestle 5.2.0 validates). */
export const oscalVersion = '1.2.1';
/** Namespace of the project's own OSCAL properties. */
export const oscalNs = 'https://govstack.global/ns/oscal';
/** UUID namespace for version-5 UUIDs of this project's OSCAL documents. */
const uuidNamespace = 'a7c2f1e4-3b9d-5c6e-8f01-2d4b6a8c0e19';
/** `last-modified` and `collected` when the report has no timestamp (OSCAL requires one). */
export const undatedTimestamp = '1970-01-01T00:00:00Z';

/** RFC 4122 version-5 UUID (SHA-1 of namespace and name). */
export function uuidV5(name: string, namespace = uuidNamespace): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1')
    .update(Buffer.concat([ns, Buffer.from(name, 'utf8')]))
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A GovStack requirement ID as an OSCAL control id (a token: no `#`). */
export function controlId(requirement: string): string {
  return requirement.replace('#', '_');
}

const sources: { prefix: string; href: string; title: string }[] = [
  {
    prefix: 'govstack-cfr-',
    href: 'https://specs.govstack.global/architecture',
    title: 'GovStack Architecture and Cross-Functional Requirements 2.x',
  },
  {
    prefix: 'govstack-security-',
    href: 'https://github.com/GovStackWorkingGroup/specifications/tree/main/security-requirements',
    title: 'GovStack Security Requirements',
  },
  {
    prefix: 'govstack-im-',
    href: 'https://github.com/GovStackWorkingGroup/bb-information-mediator/blob/main/spec/6-functional-requirements.md',
    title: 'GovStack Information Mediator Building Block specification',
  },
];

function prop(name: string, value: string) {
  return { name, ns: oscalNs, value };
}

function metadata(report: AuditReport, title: string) {
  return {
    title,
    'last-modified': report.generatedAt ?? undatedTimestamp,
    version: `${report.tool.version}+tf.${report.inputs.terraform.sha256.slice(0, 12)}`,
    'oscal-version': oscalVersion,
    props: [prop('govstack-deployment', report.deployment.name), prop('govstack-environment', report.deployment.environment)],
    remarks: report.generatedAt
      ? `Generated ${report.generatedAt}.`
      : `No timestamp was requested; ${undatedTimestamp} stands for "undated" so the same inputs give the same bytes.`,
  };
}

/** Back-matter resources for the inputs, with their sha256, so the documents tie to a plan. */
function inputResources(report: AuditReport, key: string) {
  return [
    ...report.inputs.blueprints.map((b) => ({
      uuid: uuidV5(`${key}|blueprint|${b.path}|${b.sha256}`),
      title: `Blueprint ${b.path}`,
      props: [prop('govstack-input', 'blueprint')],
      rlinks: [{ href: encodeURI(b.path), hashes: [{ algorithm: 'SHA-256', value: b.sha256 }] }],
    })),
    {
      uuid: uuidV5(`${key}|terraform|${report.inputs.terraform.sha256}`),
      title: `Synthesised Terraform ${report.inputs.terraform.path}`,
      props: [prop('govstack-input', 'terraform')],
      rlinks: [
        { href: encodeURI(report.inputs.terraform.path), hashes: [{ algorithm: 'SHA-256', value: report.inputs.terraform.sha256 }] },
      ],
    },
  ];
}

function requirementsOf(report: AuditReport): string[] {
  return [...new Set(report.checks.flatMap((c) => c.requirements))].sort();
}

function documentKey(report: AuditReport): string {
  return `${report.deployment.name}|${report.inputs.terraform.sha256}|${report.inputs.blueprints.map((b) => b.sha256).join(',')}|${report.generatedAt ?? ''}`;
}

/** OSCAL component definition: the deployment and the GovStack requirements it implements. */
export function componentDefinition(report: AuditReport): object {
  const key = documentKey(report);
  const requirements = requirementsOf(report);
  const checksFor = (r: string) => report.checks.filter((c) => c.requirements.includes(r));
  return {
    'component-definition': {
      uuid: uuidV5(`${key}|component-definition`),
      metadata: metadata(report, `GovStack deployment ${report.deployment.name}: implemented requirements`),
      components: [
        {
          uuid: uuidV5(`${key}|component`),
          type: 'software',
          title: `GovStack deployment ${report.deployment.name} (${report.deployment.country}, ${report.deployment.environment})`,
          description: `${report.deployment.description ?? 'A GovStack deployment'}: building blocks, API gateways, information mediator and observability, deployed by the Terraform that govstack-blueprint synthesised from its blueprint.`,
          props: [prop('govstack-deployment', report.deployment.name)],
          'control-implementations': sources
            .map((source) => ({ source, reqs: requirements.filter((r) => r.startsWith(source.prefix)) }))
            .filter(({ reqs }) => reqs.length > 0)
            .map(({ source, reqs }) => ({
              uuid: uuidV5(`${key}|implementation|${source.prefix}`),
              source: source.href,
              description: `${source.title}, as the deployment implements them. Each requirement names the govstack audit checks that verify it.`,
              'implemented-requirements': reqs.map((r) => ({
                uuid: uuidV5(`${key}|requirement|${r}`),
                'control-id': controlId(r),
                description: `${r} (${requirementSource(r)}). Verified by: ${checksFor(r)
                  .map((c) => `${c.id} (${c.title})`)
                  .join('; ')}.`,
                props: [prop('govstack-requirement', r), ...checksFor(r).map((c) => prop('govstack-check', c.id))],
              })),
            })),
        },
      ],
      'back-matter': { resources: inputResources(report, key) },
    },
  };
}

function state(check: CheckResult): { state: 'satisfied' | 'not-satisfied'; reason: string } {
  switch (check.status) {
    case 'PASS':
      return { state: 'satisfied', reason: 'pass' };
    case 'FAIL':
      return { state: 'not-satisfied', reason: 'fail' };
    default:
      return { state: 'not-satisfied', reason: 'other' };
  }
}

function relevantEvidence(findings: readonly Finding[]): { href?: string; description: string }[] {
  const seen = new Set<string>();
  const out: { href?: string; description: string }[] = [];
  const add = (e: Evidence) => {
    const text = evidenceText(e);
    if (seen.has(text)) return;
    seen.add(text);
    out.push(
      e.kind === 'terraform'
        ? {
            href: `cdk.tf.json#/resource/${e.address.split('.').map(encodeURIComponent).join('/')}`,
            description: `Terraform resource ${e.address}`,
          }
        : { href: `${encodeURI(e.file)}#L${e.line}`, description: `Blueprint ${e.file} line ${e.line}, ${e.pointer || '/'}` },
    );
  };
  findings.forEach((f) => f.evidence.forEach(add));
  return out;
}

function findingText(f: Finding): string {
  return `${f.status} ${f.subject}: ${f.message}${f.justification ? ` Justification: ${f.justification}` : ''}${f.askFor?.length ? ` Ask for: ${f.askFor.join('; ')}.` : ''}`;
}

/** OSCAL assessment results: one observation and one finding per check and requirement. */
export function assessmentResults(report: AuditReport): object {
  const key = documentKey(report);
  const when = report.generatedAt ?? undatedTimestamp;
  const planUuid = uuidV5(`${key}|assessment-plan`);
  const observations = report.checks.map((c) => {
    const evidence = relevantEvidence(c.findings);
    return {
      uuid: uuidV5(`${key}|observation|${c.id}`),
      title: `${c.id}: ${c.title}`,
      description: `${c.scope}\n\n${c.findings.map(findingText).join('\n')}`,
      props: [prop('govstack-check', c.id), prop('govstack-status', c.status)],
      methods: c.status === 'MANUAL' ? ['EXAMINE', 'INTERVIEW'] : ['EXAMINE'],
      types: ['control-objective'],
      ...(evidence.length ? { 'relevant-evidence': evidence } : {}),
      collected: when,
    };
  });
  const findings = report.checks.flatMap((c) =>
    c.requirements.map((r) => ({
      uuid: uuidV5(`${key}|finding|${c.id}|${r}`),
      title: `${c.id} for ${r}`,
      description: `${c.title}: ${c.status}. ${c.findings
        .filter((f) => f.status === c.status)
        .map((f) => `${f.subject}: ${f.message}`)
        .join('; ')}`,
      props: [prop('govstack-check', c.id), prop('govstack-status', c.status), prop('govstack-requirement', r)],
      target: {
        type: 'objective-id',
        'target-id': controlId(r),
        status: state(c),
        ...(c.status === 'WAIVED'
          ? { remarks: `Waived: ${[...new Set(c.findings.filter((f) => f.justification).map((f) => f.justification))].join(' / ')}` }
          : {}),
        ...(c.status === 'MANUAL' ? { remarks: 'Verified from documents; see the observation for the evidence to ask for.' } : {}),
      },
      'related-observations': [{ 'observation-uuid': uuidV5(`${key}|observation|${c.id}`) }],
    })),
  );
  return {
    'assessment-results': {
      uuid: uuidV5(`${key}|assessment-results`),
      metadata: metadata(report, `GovStack audit of ${report.deployment.name}`),
      'import-ap': {
        href: `#${planUuid}`,
        remarks: 'The assessment plan is the govstack audit check registry of this tool version (back-matter).',
      },
      results: [
        {
          uuid: uuidV5(`${key}|result`),
          title: `govstack audit ${report.deployment.name}`,
          description: `${report.summary.checks} checks: ${report.summary.FAIL} FAIL, ${report.summary.MANUAL} MANUAL, ${report.summary.WAIVED} WAIVED, ${report.summary.PASS} PASS.`,
          start: when,
          props: [
            prop('govstack-fail', String(report.summary.FAIL)),
            prop('govstack-manual', String(report.summary.MANUAL)),
            prop('govstack-waived', String(report.summary.WAIVED)),
            prop('govstack-pass', String(report.summary.PASS)),
          ],
          'reviewed-controls': {
            'control-selections': [{ 'include-controls': requirementsOf(report).map((r) => ({ 'control-id': controlId(r) })) }],
          },
          observations,
          findings,
        },
      ],
      'back-matter': {
        resources: [
          {
            uuid: planUuid,
            title: `govstack audit checks (${report.tool.name} ${report.tool.version})`,
            description: report.checks.map((c) => `${c.id}: ${c.scope}`).join('\n'),
            props: [prop('govstack-input', 'assessment-plan')],
          },
          ...inputResources(report, key),
        ],
      },
    },
  };
}

/** Both documents, serialised with sorted keys. */
export function toOscal(report: AuditReport): { componentDefinition: string; assessmentResults: string } {
  return {
    componentDefinition: stableJson(componentDefinition(report), 2) + '\n',
    assessmentResults: stableJson(assessmentResults(report), 2) + '\n',
  };
}
