import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { resourcesOf, root, synth, TfJson } from './support';
import { DeploymentModel } from '../../src/model/types';

/** Allowed namespace pairs as the NetworkPolicies in the output state them. */
function allows(json: TfJson) {
  const ingress = new Set<string>();
  const egress = new Set<string>();
  for (const { body } of resourcesOf(json, 'kubernetes_network_policy_v1')) {
    const ns = String(body.metadata.namespace);
    const ref = /kubernetes_namespace_v1\.([^.]+)\./.exec(ns);
    const self = ref ? (json.resource.kubernetes_namespace_v1[ref[1]] as any).metadata.name : ns;
    for (const rule of body.spec.ingress ?? []) for (const peer of rule.from ?? []) {
      const other = peer.namespace_selector?.match_labels?.['kubernetes.io/metadata.name'];
      if (other && other !== 'kube-system') ingress.add(`${other}>${self}`);
    }
    for (const rule of body.spec.egress ?? []) for (const peer of rule.to ?? []) {
      const other = peer.namespace_selector?.match_labels?.['kubernetes.io/metadata.name'];
      if (other && other !== 'kube-system') egress.add(`${self}>${other}`); // DNS: checked in constructs.test
    }
  }
  return { ingress, egress };
}

/** The pairs both ends allow: a connection only works when egress and ingress agree. */
function connections(json: TfJson): Set<string> {
  const { ingress, egress } = allows(json);
  return new Set([...ingress].filter((pair) => egress.has(pair)));
}

function expectedConnections(model: DeploymentModel): Set<string> {
  const ns = new Map(model.buildingBlocks.filter((b) => b.product.kind !== 'external').map((b) => [b.id, b.namespace]));
  const out = new Set<string>();
  const mediator = model.mediator.namespace;
  for (const f of model.flows) {
    const from = ns.get(f.from);
    const to = ns.get(f.to);
    if (f.via === 'direct') out.add(`${from}>${to}`);
    else {
      if (from) out.add(`${from}>${mediator}`);
      if (to) out.add(`${mediator}>${to}`);
    }
  }
  for (const r of model.gateway.routes) out.add(`${model.gateway.namespaces[r.gateway]}>${r.namespace}`);
  for (const b of ns.values()) {
    if (!model.observability.enabled) continue;
    out.add(`${model.observability.namespace}>${b}`); // metrics scraping
    out.add(`${b}>${model.observability.namespace}`); // trace export (OTLP)
  }
  for (const edge of ['external', 'internal'] as const) out.add(`${model.gateway.namespaces[edge]}>${model.gateway.namespaces.controller}`);
  if (model.observability.enabled) out.add(`${model.observability.namespace}-collector>${model.observability.namespace}`);
  return out;
}

const blueprints = [path.join(root, 'blueprints', 'sandbox.yaml'), ...readdirSync(path.join(root, 'blueprints', 'examples')).map((f) => path.join(root, 'blueprints', 'examples', f))];

describe.each(blueprints.map((b) => [path.basename(b), b]))('%s |', (_name, file) => {
  const { json, model } = synth(file);

  test('NetworkPolicies connect exactly the declared flows, routes, scraping and platform links', () => {
    expect([...connections(json)].sort()).toEqual([...expectedConnections(model)].sort());
  });

  test('no allow is one-sided (every egress has its ingress and vice versa)', () => {
    const { ingress, egress } = allows(json);
    expect([...ingress].filter((p) => !egress.has(p))).toEqual([]);
    expect([...egress].filter((p) => !ingress.has(p))).toEqual([]);
  });

  test('every flow policy names the flows it serves', () => {
    const flowPolicies = resourcesOf(json, 'kubernetes_network_policy_v1').filter((p) => p.body.metadata.annotations['govstack.global/flow']);
    const named = new Set(flowPolicies.flatMap((p) => String(p.body.metadata.annotations['govstack.global/flow']).split(',')));
    expect([...named].sort()).toEqual(model.flows.map((f) => `${f.from}->${f.to}`).sort());
  });
});
