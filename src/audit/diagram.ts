import { DeploymentModel, ModelBuildingBlock } from '../model/types';
import { ordinal } from '../ordinal';

/**
 * The architecture diagram of a deployment, generated from the model: organisations with
 * their building blocks and X-Road security servers, the external and internal gateways and
 * what each exposes, declared flows (through the mediator or direct), and the observability
 * stack. DOT and Mermaid are plain text; SVG is DOT laid out by Graphviz compiled to
 * WebAssembly (@hpcc-js/wasm-graphviz), so no system binary is needed. Same model, same bytes.
 */

export type DiagramFormat = 'svg' | 'mermaid' | 'dot';

const colours = {
  external: '#b3261e',
  internal: '#1f5fbf',
  mediator: '#6a3fb5',
  direct: '#333333',
  org: '#f4f6f8',
  orgBorder: '#8a96a3',
  block: '#ffffff',
  server: '#efe8fb',
  platform: '#eef5ee',
};

const font = 'Helvetica,Arial,sans-serif';

function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const bbNode = (id: string) => `bb_${id}`;
const ssNode = (org: string) => `ss_${org}`;

function productLine(b: ModelBuildingBlock): string {
  switch (b.product.kind) {
    case 'external':
      return 'runs elsewhere (external)';
    case 'image':
      return `${b.product.image.repository}:${b.version}`;
    case 'chart':
      return `chart ${b.product.chart.name} ${b.version}`;
  }
}

function blockLabel(b: ModelBuildingBlock): string {
  const lines = [b.entry.title, productLine(b)];
  if (b.product.kind !== 'external') lines.push(`${b.replicas} replica${b.replicas === 1 ? '' : 's'} · ${b.namespace}`);
  if (b.host) lines.push(b.host);
  return lines.join('\n');
}

