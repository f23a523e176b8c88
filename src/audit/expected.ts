import { observabilityCatalog } from '../catalog';
import { securityServerClientPort } from '../model/consumer-config';
import { DeploymentModel, ModelBuildingBlock } from '../model/types';

/**
 * What the NetworkPolicies of a deployment should allow, derived from the model alone (not
 * from the constructs), so the audit compares the synthesised Terraform against an
 * independent statement of intent.
 */

/** A connection between two namespaces, the ports it may use and why it exists. */
export interface ExpectedLink {
  readonly from: string;
  readonly to: string;
  readonly ports: readonly number[];
  readonly why: string;
  /** Blueprint pointers declaring it (flows, exposure), for evidence. */
  readonly pointers: readonly string[];
  /** True for API traffic between building blocks (direct, or through the mediator). */
  readonly api: boolean;
}

/** Traffic to or from address ranges outside the cluster. */
export interface ExpectedExternal {
  readonly namespace: string;
  readonly direction: 'ingress' | 'egress';
  readonly cidrs: readonly string[];
  readonly ports: readonly number[];
  readonly why: string;
  /** Set when the rule relaxes isolation on a product's or the blueprint's written reason (WAIVED, not PASS). */
  readonly reason?: string;
  readonly pointer?: string;
}

/** RFC 1918 private ranges: the only sources the internal gateway may accept. */
export const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** Envoy's HTTPS listener inside the proxy pods (443 + 10000). */
export const envoyHttpsPort = 10443;
/** Envoy Gateway's xDS port on the controller. */
export const xdsPort = 18000;
/** X-Road message exchange and OCSP between security servers. */
export const xroadPeerPorts = [5500, 5577];
/** A central server elsewhere: global configuration and registration. */
export const centralServerPorts = [80, 4001];
const kubeApiPorts = [443, 6443];
const anywhere = ['0.0.0.0/0'];

export function collectorNamespace(model: DeploymentModel): string {
  return `${model.observability.namespace}-collector`;
}

/** Building blocks that run in this cluster (external products have no namespace). */
export function deployedBlocks(model: DeploymentModel): ModelBuildingBlock[] {
  return model.buildingBlocks.filter((b) => b.product.kind !== 'external');
}

