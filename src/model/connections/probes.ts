import { DeploymentModel } from '../types';
import { Connection, isPods } from './types';
import { securityServerPods } from '../pod-labels';
import { ordinal } from '../../ordinal';

/** Where a probe starts: Pods to impersonate (namespace and labels), or an address range outside the cluster. */
export type ProbeSource =
  { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> } | { readonly cidrs: readonly string[] };

/** Where a probe goes: a listener to run (namespace, labels, port), or an address range and port. */
export type ProbeDestination = (
  { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> } | { readonly cidrs: readonly string[] }
) & {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
};

/**
 * One connection attempt of the traffic test: a probe Pod carrying `source.podLabels` in
 * `source.namespace` connects to a listener carrying `destination.podLabels` in
 * `destination.namespace` on `destination.port`/`protocol`. `expect` is what the graph says:
 * `allowed` for an edge, `blocked` for a non-edge. An empty `podLabels` means any Pod of the
 * namespace (the probe may carry no extra label). A `cidrs` end is outside the cluster's Pods
 * (API server, nodes, Internet): a test that cannot place a peer there reports it as not run.
 */
export interface Probe {
  /** The edge's id (`Connection.id`) for `allowed`; a description of the sample for `blocked`. */
  readonly id: string;
  readonly source: ProbeSource;
  readonly destination: ProbeDestination;
  readonly expect: 'allowed' | 'blocked';
  readonly why: string;
}

/** Every connection the deployment allows: the model's graph, sorted by id. */
export function connectionGraph(model: DeploymentModel): readonly Connection[] {
  return model.connections;
}

/** The probes that exercise one edge: one per destination port, all expected `allowed`. */
export function probesFor(connection: Connection): Probe[] {
  const source: ProbeSource = isPods(connection.from)
    ? { namespace: connection.from.namespace, podLabels: connection.from.podLabels }
    : { cidrs: connection.from.cidrs };
  return connection.ports.map((p) => ({
    id: connection.ports.length > 1 ? `${connection.id}:${p.port}` : connection.id,
    source,
    destination: isPods(connection.to)
      ? { namespace: connection.to.namespace, podLabels: connection.to.podLabels, port: p.port, protocol: connection.protocol }
      : { cidrs: connection.to.cidrs, port: p.port, protocol: connection.protocol },
    expect: 'allowed' as const,
    why: connection.why,
  }));
}

const subset = (want: Readonly<Record<string, string>>, have: Readonly<Record<string, string>>) =>
  Object.entries(want).every(([k, v]) => have[k] === v);

/**
 * Whether the graph allows a Pod-to-Pod attempt, with NetworkPolicy semantics: some edge whose
 * source Pods and destination Pods select the probe's (labels as a subset) on that port and
 * protocol, or both ends in one namespace (traffic within a namespace is the isolation default).
 */
export function graphAllows(connections: readonly Connection[], probe: Omit<Probe, 'expect' | 'id' | 'why'>): boolean {
  const { source, destination } = probe;
  if (!('namespace' in source) || !('namespace' in destination)) return false;
  if (source.namespace === destination.namespace) return true;
  return connections.some(
    (c) =>
      isPods(c.from) &&
      isPods(c.to) &&
      c.from.namespace === source.namespace &&
      c.to.namespace === destination.namespace &&
      subset(c.from.podLabels, source.podLabels) &&
      subset(c.to.podLabels, destination.podLabels) &&
      c.protocol === destination.protocol &&
      c.ports.some((p) => p.port === destination.port),
  );
}

/**
 * A sample of connections the graph does NOT allow, each expected `blocked`, built from the
 * graph's own Pod-to-Pod edges so every probe targets a real listener's namespace and labels:
 * - another port on a real destination (the edge's port + 1, and the Service port 8080-style
 *   mistake: any port the destination does not open to that source);
 * - the same destination from another namespace of the deployment that has no edge to it;
 * - another organisation's security server: for each consumer → own security server edge, the
 *   same client port on every other security server.
 * Every sample is checked against `graphAllows`, so none is secretly an edge. Deterministic
 * (sorted by id, duplicates removed).
 */
export function nonEdgeSample(model: DeploymentModel): Probe[] {
  const edges = model.connections.filter((c) => isPods(c.from) && isPods(c.to));
  const out = new Map<string, Probe>();
  const offer = (probe: Probe) => {
    if (out.has(probe.id) || graphAllows(model.connections, probe)) return;
    out.set(probe.id, probe);
  };
  const namespaces = [
    ...new Set(
      edges
        .flatMap((c) => [c.from, c.to])
        .filter(isPods)
        .map((e) => e.namespace),
    ),
  ].sort();
  for (const c of edges) {
    if (!isPods(c.from) || !isPods(c.to)) continue;
    const source = { namespace: c.from.namespace, podLabels: c.from.podLabels };
    const to = { namespace: c.to.namespace, podLabels: c.to.podLabels };
    const open = new Set(c.ports.map((p) => p.port));
    const other = Math.max(...open) + 1;
    offer({
      id: `other-port:${c.id}:${other}`,
      source,
      destination: { ...to, port: other, protocol: c.protocol },
      expect: 'blocked',
      why: `${c.id} opens only ${[...open].join(', ')}`,
    });
    for (const ns of namespaces) {
      if (ns === c.from.namespace || ns === c.to.namespace) continue;
      offer({
        id: `other-namespace:${ns}->${c.to.namespace}/${c.to.component}:${c.ports[0].port}`,
        source: { namespace: ns, podLabels: {} },
        destination: { ...to, port: c.ports[0].port, protocol: c.protocol },
        expect: 'blocked',
        why: `no edge from ${ns} to ${c.to.namespace}/${c.to.component}`,
      });
    }
  }
  const servers = model.mediator.securityServers.map((s) => s.name);
  for (const c of edges) {
    if (c.reason !== 'mediator-hop' || !isPods(c.from) || !isPods(c.to) || !c.to.component.startsWith('security-server/')) continue;
    if (c.from.component.startsWith('security-server/')) continue;
    const own = c.to.component.slice('security-server/'.length);
    for (const name of servers.filter((s) => s !== own)) {
      offer({
        id: `other-organisation:${c.from.component}->security-server/${name}`,
        source: { namespace: c.from.namespace, podLabels: c.from.podLabels },
        destination: { namespace: c.to.namespace, podLabels: securityServerPods(name), port: c.ports[0].port, protocol: c.protocol },
        expect: 'blocked',
        why: `${c.from.component} may reach only its own organisation's security server (${own}), not ${name}`,
      });
    }
  }
  return [...out.values()].sort((a, b) => ordinal(a.id, b.id));
}