/** Graphviz DOT source of the deployment diagram. */
export function diagramDot(model: DeploymentModel): string {
  const out: string[] = [];
  const line = (s: string) => out.push(s);
  const blocks = [...model.buildingBlocks].sort((a, b) => ordinal(a.id, b.id));
  const orgs = [...model.organisations].sort((a, b) => ordinal(a.name, b.name));
  line(`digraph ${q(model.name)} {`);
  line(
    `  graph [rankdir=LR, newrank=true, compound=true, nodesep=0.35, ranksep=0.9, fontname=${q(font)}, fontsize=22, labelloc=t, label=${q(`${model.name}: ${model.country} ${model.environment} · ${blocks.length} building blocks · ${model.flows.length} flows`)}, pad=0.3];`,
  );
  line(
    `  node [fontname=${q(font)}, fontsize=12, shape=box, style="rounded,filled", fillcolor=${q(colours.block)}, color="#55606b", margin="0.3,0.1"];`,
  );
  line(`  edge [fontname=${q(font)}, fontsize=10, color="#555555", arrowsize=0.7];`);

  line('  subgraph cluster_clients {');
  line(`    label="Clients"; style="rounded,dashed"; color="#999999"; fontsize=14;`);
  line(`    internet [label="Internet", shape=ellipse, fillcolor="#fff4f2", color=${q(colours.external)}];`);
  line(`    private_networks [label="Private networks\\n(RFC 1918)", shape=ellipse, fillcolor="#f0f5ff", color=${q(colours.internal)}];`);
  line('  }');

  const gw = model.gateway;
  line('  subgraph cluster_gateways {');
  line(
    `    label=${q(`API gateways · TLS ${gw.tlsMinVersion}+ · ${gw.rateLimit.requests}/${gw.rateLimit.unit.toLowerCase()} per client and route${gw.oidc ? ' · OIDC' : ''}`)}; style="rounded"; color="#777777"; fontsize=14;`,
  );
  line(
    `    gw_external [label=${q(`External gateway\n*.${gw.domains.external}\n${gw.namespaces.external}`)}, shape=box3d, fillcolor="#fff4f2", color=${q(colours.external)}];`,
  );
  line(
    `    gw_internal [label=${q(`Internal gateway\n*.${gw.domains.internal}\n${gw.namespaces.internal}`)}, shape=box3d, fillcolor="#f0f5ff", color=${q(colours.internal)}];`,
  );
  line('  }');
  line(`  internet -> gw_external [color=${q(colours.external)}, penwidth=1.6];`);
  line(`  private_networks -> gw_internal [color=${q(colours.internal)}, penwidth=1.6];`);

  for (const org of orgs) {
    const own = blocks.filter((b) => b.owner.name === org.name);
    if (own.length === 0 && !org.securityServer) continue;
    line(`  subgraph ${q(`cluster_org_${org.name}`)} {`);
    line(
      `    label=${q(`${org.title}\n${model.mediator.instance}/${org.memberClass}/${org.memberCode}`)}; style="rounded,filled"; fillcolor=${q(colours.org)}; color=${q(colours.orgBorder)}; fontsize=14;`,
    );
    if (org.securityServer) {
      line(
        `    ${q(ssNode(org.name))} [label=${q(`X-Road security server\n${org.securityServer}`)}, shape=component, fillcolor=${q(colours.server)}, color=${q(colours.mediator)}];`,
      );
    }
    for (const b of own) {
      const style = b.product.kind === 'external' ? 'style="rounded,dashed,filled", fillcolor="#fafafa"' : '';
      line(`    ${q(bbNode(b.id))} [label=${q(blockLabel(b))}${style ? `, ${style}` : ''}];`);
    }
    line('  }');
  }

  const med = model.mediator;
  line('  subgraph cluster_mediator {');
  line(`    label=${q(`Information mediator (X-Road) · ${med.namespace}`)}; style="rounded"; color=${q(colours.mediator)}; fontsize=14;`);
  line(
    `    xroad_core [label=${q(med.centralServer ? `Central server\ninstance ${med.instance}` : `Instance ${med.instance}\n(central server elsewhere)`)}, shape=cylinder, fillcolor=${q(colours.server)}, color=${q(colours.mediator)}];`,
  );
  line('  }');

  for (const b of blocks.filter((b) => b.exposure !== 'none')) {
    const colour = b.exposure === 'external' ? colours.external : colours.internal;
    line(`  ${b.exposure === 'external' ? 'gw_external' : 'gw_internal'} -> ${q(bbNode(b.id))} [color=${q(colour)}, penwidth=1.4];`);
  }
  for (const f of model.flows) {
    if (f.via === 'direct')
      line(`  ${q(bbNode(f.from))} -> ${q(bbNode(f.to))} [color=${q(colours.direct)}, penwidth=1.6, label="direct"];`);
    else line(`  ${q(bbNode(f.from))} -> ${q(bbNode(f.to))} [color=${q(colours.mediator)}, style=dashed, penwidth=1.3];`);
  }

  const obs = model.observability;
  line('  subgraph cluster_observability {');
  if (obs.enabled) {
    const preinstalled = new Set(model.deployment.preinstalled);
    const tag = (c: 'metrics' | 'logs' | 'traces') => (preinstalled.has(c) ? ' (preinstalled)' : '');
    line(
      `    label=${q(`Observability · ${obs.namespace}`)}; style="rounded,filled"; fillcolor=${q(colours.platform)}; color="#5b8a5b"; fontsize=14;`,
    );
    line(
      `    obs_stack [label=${q(`Metrics and alerts${tag('metrics')} · ${obs.retention.metrics}\nLogs${tag('logs')} · ${obs.retention.logs}\nTraces${tag('traces')} · ${obs.retention.traces}\nalert receivers: ${obs.receivers.map((r) => r.name).join(', ') || 'none'}`)}, shape=note, fillcolor="#ffffff"];`,
    );
    line(
      `    obs_note [label=${q(`scrapes every building block\ncollects every container's logs`)}, shape=plaintext, style="", fontsize=11];`,
    );
  } else {
    line(`    label="Observability"; style="rounded,dashed"; color="#999999";`);
    line(`    obs_stack [label="disabled in the blueprint", shape=plaintext, style=""];`);
  }
  line('  }');

  line('  { rank=min; internet; private_networks; }');
  line('  { rank=same; gw_external; gw_internal; }');
  line('  subgraph cluster_legend {');
  line(`    label="Legend"; style="rounded"; color="#bbbbbb"; fontsize=12;`);
  line(`    node [shape=plaintext, style="", fontsize=10, width=0.1, height=0.1, margin="0.12,0.02"];`);
  line('    l1 [label=""]; l2 [label="exposed on the external gateway"]; l3 [label=""]; l4 [label="exposed on the internal gateway"];');
  line('    l5 [label=""]; l6 [label="flow through the mediator (X-Road)"]; l7 [label=""]; l8 [label="direct flow (co-located)"];');
  line(`    l1 -> l2 [color=${q(colours.external)}, penwidth=1.4]; l3 -> l4 [color=${q(colours.internal)}, penwidth=1.4];`);
  line(`    l5 -> l6 [color=${q(colours.mediator)}, style=dashed, penwidth=1.3]; l7 -> l8 [color=${q(colours.direct)}, penwidth=1.6];`);
  line('  }');
  line('}');
  return out.join('\n') + '\n';
}

