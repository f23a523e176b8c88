import { createHash } from 'node:crypto';
import {
  NetworkPolicyV1,
  NetworkPolicyV1SpecEgressTo,
  NetworkPolicyV1SpecIngressFrom,
} from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Connection, Endpoint, isPods } from '../model/connections/types';
import { controlAnnotation, controls } from '../policy/controls';
import { IsolatedNamespace } from './isolated-namespace';
import { namespaceNameLabel } from './labels';

/** Annotation naming the graph edge a NetworkPolicy renders; the audit reads it back. */
export const connectionAnnotation = 'govstack.global/connection';
/** Annotation carrying the written reason of an edge that relaxes isolation (WAIVED in the audit). */
export const egressReasonAnnotation = 'govstack.global/egress-reason';

/**
 * Render the connection graph as NetworkPolicies: for each edge, an egress policy in the
 * source's namespace (selecting the source Pods, naming the destination Pods or addresses and
 * the destination's Pod ports) and an ingress policy in the destination's namespace (the
 * mirror), each only where that namespace is one this stack creates (`namespaces`, by name).
 * This is the only place a NetworkPolicy allow is created; both ends come from one edge.
 */
export function renderConnections(namespaces: ReadonlyMap<string, IsolatedNamespace>, connections: readonly Connection[]): void {
  for (const connection of connections) {
    const ports = connection.ports.map((p) => ({ port: String(p.port), protocol: connection.protocol }));
    const annotations = {
      ...controlAnnotation(controls.declaredFlow),
      [connectionAnnotation]: connection.id,
      'govstack.global/reason': connection.reason,
      ...(connection.justification ? { [egressReasonAnnotation]: connection.justification } : {}),
      ...(connection.flows ? { 'govstack.global/flow': connection.flows.join(',') } : {}),
    };
    const slug = policySlug(connection.id);
    if (isPods(connection.from)) {
      const home = namespaces.get(connection.from.namespace);
      if (home) {
        new NetworkPolicyV1(home, `Egress-${slug}`, {
          metadata: { name: `egress-${slug}`, namespace: home.name, labels: home.labels, annotations },
          spec: {
            podSelector: selector(connection.from.podLabels),
            policyTypes: ['Egress'],
            egress: [{ to: peers(connection.to, connection.from.namespace), ports }],
          },
        });
      }
    }
    if (isPods(connection.to)) {
      const home = namespaces.get(connection.to.namespace);
      if (home) {
        new NetworkPolicyV1(home, `Ingress-${slug}`, {
          metadata: { name: `ingress-${slug}`, namespace: home.name, labels: home.labels, annotations },
          spec: {
            podSelector: selector(connection.to.podLabels),
            policyTypes: ['Ingress'],
            ingress: [{ from: peers(connection.from, connection.to.namespace), ports }],
          },
        });
      }
    }
  }
}

function selector(labels: Readonly<Record<string, string>>) {
  return Object.keys(labels).length === 0 ? {} : { matchLabels: { ...labels } };
}

/** The other end as NetworkPolicy peers: its namespace (by name) and Pods (by labels), or its address ranges. */
function peers(other: Endpoint, _home: string): (NetworkPolicyV1SpecEgressTo & NetworkPolicyV1SpecIngressFrom)[] {
  if (!isPods(other)) return other.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return [
    {
      namespaceSelector: { matchLabels: { [namespaceNameLabel]: other.namespace } },
      ...(Object.keys(other.podLabels).length > 0 ? { podSelector: { matchLabels: { ...other.podLabels } } } : {}),
    },
  ];
}

/** A DNS-label-safe policy name suffix from an edge id, shortened with a hash past 200 characters. */
export function policySlug(id: string): string {
  const slug = id
    .toLowerCase()
    .replace(/->/g, '-to-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= 200) return slug;
  return `${slug.slice(0, 193).replace(/-+$/, '')}-${createHash('sha256').update(id).digest('hex').slice(0, 6)}`;
}
