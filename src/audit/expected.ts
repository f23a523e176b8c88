import { gatewayCatalog, kubernetesCatalog, mediatorCatalog, observabilityCatalog } from '../catalog';
import { PodPort } from '../catalog/types';
import { Connection, isPods } from '../model/connections/types';
import { deployedBlocks, deploymentNamespaces } from '../model/namespaces';
import { allSecurityServerPods, buildingBlockPods } from '../model/pod-labels';
import { documentServerPods, documentServerPort } from '../model/service-descriptions';
import { DeploymentModel } from '../model/types';
import { ordinal } from '../ordinal';

/**
 * What the audit compares the synthesised Terraform with, taken from the model (its connection
 * graph and namespaces) and the catalog's facts about where Pods listen. Nothing here is a
 * constant of its own.
 */

export { deployedBlocks };

/** Every namespace the deployment should create, with the component it holds. */
export const expectedNamespaces = deploymentNamespaces;

/** One end of an edge as a NetworkPolicy states it: the policy's namespace and Pods, the peer, the ports. */
export interface PolicyEnd {
  readonly direction: 'ingress' | 'egress';
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly peer:
    { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> } | { readonly cidrs: readonly string[] };
  /** `port/PROTOCOL`, sorted. */
  readonly ports: readonly string[];
}

/** A stable key for comparing ends; label maps and lists are sorted. */
export function endKey(end: PolicyEnd): string {
  const labels = (l: Readonly<Record<string, string>>) =>
    Object.entries(l)
      .sort(([a], [b]) => ordinal(a, b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  const peer =
    'cidrs' in end.peer ? `cidrs:${[...end.peer.cidrs].sort().join(',')}` : `ns:${end.peer.namespace}{${labels(end.peer.podLabels)}}`;
  return `${end.direction} ${end.namespace}{${labels(end.podLabels)}} ${end.direction === 'ingress' ? '<-' : '->'} ${peer} ports ${[...end.ports].sort().join(',')}`;
}

/** The NetworkPolicy ends an edge needs: egress where the source is a namespace of this deployment, ingress where the destination is. */
export function expectedEnds(model: DeploymentModel, connection: Connection): PolicyEnd[] {
  const managed = new Set(deploymentNamespaces(model).map((n) => n.name));
  const ports = connection.ports.map((p) => `${p.port}/${connection.protocol}`).sort();
  const peerOf = (e: Connection['from']) => (isPods(e) ? { namespace: e.namespace, podLabels: e.podLabels } : { cidrs: e.cidrs });
  const ends: PolicyEnd[] = [];
  if (isPods(connection.from) && managed.has(connection.from.namespace)) {
    ends.push({
      direction: 'egress',
      namespace: connection.from.namespace,
      podLabels: connection.from.podLabels,
      peer: peerOf(connection.to),
      ports,
    });
  }
  if (isPods(connection.to) && managed.has(connection.to.namespace)) {
    ends.push({
      direction: 'ingress',
      namespace: connection.to.namespace,
      podLabels: connection.to.podLabels,
      peer: peerOf(connection.from),
      ports,
    });
  }
  return ends;
}

/** Pods that listen, by namespace and labels, and the ports they listen on (catalog facts). */
export interface Listener {
  readonly what: string;
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly ports: readonly PodPort[];
}

/**
 * Where the deployment's Pods (and the cluster's DNS) listen, from the catalog: a building
 * block's container port (e.g. a mock's 3000) or its upstream chart's Pod port, every port of a
 * security server (and the mediator's document server when documents are bundled), the gateway proxies' and controller's ports, the observability stack's
 * receiving ports, CoreDNS. Independent of the connection graph, so a graph or policy that
 * opens a Service port instead of the Pod's is caught.
 */
export function listeners(model: DeploymentModel): Listener[] {
  const gw = model.gateway.namespaces;
  const out: Listener[] = [];
  for (const block of deployedBlocks(model)) {
    const pods = buildingBlockPods(block);
    if (pods)
      out.push({ what: `${block.id} (${block.product.id})`, namespace: block.namespace, podLabels: pods.labels, ports: [pods.port] });
  }
  out.push({
    what: 'security servers',
    namespace: model.mediator.namespace,
    podLabels: allSecurityServerPods,
    ports: Object.values(mediatorCatalog.securityServer.ports).map((port) => ({ port })),
  });
  if (model.buildingBlocks.some((b) => b.apiDocuments.some((d) => d.bundled))) {
    out.push({
      what: "the mediator's document server",
      namespace: model.mediator.namespace,
      podLabels: documentServerPods,
      ports: [documentServerPort],
    });
  }
  const p = gatewayCatalog.pods;
  for (const which of ['external', 'internal'] as const)
    out.push({
      what: `${which} gateway proxies`,
      namespace: gw[which],
      podLabels: p.proxyLabels,
      ports: [p.proxyHttps, p.proxyHttp, p.proxyStats],
    });
  out.push({ what: 'gateway controller', namespace: gw.controller, podLabels: {}, ports: [p.xds, p.webhook] });
  if (model.observability.enabled) {
    out.push({
      what: 'observability stack',
      namespace: model.observability.namespace,
      podLabels: {},
      ports: [observabilityCatalog.logs.pushPort, observabilityCatalog.traces.otlpGrpcPort, observabilityCatalog.traces.otlpHttpPort]
        .map((port) => ({ port }))
        .concat([observabilityCatalog.metrics.operatorWebhook]),
    });
  }
  out.push({
    what: 'cluster DNS',
    namespace: kubernetesCatalog.dns.namespace,
    podLabels: kubernetesCatalog.dns.podLabels,
    ports: [...kubernetesCatalog.dns.ports, kubernetesCatalog.dns.metricsPort],
  });
  return out;
}
