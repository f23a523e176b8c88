import { PodPort } from '../../catalog/types';

/**
 * Why a connection exists.
 * - `flow`: a declared direct flow between two building blocks.
 * - `mediator-hop`: one hop of a mediated flow (consumer → its organisation's security server,
 *   security server → security server, security server → provider, security server ↔ X-Road
 *   peers or central server outside the cluster).
 * - `route`: a gateway route (proxy → building block) and the gateways' clients.
 * - `control`: a platform component's own control path (gateway proxies → controller xDS).
 * - `scrape`: Prometheus → a metrics port. `trace`: OTLP export. `logs`: log collector → log store.
 * - `dns`: cluster DNS. `kube-api`: → the Kubernetes API server. `webhook`: API server → an
 *   admission webhook. `alert`: Alertmanager → a receiver. `egress`: a product's or the
 *   blueprint's declared need beyond the cluster.
 * - `compliance`: GovStack's compliance runner → a building block it tests, only while
 *   `compliance.enabled` (`govstack compliance`).
 */
export type ConnectionReason =
  | 'flow'
  | 'mediator-hop'
  | 'route'
  | 'control'
  | 'scrape'
  | 'trace'
  | 'logs'
  | 'dns'
  | 'kube-api'
  | 'webhook'
  | 'alert'
  | 'egress'
  | 'compliance';

/** Pods in a namespace, selected by labels (empty: every Pod of the namespace). */
export interface PodsEndpoint {
  /** What runs there: a building block id, `prometheus`, `security-server/<name>`, `gateway-external`, … */
  readonly component: string;
  /** Namespace of the Pods. */
  readonly namespace: string;
  /** Label selector of the Pods (`matchLabels`); empty selects every Pod of the namespace. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Addresses outside the cluster's Pods (the API server, nodes, Internet peers), by name. */
export interface AddressEndpoint {
  /** A DNS label naming the range, e.g. `kube-api`, `nodes`, `receiver-ops-mail`. */
  readonly name: string;
  /** IPv4 CIDRs of the range, e.g. `10.0.0.0/8`. */
  readonly cidrs: readonly string[];
}

/** Either end of a connection: Pods in the cluster, or named addresses outside them. */
export type Endpoint = PodsEndpoint | AddressEndpoint;

/**
 * One allowed connection. `ports` are where the destination listens: a Pod's container port
 * (never a Service port) for a Pods endpoint, the remote port for an address endpoint.
 */
export interface Connection {
  /** Stable, unique id, e.g. `flow:registration->digital-registries`; also names the NetworkPolicies. */
  readonly id: string;
  /** The end that opens the connection (its NetworkPolicy egress). */
  readonly from: Endpoint;
  /** The end that accepts it (its NetworkPolicy ingress, for Pods). */
  readonly to: Endpoint;
  /** Destination ports, each a number or a named container port. */
  readonly ports: readonly PodPort[];
  /** Transport protocol of every port. */
  readonly protocol: 'TCP' | 'UDP';
  /** Why it exists, which decides how the audit reports it. */
  readonly reason: ConnectionReason;
  /** One sentence for the audit and the diagram. */
  readonly why: string;
  /** Blueprint pointers declaring it (flows, exposure, receivers, overrides). */
  readonly pointers: readonly string[];
  /** Declared flows this connection carries, as `consumer->provider`. */
  readonly flows?: readonly string[];
  /** Set when the connection relaxes isolation on a written reason (a product's or a justified override): WAIVED, not PASS. */
  readonly justification?: string;
}

export function isPods(endpoint: Endpoint): endpoint is PodsEndpoint {
  return 'namespace' in endpoint;
}

/** `namespace/component`, or the address range's name: for messages and ids. */
export function endpointName(endpoint: Endpoint): string {
  return isPods(endpoint) ? `${endpoint.namespace}/${endpoint.component}` : endpoint.name;
}
