import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runChecks } from '../../src/audit/report';
import { TerraformJson } from '../../src/audit/terraform';
import { runManifests } from '../../src/compliance/job';
import { plan, requireRunnerEnabled } from '../../src/compliance/run';
import { connectionAnnotation } from '../../src/constructs/connection-policies';
import { InputError } from '../../src/blueprint/problems';
import { PodsEndpoint } from '../../src/model/connections/types';
import { buildingBlockPods } from '../../src/model/pod-labels';
import { fixtureBaseArgs, resourcesOf, root, runCli, synth } from './support';

/**
 * `compliance.enabled`: the compliance runner's namespace and its edges to the blocks it tests
 * are part of the deployment's connection graph, rendered by the stack like every other edge
 * and seen by the audit as declared; off (the default), nothing of it exists.
 */
const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const dir = mkdtempSync(path.join(tmpdir(), 'compliance-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function overlay(name: string, lines: string[]): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, [`extends: [${JSON.stringify(sandbox)}]`, ...lines, ''].join('\n'));
  return file;
}

const on = synth(
  overlay('on', [
    'compliance:',
    '  enabled: true',
    '  suiteOf: { national-payments: payments }',
    'customBuildingBlocks:',
    '  national-payments:',
    '    title: National payment switch',
    '    source: https://example.org/switch/1.0.0',
    '    owner: ministry-of-finance',
    '    image: { repository: registry.example.org/switch, tag: "1.0.0" }',
    '    containerPort: 8000',
    '    healthPath: /healthz',
  ]),
);
const off = synth(sandbox);
const tested = [
  'consent',
  'digital-registries',
  'identity',
  'information-mediator',
  'messaging',
  'national-payments',
  'payments',
  'registration',
  'workflow',
];

describe('a block that runs elsewhere', () => {
  it('is listed as not run, with why, and gets no edge', () => {
    const m = synth(
      overlay('external', [
        'compliance:',
        '  enabled: true',
        'buildingBlocks:',
        '  consent:',
        '    product: external',
        '    exposure: none',
      ]),
    ).model;
    expect(m.compliance.targets).not.toContain('consent');
    const { runs, skipped } = plan(m, []);
    expect(runs.map((r) => r.block.id)).not.toContain('consent');
    expect(skipped.map((r) => [r.buildingBlock, r.status, r.note])).toEqual([
      ['consent', 'not-run', 'runs elsewhere (external): test it where it is deployed'],
    ]);
  });
});

describe('switch on', () => {
  it('the graph has one edge from the runner Pod testing each block to its Pods on their Pod port, and DNS for the runner', () => {
    const m = on.model;
    expect(m.compliance).toMatchObject({ enabled: true, namespace: 'gs-compliance', targets: tested });
    const edges = m.connections.filter((c) => c.reason === 'compliance');
    expect(edges.map((c) => c.id)).toEqual(tested.map((id) => `compliance:runner->${id}`));
    for (const id of tested) {
      const block = m.buildingBlocks.find((b) => b.id === id)!;
      const pods = buildingBlockPods(block)!;
      expect(edges.find((c) => c.id === `compliance:runner->${id}`)).toMatchObject({
        from: { namespace: 'gs-compliance', podLabels: { 'govstack.global/component': 'compliance', 'govstack.global/compliance-of': id } },
        to: { namespace: block.namespace, podLabels: pods.labels },
        ports: [pods.port],
      });
    }
    expect(m.connections.filter((c) => c.reason === 'dns' && 'namespace' in c.from && c.from.namespace === 'gs-compliance')).toHaveLength(
      2,
    );
  });

  it('the stack renders the runner namespace (restricted, default deny) and both ends of each edge', () => {
    const ns = resourcesOf(on.json, 'kubernetes_namespace_v1').find((r) => r.body.metadata.name === 'gs-compliance')!;
    expect(ns.body.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const policies = resourcesOf(on.json, 'kubernetes_network_policy_v1').map((r) => r.body);
    for (const id of tested) {
      const ends = policies.filter((p) => p.metadata.annotations?.[connectionAnnotation] === `compliance:runner->${id}`);
      expect(ends.map((p) => p.metadata.name).sort()).toEqual([`egress-compliance-runner-to-${id}`, `ingress-compliance-runner-to-${id}`]);
      const block = on.model.buildingBlocks.find((b) => b.id === id)!;
      const port = String(buildingBlockPods(block)!.port.port);
      for (const p of ends) expect((p.spec.egress ?? p.spec.ingress)[0].ports).toEqual([{ port, protocol: 'TCP' }]);
    }
    const deny = policies.find((p) => p.metadata.name === 'default-deny' && String(p.metadata.namespace).includes('ComplianceRunner'));
    expect(deny?.spec.policy_types).toEqual(['Ingress', 'Egress']);
  });

  it('the audit sees the runner edges as declared and finds nothing failing that the sandbox does not', () => {
    const fails = (json: unknown, model: typeof on.model) =>
      runChecks(model, json as TerraformJson)
        .filter((r) => r.status === 'FAIL')
        .map((r) => `${r.id}: ${r.findings.filter((f) => f.status === 'FAIL').map((f) => f.subject)}`);
    expect(fails(on.json, on.model)).toEqual([]);
    expect(fails(off.json, off.model)).toEqual([]);
    const declared = runChecks(on.model, on.json as TerraformJson).find((r) => r.id === 'network-declared-flows')!;
    for (const id of tested)
      expect(declared.findings.find((f) => f.subject.startsWith(`gs-compliance/compliance/${id} -> `))?.status).toBe('PASS');
  });

  it('the Jobs run in the rendered namespace, as its ServiceAccount, with the Pod labels the edges select', () => {
    const { runs } = plan(on.model, []);
    expect(runs.map((r) => [r.block.id, r.suite.buildingBlock])).toContainEqual(['national-payments', 'payments']);
    const jobs = runManifests(on.model, runs, 600) as any[];
    expect(jobs.map((j) => j.kind)).toEqual(runs.map(() => 'Job'));
    for (const job of jobs) {
      expect(job.metadata.namespace).toBe('gs-compliance');
      expect(job.spec.template.spec.serviceAccountName).toBe('compliance');
      const of = job.spec.template.metadata.labels['govstack.global/compliance-of'];
      const edge = on.model.connections.find((c) => c.id === `compliance:runner->${of}`)!;
      expect(job.spec.template.metadata.labels).toMatchObject((edge.from as PodsEndpoint).podLabels);
    }
  });
});

describe('switch off (the default)', () => {
  it('no runner edge, no runner namespace, no policy', () => {
    expect(off.model.compliance).toMatchObject({ enabled: false, targets: [] });
    expect(off.model.connections.filter((c) => c.reason === 'compliance' || JSON.stringify(c).includes('gs-compliance'))).toEqual([]);
    expect(off.text).not.toContain('compliance');
  });

  it('govstack compliance refuses to run in the cluster, in one line naming the switch (exit 2)', async () => {
    expect(() => requireRunnerEnabled(off.model)).toThrow(InputError);
    const r = await runCli(['compliance', sandbox, '--kubectl', '/nonexistent/kubectl']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/sandbox\.yaml:\d+ +\/compliance\/enabled +.*set compliance\.enabled: true in the blueprint, apply it/);
    expect(lines).toHaveLength(2);
    expect(r.stdout).toBe('');
  });
});

describe('bad input', () => {
  it('a suiteOf naming no block, or a building block without a suite the project runs, is a located problem', async () => {
    const bad = overlay('bad', ['compliance:', '  enabled: true', '  suiteOf: { nowhere: payments, identity: gis }']);
    const r = await runCli(['validate', bad, ...fixtureBaseArgs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:4 +\/compliance\/suiteOf\/nowhere +nowhere is not an enabled building block/);
    expect(r.stderr).toMatch(/\/compliance\/suiteOf\/identity +no GovStack suite the project runs for gis/);
  });
});