/** Every namespace the deployment should create, with the component it holds. */
export function expectedNamespaces(model: DeploymentModel): { name: string; component: string; overrideTarget?: string }[] {
  const gw = model.gateway.namespaces;
  return [
    ...deployedBlocks(model).map((b) => ({ name: b.namespace, component: b.id, overrideTarget: b.id })),
    { name: gw.controller, component: 'gateway', overrideTarget: 'gateway' },
    { name: gw.external, component: 'gateway-external', overrideTarget: 'gateway' },
    { name: gw.internal, component: 'gateway-internal', overrideTarget: 'gateway' },
    { name: model.mediator.namespace, component: 'mediator', overrideTarget: 'mediator' },
    ...(model.observability.enabled
      ? [
          { name: model.observability.namespace, component: 'observability', overrideTarget: 'observability' },
          { name: collectorNamespace(model), component: 'log-collector' },
        ]
      : []),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

/** Namespace-to-namespace links, merged by (from, to). */
export function expectedLinks(model: DeploymentModel): ExpectedLink[] {
  const byId = new Map(model.buildingBlocks.map((b) => [b.id, b]));
  const inCluster = (id: string) => byId.get(id)!.product.kind !== 'external';
  const links = new Map<string, { from: string; to: string; ports: Set<number>; why: Set<string>; pointers: Set<string>; api: boolean }>();
  const add = (from: string, to: string, ports: number[], why: string, pointer?: string, api = false) => {
    const key = `${from}>${to}`;
    const link = links.get(key) ?? { from, to, ports: new Set<number>(), why: new Set<string>(), pointers: new Set<string>(), api };
    ports.forEach((p) => link.ports.add(p));
    link.why.add(why);
    if (pointer) link.pointers.add(pointer);
    link.api = link.api || api;
    links.set(key, link);
  };
  const mediator = model.mediator.namespace;
  for (const flow of model.flows) {
    const consumer = byId.get(flow.from)!;
    const provider = byId.get(flow.to)!;
    if (flow.via === 'direct') {
      add(consumer.namespace, provider.namespace, [provider.servicePort], `flow ${flow.from} -> ${flow.to} (direct)`, flow.pointer, true);
      continue;
    }
    if (inCluster(flow.from)) add(consumer.namespace, mediator, [securityServerClientPort], `flow ${flow.from} -> ${flow.to} (consumer to its security server)`, flow.pointer, true);
    if (inCluster(flow.to)) add(mediator, provider.namespace, [provider.servicePort], `flow ${flow.from} -> ${flow.to} (security server to provider)`, flow.pointer, true);
  }
  for (const route of model.gateway.routes) {
    add(model.gateway.namespaces[route.gateway], route.namespace, [route.servicePort], `${route.gateway} gateway route ${route.host}`, `${byId.get(route.buildingBlock)?.pointer ?? ''}/exposure`);
  }
  for (const edge of ['external', 'internal'] as const) add(model.gateway.namespaces[edge], model.gateway.namespaces.controller, [xdsPort], `${edge} gateway proxies fetch their configuration (xDS)`);
  if (model.observability.enabled) {
    for (const block of deployedBlocks(model)) {
      add(model.observability.namespace, block.namespace, [block.servicePort], 'metrics scraping');
      add(block.namespace, model.observability.namespace, [observabilityCatalog.traces.otlpGrpcPort, observabilityCatalog.traces.otlpHttpPort], 'trace export (OTLP)');
    }
    add(collectorNamespace(model), model.observability.namespace, [observabilityCatalog.logs.pushPort], 'node log collector pushes logs to the log store');
  }
  return [...links.values()]
    .map((l) => ({ from: l.from, to: l.to, ports: [...l.ports].sort((a, b) => a - b), why: [...l.why].sort().join('; '), pointers: [...l.pointers].sort(), api: l.api }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** Allowed traffic beyond the cluster: the platform's needs (PASS) and reasoned relaxations (WAIVED). */
export function expectedExternal(model: DeploymentModel): ExpectedExternal[] {
  const gw = model.gateway.namespaces;
  const out: ExpectedExternal[] = [
    { namespace: gw.controller, direction: 'egress', cidrs: anywhere, ports: kubeApiPorts, why: 'the gateway controller watches the Kubernetes API' },
    { namespace: gw.external, direction: 'ingress', cidrs: anywhere, ports: [envoyHttpsPort], why: 'the external gateway serves clients on the Internet' },
    { namespace: gw.internal, direction: 'ingress', cidrs: privateRanges, ports: [envoyHttpsPort], why: 'the internal gateway serves clients on private networks only' },
  ];
  if (model.gateway.oidc) out.push({ namespace: gw.external, direction: 'egress', cidrs: anywhere, ports: [443], why: 'the external gateway fetches the OIDC issuer\'s keys' });
  if (!model.mediator.centralServer) {
    out.push({ namespace: model.mediator.namespace, direction: 'egress', cidrs: anywhere, ports: centralServerPorts, why: 'security servers download global configuration from the instance\'s central server' });
  }
  const byId = new Map(model.buildingBlocks.map((b) => [b.id, b]));
  const crosses = model.flows.some((f) => f.via === 'mediator' && (byId.get(f.from)!.product.kind === 'external' || byId.get(f.to)!.product.kind === 'external'));
  if (crosses) {
    for (const direction of ['ingress', 'egress'] as const) {
      out.push({ namespace: model.mediator.namespace, direction, cidrs: anywhere, ports: xroadPeerPorts, why: 'security servers exchange signed messages with X-Road members outside this cluster' });
    }
  }
  if (model.observability.enabled) {
    out.push({ namespace: model.observability.namespace, direction: 'egress', cidrs: anywhere, ports: kubeApiPorts, why: 'Prometheus discovers scrape targets through the Kubernetes API' });
    out.push({ namespace: collectorNamespace(model), direction: 'egress', cidrs: anywhere, ports: kubeApiPorts, why: 'the log collector discovers pods through the Kubernetes API' });
  }
  for (const block of deployedBlocks(model)) {
    for (const need of block.egress) {
      const override = model.overrides.find((o) => o.control === 'egress' && o.target === block.id && o.justification === need.reason);
      out.push({ namespace: block.namespace, direction: 'egress', cidrs: need.cidrs, ports: need.ports, why: `${block.id} egress "${need.name}"`, reason: need.reason, pointer: override?.pointer ?? block.pointer });
    }
  }
  return out;
}
