import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { resourcesOf, root, synth, TfJson } from './support';
import { runChecks } from '../../src/audit/report';
import { TerraformJson } from '../../src/audit/terraform';
import { graphAllows, isPods, nonEdgeSample, probesFor } from '../../src/model/connections';
import { DeploymentModel } from '../../src/model/types';
import { ordinal } from '../../src/ordinal';

/**
 * Every allow rule of the synthesised NetworkPolicies, read straight from cdk.tf.json (not
 * through the audit's reader): `direction ns{labels} peer ports`.
 */
function rules(json: TfJson): Set<string> {
  const out = new Set<string>();
  const labels = (sel: any) =>
    Object.entries(sel?.match_labels ?? {})
      .sort(([a], [b]) => ordinal(a, b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  for (const { body } of resourcesOf(json, 'kubernetes_network_policy_v1')) {
    const ns = String(body.metadata.namespace);
    const ref = /kubernetes_namespace_v1\.([^.]+)\./.exec(ns);
    const self = ref ? (json.resource.kubernetes_namespace_v1[ref[1]] as any).metadata.name : ns;
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of body.spec[direction] ?? []) {
        const ports = (rule.ports ?? [])
          .map((p: any) => `${p.port}/${p.protocol}`)
          .sort()
          .join(',');
        const peers = (direction === 'ingress' ? rule.from : rule.to) ?? [];
        if (peers.some((p: any) => p.pod_selector && !p.namespace_selector)) continue; // same-namespace default
        const cidrs = peers
          .filter((p: any) => p.ip_block)
          .map((p: any) => p.ip_block.cidr)
          .sort();
        if (cidrs.length) out.add(`${direction} ${self}{${labels(body.spec.pod_selector)}} ${cidrs.join(',')} ${ports}`);
        for (const p of peers.filter((x: any) => x.namespace_selector)) {
          out.add(
            `${direction} ${self}{${labels(body.spec.pod_selector)}} ${p.namespace_selector.match_labels['kubernetes.io/metadata.name']}{${labels(p.pod_selector)}} ${ports}`,
          );
        }
      }
    }
  }
  return out;
}

