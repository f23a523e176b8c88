import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixtureBaseArgs, model, root, runCli } from './support';
import { diagramDot, diagramMermaid } from '../../src/audit/diagram';

const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const estonia = path.join(root, 'blueprints', 'examples', 'estonia-eks.yaml');

/** Each edge of a Graphviz SVG: its title (`a->b`) and stroke. */
function edges(svg: string): Map<string, { stroke: string; dashed: boolean }> {
  const out = new Map<string, { stroke: string; dashed: boolean }>();
  for (const m of svg.matchAll(/<g id="edge\d+" class="edge">\s*<title>([^<]+)<\/title>\s*<path ([^>]*)\/>/g)) {
    const title = m[1].replace(/&#45;/g, '-').replace(/&gt;/g, '>');
    out.set(title, { stroke: /stroke="([^"]+)"/.exec(m[2])![1], dashed: /stroke-dasharray/.test(m[2]) });
  }
  return out;
}

describe('govstack diagram |', () => {
  const m = model(sandbox);

  test('SVG from the CLI is deterministic and shows every organisation, building block, gateway and security server', async () => {
    const a = await runCli(['diagram', sandbox]);
    const b = await runCli(['diagram', sandbox, '--format', 'svg']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const svg = a.stdout;
    expect(svg).toMatch(/<svg width="\d+pt" height="\d+pt"/);
    const text = svg.replace(/&#45;/g, '-').replace(/&amp;/g, '&');
    for (const bb of m.buildingBlocks) expect(text).toContain(`>${bb.entry.title}<`);
    for (const org of m.organisations) expect(text).toContain(`>${org.title}<`);
    for (const ss of m.mediator.securityServers) expect(text).toContain(`>${ss.name}<`);
    expect(text).toContain(`*.${m.gateway.domains.external}`);
    expect(text).toContain(`*.${m.gateway.domains.internal}`);
    expect(text).toContain('Observability · gs-observability');
    expect(text).toContain(`Central server`);
  });

  test('flows are drawn from consumer to provider: mediated dashed in the mediator colour, direct solid; exposure in the gateway colours', async () => {
    const drawn = edges((await runCli(['diagram', sandbox])).stdout);
    for (const f of m.flows) {
      const edge = drawn.get(`bb_${f.from}->bb_${f.to}`);
      expect(edge).toEqual(f.via === 'direct' ? { stroke: '#333333', dashed: false } : { stroke: '#6a3fb5', dashed: true });
    }
    for (const bb of m.buildingBlocks) {
      const ext = drawn.get(`gw_external->bb_${bb.id}`);
      const int = drawn.get(`gw_internal->bb_${bb.id}`);
      if (bb.exposure === 'external') expect([ext?.stroke, int]).toEqual(['#b3261e', undefined]);
      else if (bb.exposure === 'internal') expect([ext, int?.stroke]).toEqual([undefined, '#1f5fbf']);
      else expect([ext, int]).toEqual([undefined, undefined]);
    }
    const bbEdges = [...drawn.keys()].filter((k) => /^bb_.*->bb_/.test(k));
    expect(bbEdges.length).toBe(m.flows.length);
  });

  test('DOT and Mermaid carry the same flows and exposure', async () => {
    const dot = (await runCli(['diagram', sandbox, '--format', 'dot'])).stdout;
    expect(dot).toBe(diagramDot(m));
    expect(dot.startsWith('digraph "sandbox" {')).toBe(true);
    const mermaid = (await runCli(['diagram', sandbox, '--format', 'mermaid'])).stdout;
    expect(mermaid).toBe(diagramMermaid(m));
    expect(mermaid.match(/-\.->\|X-Road\|/g)?.length).toBe(m.flows.filter((f) => f.via === 'mediator').length);
    expect(mermaid.match(/-->\|direct\|/g)?.length).toBe(m.flows.filter((f) => f.via === 'direct').length);
    expect(mermaid.match(/==>/g)?.length).toBe(m.buildingBlocks.filter((b) => b.exposure !== 'none').length);
  });

  test('a building block run elsewhere is drawn dashed, without a namespace', () => {
    const ee = model(estonia);
    const external = ee.buildingBlocks.filter((b) => b.product.kind === 'external');
    expect(external.length).toBeGreaterThan(0);
    const dot = diagramDot(ee);
    for (const b of external)
      expect(dot).toMatch(new RegExp(`"bb_${b.id}" \\[label="[^"]*runs elsewhere \\(external\\)[^"]*", style="rounded,dashed,filled"`));
  });

  test('the committed docs/sandbox-diagram.svg is the current rendering (npm run diagram)', async () => {
    const fresh = (await runCli(['diagram', sandbox])).stdout;
    expect(readFileSync(path.join(root, 'docs', 'sandbox-diagram.svg'), 'utf8')).toBe(fresh);
  });

  test('bad input exits 2', async () => {
    const r = await runCli(['diagram', path.join(root, 'test', 'fixtures', 'invalid', 'bad-country.yaml'), ...fixtureBaseArgs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-country\.yaml:\d+  \/metadata\/country/);
  });
});
