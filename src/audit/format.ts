import { stableJson } from '../stable-json';
import { requirementSource } from './registry';
import { AuditReport } from './report';
import { Evidence, Status, statuses } from './types';

/** Report colours; the HTML screenshot test looks for them. */
export const statusColours: Record<Status, string> = { PASS: '#1a7f37', FAIL: '#cf222e', WAIVED: '#9a6700', MANUAL: '#0969da' };
const zeroColour = '#8c959f';

export function evidenceText(e: Evidence): string {
  return e.kind === 'terraform' ? e.address : `${e.file}${e.line > 0 ? `:${e.line}` : ''}  ${e.pointer || '/'}`;
}

/** The report as JSON (keys sorted, so the same report is always the same bytes). */
export function toJson(report: AuditReport): string {
  return stableJson(report, 2) + '\n';
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Markdown for review threads: a summary table, then every finding that is not PASS. */
export function toMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const d = report.deployment;
  const s = report.summary;
  out.push(`# GovStack audit: ${d.name} (${d.country}, ${d.environment})`, '');
  out.push(
    `**${s.FAIL} FAIL · ${s.MANUAL} MANUAL · ${s.WAIVED} WAIVED · ${s.PASS} PASS** of ${s.checks} checks${report.generatedAt ? `, ${report.generatedAt}` : ''} — ${report.tool.name} ${report.tool.version}`,
    '',
  );
  out.push('| Input | sha256 |', '| --- | --- |');
  for (const b of report.inputs.blueprints) out.push(`| \`${md(b.path)}\` | \`${b.sha256}\` |`);
  out.push(
    `| \`${report.inputs.terraform.path}\` (${report.inputs.terraform.resources} resources) | \`${report.inputs.terraform.sha256}\` |`,
    '',
  );
  out.push('| Status | Check | Requirements |', '| --- | --- | --- |');
  for (const c of report.checks) out.push(`| ${c.status} | \`${c.id}\` ${md(c.title)} | ${c.requirements.join(', ')} |`);
  out.push('');
  for (const c of report.checks) {
    const open = c.findings.filter((f) => f.status !== 'PASS');
    if (open.length === 0) continue;
    out.push(`## ${c.status} \`${c.id}\`: ${c.title}`, '', `${c.requirements.join(', ')}. ${c.scope}`, '');
    for (const f of open) {
      out.push(`- **${f.status}** ${md(f.subject)}: ${md(f.message)}`);
      if (f.justification) out.push(`  - justification: ${md(f.justification)}`);
      for (const a of f.askFor ?? []) out.push(`  - ask for: ${md(a)}`);
      if (f.evidence.length) out.push(`  - evidence: ${f.evidence.map((e) => `\`${evidenceText(e)}\``).join(', ')}`);
    }
    const passed = c.findings.length - open.length;
    if (passed > 0) out.push(`- ${passed} more finding${passed === 1 ? '' : 's'} PASS`);
    out.push('');
  }
  return out.join('\n');
}

function h(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function badge(status: Status, text = status): string {
  return `<span class="badge" style="background:${statusColours[status]}">${h(text)}</span>`;
}

/**
 * One self-contained HTML page: styles and the diagram inline, no script, no external
 * resource, so it reads the same offline and in ten years.
 */
export function toHtml(report: AuditReport, diagramSvg?: string): string {
  const d = report.deployment;
  const s = report.summary;
  const rows = report.checks
    .map(
      (c) =>
        `<tr><td>${badge(c.status)}</td><td><a href="#${h(c.id)}"><code>${h(c.id)}</code></a></td><td>${h(c.title)}</td><td>${c.requirements.map((r) => `<span title="${h(requirementSource(r))}">${h(r)}</span>`).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const details = report.checks
    .map((c) => {
      const findings = [...c.findings].sort((a, b) => statuses.indexOf(a.status) - statuses.indexOf(b.status));
      const items = findings
        .map(
          (f) =>
            `<tr><td>${badge(f.status)}</td><td>${h(f.subject)}</td><td>${h(f.message)}${f.justification ? `<div class="why"><b>Justification:</b> ${h(f.justification)}</div>` : ''}${
              f.askFor?.length ? `<div class="ask"><b>Ask for:</b><ul>${f.askFor.map((a) => `<li>${h(a)}</li>`).join('')}</ul></div>` : ''
            }</td><td class="ev">${f.evidence.map((e) => `<code>${h(evidenceText(e))}</code>`).join('<br>')}</td></tr>`,
        )
        .join('\n');
      return `<section id="${h(c.id)}"><h3>${badge(c.status)} <code>${h(c.id)}</code> ${h(c.title)}</h3><p class="req">${c.requirements.map((r) => `${h(r)} (${h(requirementSource(r))})`).join('; ')}</p><p>${h(c.scope)}</p><table class="findings"><thead><tr><th>Status</th><th>Subject</th><th>Finding</th><th>Evidence</th></tr></thead><tbody>${items}</tbody></table></section>`;
    })
    .join('\n');
  const counts = (['FAIL', 'MANUAL', 'WAIVED', 'PASS'] as Status[])
    .map((st) => `<span class="count" style="background:${s[st] > 0 ? statusColours[st] : zeroColour}"><b>${s[st]}</b> ${st}</span>`)
    .join(' ');
  const inputs = [
    ...report.inputs.blueprints.map(
      (b) => `<tr><td><code>${h(b.path)}</code></td><td>blueprint</td><td><code>${b.sha256}</code></td></tr>`,
    ),
    `<tr><td><code>${h(report.inputs.terraform.path)}</code></td><td>synthesised Terraform, ${report.inputs.terraform.resources} resources</td><td><code>${report.inputs.terraform.sha256}</code></td></tr>`,
  ].join('\n');
  const svg = diagramSvg ? `<section><h2>Architecture</h2><div class="diagram">${diagramSvg}</div></section>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GovStack audit: ${h(d.name)}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem; color: #1f2328; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #59636e; margin-top: 0; }
.badge { color: #fff; border-radius: 4px; padding: 1px 7px; font-size: 0.8rem; font-weight: bold; white-space: nowrap; }
.count { display: inline-block; color: #fff; border-radius: 6px; padding: 0.5rem 1rem; margin-right: 0.5rem; font-size: 1.2rem; min-width: 6rem; text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d1d9e0; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 0.9rem; }
th { background: #f6f8fa; }
code { font-family: Menlo, Consolas, monospace; font-size: 0.8rem; word-break: break-all; }
.ev { max-width: 28rem; }
.why, .ask { margin-top: 0.3rem; font-size: 0.85rem; }
.ask ul { margin: 0.2rem 0 0 1rem; padding: 0; }
.req { color: #59636e; font-size: 0.85rem; }
.diagram { overflow-x: auto; border: 1px solid #d1d9e0; padding: 0.5rem; }
.diagram svg { max-width: 100%; height: auto; }
section { margin-bottom: 1.5rem; }
</style>
</head>
<body>
<h1>GovStack audit: ${h(d.name)}</h1>
<p class="meta">${h(d.country)} · ${h(d.environment)}${d.description ? ` · ${h(d.description)}` : ''} · ${h(report.tool.name)} ${h(report.tool.version)}${report.generatedAt ? ` · ${h(report.generatedAt)}` : ''}</p>
<p>${counts}</p>
<p>${s.checks} checks keyed by GovStack requirement IDs. PASS and FAIL are read from the synthesised Terraform and the blueprint; WAIVED carries the written justification; MANUAL lists what an auditor must ask for.</p>
<h2>Inputs</h2>
<table><thead><tr><th>File</th><th>Role</th><th>sha256</th></tr></thead><tbody>
${inputs}
</tbody></table>
${svg}
<h2>Checks</h2>
<table><thead><tr><th>Status</th><th>Check</th><th>Title</th><th>Requirements</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Findings</h2>
${details}
</body>
</html>
`;
}