/** The same rules as the graph says they must be: egress at a source this stack owns, ingress at a destination it owns. */
function fromGraph(model: DeploymentModel): Set<string> {
  const own = new Set(resourcesOfModel(model));
  const labels = (l: Readonly<Record<string, string>>) =>
    Object.entries(l)
      .sort(([a], [b]) => ordinal(a, b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  const out = new Set<string>();
  for (const c of model.connections) {
    const ports = c.ports
      .map((p) => `${p.port}/${c.protocol}`)
      .sort()
      .join(',');
    const peer = (e: typeof c.from) => (isPods(e) ? `${e.namespace}{${labels(e.podLabels)}}` : [...e.cidrs].sort().join(','));
    if (isPods(c.from) && own.has(c.from.namespace))
      out.add(`egress ${c.from.namespace}{${labels(c.from.podLabels)}} ${peer(c.to)} ${ports}`);
    if (isPods(c.to) && own.has(c.to.namespace)) out.add(`ingress ${c.to.namespace}{${labels(c.to.podLabels)}} ${peer(c.from)} ${ports}`);
  }
  return out;
}

function resourcesOfModel(model: DeploymentModel): string[] {
  const gw = model.gateway.namespaces;
  return [
    ...model.buildingBlocks.filter((b) => b.product.kind !== 'external').map((b) => b.namespace),
    gw.controller,
    gw.external,
    gw.internal,
    model.mediator.namespace,
    ...(model.observability.enabled ? [model.observability.namespace, model.observability.collectorNamespace] : []),
  ];
}

const blueprints = [
  path.join(root, 'blueprints', 'sandbox.yaml'),
  ...readdirSync(path.join(root, 'blueprints', 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(root, 'blueprints', 'examples', f)),
];

describe.each(blueprints.map((b) => [path.basename(b), b]))('%s |', (_name, file) => {
  const { json, model } = synth(file);

  test('the NetworkPolicies state exactly the connection graph, both ends of every edge, nothing more', () => {
    expect([...rules(json)].sort()).toEqual([...fromGraph(model)].sort());
  });

  test('every port opened towards a building block is the port its Pod listens on, never the Service port', () => {
    for (const c of model.connections) {
      if (!isPods(c.to)) continue;
      const block = model.buildingBlocks.find((b) => b.namespace === (c.to as { namespace: string }).namespace);
      if (!block || block.product.kind === 'external') continue;
      const podPort = block.product.kind === 'image' ? block.product.containerPort : block.product.pods.port.port;
      expect({ id: c.id, ports: c.ports.map((p) => p.port) }).toEqual({ id: c.id, ports: [podPort] });
      if (podPort !== block.servicePort) expect(c.ports.map((p) => p.port)).not.toContain(block.servicePort);
    }
  });

  test("a consumer reaches only its own organisation's security server; a security server only the providers its organisation serves", () => {
    for (const c of model.connections.filter((x) => x.reason === 'mediator-hop')) {
      const { from, to } = c;
      if (!isPods(from) || !isPods(to)) continue;
      const consumer = model.buildingBlocks.find((b) => b.id === from.component);
      if (consumer && to.component.startsWith('security-server/')) {
        expect(to.podLabels['govstack.global/security-server']).toBe(consumer.owner.securityServer);
      }
      const provider = model.buildingBlocks.find((b) => b.id === to.component);
      if (provider && from.component.startsWith('security-server/')) {
        expect(from.podLabels['govstack.global/security-server']).toBe(provider.owner.securityServer);
      }
    }
  });

  test('every declared flow is carried by the graph and named on its policies', () => {
    const carried = new Set(model.connections.flatMap((c) => c.flows ?? []));
    expect([...carried].sort()).toEqual(model.flows.map((f) => `${f.from}->${f.to}`).sort());
    const named = new Set(
      resourcesOf(json, 'kubernetes_network_policy_v1').flatMap((p) =>
        String(p.body.metadata.annotations['govstack.global/flow'] ?? '')
          .split(',')
          .filter(Boolean),
      ),
    );
    expect([...named].sort()).toEqual([...carried].sort());
  });

  test('probes: every edge gives allowed probes the graph allows; every non-edge sample is blocked by it', () => {
    for (const c of model.connections) {
      for (const probe of probesFor(c)) {
        expect(probe.expect).toBe('allowed');
        if ('namespace' in probe.source && 'namespace' in probe.destination) expect(graphAllows(model.connections, probe)).toBe(true);
      }
    }
    const blocked = nonEdgeSample(model);
    expect(blocked.length).toBeGreaterThan(0);
    for (const probe of blocked) {
      expect(probe.expect).toBe('blocked');
      expect(graphAllows(model.connections, probe)).toBe(false);
    }
    if (model.mediator.securityServers.length > 1 && model.flows.some((f) => f.via === 'mediator')) {
      expect(blocked.some((p) => p.id.startsWith('other-organisation:'))).toBe(true);
    }
  });

  test("the Kubernetes API is open only to the target's API server range, never to 0.0.0.0/0", () => {
    const kubeApi = model.connections.filter((c) => c.reason === 'kube-api');
    expect(kubeApi.length).toBeGreaterThan(0);
    for (const c of kubeApi) expect(isPods(c.to) ? [] : c.to.cidrs).toEqual(model.network.apiServerCidrs);
    expect(model.network.apiServerCidrs).not.toContain('0.0.0.0/0');
  });
});

describe('the audit sees the Service-port defect |', () => {
  const { json, model } = synth(path.join(root, 'blueprints', 'sandbox.yaml'));
  const failing = (tf: TfJson) =>
    runChecks(model, tf as TerraformJson)
      .filter((r) => r.status === 'FAIL')
      .map((r) => r.id)
      .sort();

  test('the sandbox as synthesised: no network check fails', () => {
    expect(failing(json).filter((id) => id.startsWith('network') || id === 'api-only')).toEqual([]);
  });

  test('a policy opening the Service port 8080 to a mock (which listens on 3000) fails network-pod-ports and network-declared-flows', () => {
    const tf: TfJson = JSON.parse(JSON.stringify(json));
    const mock = model.buildingBlocks.find(
      (b) => b.product.kind === 'image' && b.product.containerPort !== b.servicePort && b.exposure !== 'none',
    )!;
    const route = Object.values(tf.resource.kubernetes_network_policy_v1).find(
      (p: any) => p.metadata.name === `ingress-route-gateway-${mock.exposure}-to-${mock.id}`,
    ) as any;
    expect(route.spec.ingress[0].ports).toEqual([
      { port: String((mock.product as { containerPort: number }).containerPort), protocol: 'TCP' },
    ]);
    route.spec.ingress[0].ports = [{ port: String(mock.servicePort), protocol: 'TCP' }];
    expect(failing(tf)).toEqual(expect.arrayContaining(['network-declared-flows', 'network-pod-ports']));
  });
});