function mq(text: string): string {
  return `"${text.replace(/"/g, '#quot;').replace(/\n/g, '<br/>')}"`;
}

/** Mermaid flowchart of the deployment diagram (for Markdown viewers that render Mermaid). */
export function diagramMermaid(model: DeploymentModel): string {
  const out: string[] = ['flowchart LR'];
  const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
  const blocks = [...model.buildingBlocks].sort((a, b) => ordinal(a.id, b.id));
  out.push(`  internet([Internet]) --> gw_external[[${mq(`External gateway *.${model.gateway.domains.external}`)}]]`);
  out.push(`  private_networks([Private networks]) --> gw_internal[[${mq(`Internal gateway *.${model.gateway.domains.internal}`)}]]`);
  for (const org of [...model.organisations].sort((a, b) => ordinal(a.name, b.name))) {
    const own = blocks.filter((b) => b.owner.name === org.name);
    if (own.length === 0 && !org.securityServer) continue;
    out.push(`  subgraph org_${id(org.name)}[${mq(`${org.title} (${model.mediator.instance}/${org.memberClass}/${org.memberCode})`)}]`);
    if (org.securityServer) out.push(`    ss_${id(org.name)}{{${mq(`security server ${org.securityServer}`)}}}`);
    for (const b of own) out.push(`    bb_${id(b.id)}[${mq(`${b.entry.title}\n${productLine(b)}`)}]`);
    out.push('  end');
  }
  out.push(
    `  xroad_core[(${mq(model.mediator.centralServer ? `X-Road central server ${model.mediator.instance}` : `X-Road instance ${model.mediator.instance}`)})]`,
  );
  for (const org of model.organisations.filter((o) => o.securityServer).sort((a, b) => ordinal(a.name, b.name)))
    out.push(`  ss_${id(org.name)} -.- xroad_core`);
  for (const b of blocks.filter((b) => b.exposure !== 'none')) out.push(`  gw_${b.exposure} ==> bb_${id(b.id)}`);
  for (const f of model.flows)
    out.push(f.via === 'direct' ? `  bb_${id(f.from)} -->|direct| bb_${id(f.to)}` : `  bb_${id(f.from)} -.->|X-Road| bb_${id(f.to)}`);
  const obs = model.observability;
  out.push(
    `  observability[${mq(obs.enabled ? `Observability: metrics ${obs.retention.metrics}, logs ${obs.retention.logs}, traces ${obs.retention.traces}` : 'Observability disabled')}]`,
  );
  return out.join('\n') + '\n';
}

// A real dynamic import: TypeScript would turn `import()` into `require()`, which cannot load
// the ES module @hpcc-js/wasm-graphviz.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

/** Lay out DOT with Graphviz (WebAssembly) and return standalone SVG. */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = await importEsm('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, 'svg') as string;
}

/** The diagram in one format. */
export async function diagram(model: DeploymentModel, format: DiagramFormat): Promise<string> {
  switch (format) {
    case 'dot':
      return diagramDot(model);
    case 'mermaid':
      return diagramMermaid(model);
    case 'svg':
      return renderSvg(diagramDot(model));
  }
}

/** SVG without its XML prolog and DOCTYPE, to place inside an HTML page. */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/<!DOCTYPE[^>]*>\s*/, '')
    .replace(/<!--[\s\S]*?-->\s*/g, '');
}
