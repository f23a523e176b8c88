import { Check, Evidence, Finding } from '../types';
import { TerraformView, TfPolicy } from '../terraform';
import { endKey, expectedEnds, expectedNamespaces, listeners, PolicyEnd } from '../expected';
import { Connection, endpointName } from '../../model/connections/types';
import { finding, tf, unique } from './util';

/** One side of a namespace-to-namespace allow, as a NetworkPolicy rule states it. */
interface Side {
  readonly policy: TfPolicy;
  /** Empty: every port. */
  readonly ports: readonly string[];
}

/** Allowed (from>to) namespace pairs as the NetworkPolicies state them, per side (for checks that ask "may A reach B at all"). */
export function namespaceAllows(view: TerraformView): { ingress: Map<string, Side[]>; egress: Map<string, Side[]> } {
  const ingress = new Map<string, Side[]>();
  const egress = new Map<string, Side[]>();
  const push = (map: Map<string, Side[]>, key: string, side: Side) => map.set(key, [...(map.get(key) ?? []), side]);
  for (const policy of view.policies) {
    for (const rule of policy.rules) {
      for (const peer of rule.peers) {
        if (!peer.namespace) continue;
        const ports = rule.ports.map((p) => `${p.port}/${p.protocol}`);
        if (rule.direction === 'ingress') push(ingress, `${peer.namespace}>${policy.namespace}`, { policy, ports });
        else push(egress, `${policy.namespace}>${peer.namespace}`, { policy, ports });
      }
    }
  }
  return { ingress, egress };
}

/** Every allow rule of the synthesised policies as edge ends (same-namespace defaults left out), with the policy stating it. */
export function renderedEnds(view: TerraformView): { end: PolicyEnd; policy: TfPolicy }[] {
  const out: { end: PolicyEnd; policy: TfPolicy }[] = [];
  for (const policy of view.policies) {
    for (const rule of policy.rules) {
      const ports = rule.ports.map((p) => `${p.port}/${p.protocol}`).sort();
      const base = { direction: rule.direction, namespace: policy.namespace, podLabels: policy.podLabels, ports };
      const cidrs = rule.peers.flatMap((p) => p.cidrs ?? []);
      if (cidrs.length > 0) out.push({ end: { ...base, peer: { cidrs } }, policy });
      for (const peer of rule.peers) {
        if (peer.namespace) out.push({ end: { ...base, peer: { namespace: peer.namespace, podLabels: peer.podLabels ?? {} } }, policy });
      }
    }
  }
  return out;
}

/** For each edge, its expected ends and the policies found for each; plus the rendered ends no edge accounts for. */
export function compareWithGraph(ctx: { model: Parameters<typeof expectedEnds>[0]; tf: TerraformView }) {
  const rendered = renderedEnds(ctx.tf);
  const byKey = new Map<string, TfPolicy[]>();
  for (const { end, policy } of rendered) byKey.set(endKey(end), [...(byKey.get(endKey(end)) ?? []), policy]);
  const expectedKeys = new Set<string>();
  const edges = ctx.model.connections.map((connection) => {
    const ends = expectedEnds(ctx.model, connection).map((end) => {
      const key = endKey(end);
      expectedKeys.add(key);
      return { end, key, policies: byKey.get(key) ?? [] };
    });
    return { connection, ends };
  });
  const extra = rendered.filter(({ end }) => !expectedKeys.has(endKey(end)));
  return { edges, extra };
}

/** A FAIL for each rendered policy end no edge declares: peers that are Pods, or address ranges. */
function undeclared(extra: ReturnType<typeof compareWithGraph>['extra'], peers: 'pods' | 'addresses'): Finding[] {
  return extra
    .filter(({ end }) => 'cidrs' in end.peer === (peers === 'addresses'))
    .map(({ end, policy }) =>
      finding(
        'FAIL',
        `policy ${policy.name} in ${policy.namespace}`,
        `opens ${endKey(end)}, which no edge of the connection graph declares`,
        [tf(policy.address)],
      ),
    );
}

const evidenceOf = (policies: readonly TfPolicy[]): Evidence[] => unique(policies.map((p) => p.address)).map(tf);
const describe = (c: Connection) =>
  `${endpointName(c.from)} -> ${endpointName(c.to)} port ${c.ports.map((p) => p.port).join(', ')}/${c.protocol}`;

export const networkDefaultDeny: Check = {
  id: 'network-default-deny',
  title: 'Every namespace denies all traffic by default',
  requirements: ['govstack-cfr-security#req-8'],
  scope:
    'Every namespace the deployment creates: a NetworkPolicy selecting all pods with policy types Ingress and Egress and no allow rule.',
  run({ model, tf: view }) {
    return expectedNamespaces(model).map(({ name }): Finding => {
      const ns = view.namespace(name);
      if (!ns) return finding('FAIL', `namespace ${name}`, 'the namespace is missing from the Terraform output', []);
      const deny = view
        .policiesIn(name)
        .find((p) => p.allPods && p.policyTypes.includes('Ingress') && p.policyTypes.includes('Egress') && p.rules.length === 0);
      return deny
        ? finding('PASS', `namespace ${name}`, 'default-deny policy for ingress and egress', [tf(ns.address), tf(deny.address)])
        : finding('FAIL', `namespace ${name}`, 'no default-deny NetworkPolicy (all pods, Ingress and Egress, no rules)', [tf(ns.address)]);
    });
  },
};

export const networkDeclaredFlows: Check = {
  id: 'network-declared-flows',
  title: "NetworkPolicies open exactly the connection graph: declared flows, gateway routes and the platform's own paths",
  requirements: ['govstack-cfr-security#req-8', 'govstack-cfr-architecture#req-2'],
  scope:
    "Reads every allow rule of the NetworkPolicies in cdk.tf.json (policy namespace and Pod selector, peer namespace and Pod selector or address ranges, ports) and compares both ways with the model's connection graph: every edge must be opened on each end this deployment owns (egress at the source, ingress at the destination, the same Pods and Pod ports), and no rule may open what no edge declares. Traffic within a namespace (a component and its own datastore) is the isolation default. Edges to address ranges are reported by network-egress-beyond-cluster.",
  run(ctx) {
    const { model, blueprint } = ctx;
    const findings: Finding[] = [];
    const { edges, extra } = compareWithGraph(ctx);
    for (const { connection, ends } of edges) {
      if (ends.length === 0 || ends.every((e) => 'cidrs' in e.end.peer)) continue;
      const missing = ends.filter((e) => e.policies.length === 0);
      const evidence = [...evidenceOf(ends.flatMap((e) => e.policies)), ...connection.pointers.map(blueprint)];
      findings.push(
        missing.length === 0
          ? finding(
              'PASS',
              describe(connection),
              `${connection.reason}: ${connection.why}; opened on ${ends.map((e) => e.end.direction).join(' and ')}`,
              evidence,
            )
          : finding(
              'FAIL',
              describe(connection),
              `${connection.reason}: ${connection.why}; no NetworkPolicy states ${missing.map((e) => e.key).join('; ')}`,
              evidence,
            ),
      );
    }
    findings.push(...undeclared(extra, 'pods'));
    for (const policy of ctx.tf.policies) {
      for (const rule of policy.rules) {
        if (rule.peers.length === 0) {
          findings.push(
            finding(
              'FAIL',
              `policy ${policy.name} in ${policy.namespace}`,
              `an ${rule.direction} rule without peers admits every ${rule.direction === 'ingress' ? 'source' : 'destination'}`,
              [tf(policy.address)],
            ),
          );
        }
        if (rule.peers.some((p) => p.broad))
          findings.push(
            finding(
              'FAIL',
              `policy ${policy.name} in ${policy.namespace}`,
              `an ${rule.direction} peer selects namespaces or Pods by something other than one namespace name and labels`,
              [tf(policy.address)],
            ),
          );
        if (rule.ports.length === 0 && rule.peers.some((p) => !p.sameNamespace))
          findings.push(
            finding('FAIL', `policy ${policy.name} in ${policy.namespace}`, `an ${rule.direction} rule opens every port`, [
              tf(policy.address),
            ]),
          );
      }
    }
    if (model.connections.length === 0) findings.push(finding('FAIL', 'connection graph', 'the model has no connection at all', []));
    return findings;
  },
};

/**
 * Every allow rule with the Pods it opens ports on: an ingress rule opens its own policy's Pods
 * whatever its peers (none at all included: it admits everyone), an egress rule the Pods of
 * each namespace peer.
 */
function destinations(view: TerraformView): {
  end: { direction: string; ports: readonly string[] };
  policy: TfPolicy;
  dest: { namespace: string; podLabels: Readonly<Record<string, string>> };
}[] {
  const out: ReturnType<typeof destinations> = [];
  for (const policy of view.policies) {
    for (const rule of policy.rules) {
      const end = { direction: rule.direction, ports: rule.ports.map((p) => `${p.port}/${p.protocol}`).sort() };
      if (rule.direction === 'ingress') out.push({ end, policy, dest: { namespace: policy.namespace, podLabels: policy.podLabels } });
      else
        for (const peer of rule.peers)
          if (peer.namespace) out.push({ end, policy, dest: { namespace: peer.namespace, podLabels: peer.podLabels ?? {} } });
    }
  }
  return out;
}

export const networkPodPorts: Check = {
  id: 'network-pod-ports',
  title: 'NetworkPolicies open the ports the Pods listen on, never a Service port',
  requirements: ['govstack-cfr-security#req-8', 'govstack-cfr-architecture#req-2'],
  scope:
    "A NetworkPolicy matches the destination Pod's port, not the Service's. For every allow rule whose destination is Pods of this deployment or cluster DNS, the opened ports must be ports those Pods listen on, from the catalog: a building block's container port (a mock's 3000, eSignet's 8088) or its chart's Pod port, the security servers', gateway proxies', controller's, observability stack's and CoreDNS's ports. A rule opening any other port lets nothing through on a real cluster while looking open: FAIL.",
  run({ model, tf: view }) {
    const findings: Finding[] = [];
    const known = listeners(model);
    const within = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
      Object.entries(a).every(([k, v]) => b[k] === v);
    for (const { end, policy, dest } of destinations(view)) {
      const inNamespace = known.filter((l) => l.namespace === dest.namespace);
      if (inNamespace.length === 0) continue;
      const selected = inNamespace.filter((l) => within(dest.podLabels, l.podLabels) || within(l.podLabels, dest.podLabels));
      const listening = new Set(selected.flatMap((l) => l.ports.map((p) => p.port)));
      const subject = `${end.direction} policy ${policy.name} in ${policy.namespace}`;
      const bad = end.ports.filter((p) => !listening.has(Number(p.split('/')[0])));
      if (selected.length === 0)
        findings.push(
          finding('FAIL', subject, `selects Pods in ${dest.namespace} that no catalog fact says listen anywhere`, [tf(policy.address)]),
        );
      else if (bad.length > 0)
        findings.push(
          finding(
            'FAIL',
            subject,
            `opens ${bad.join(', ')} to ${dest.namespace}, where no Pod listens (${selected.map((l) => `${l.what}: ${l.ports.map((p) => p.port).join(', ')}`).join('; ')})`,
            [tf(policy.address)],
          ),
        );
      else
        findings.push(
          finding('PASS', subject, `opens ${end.ports.join(', ')}, where ${selected.map((l) => l.what).join(', ')} listen`, [
            tf(policy.address),
          ]),
        );
    }
    if (findings.length === 0) findings.push(finding('FAIL', 'pod ports', 'no NetworkPolicy rule reaches a Pod of this deployment', []));
    return findings;
  },
};

export const apiOnly: Check = {
  id: 'api-only',
  title: 'Building blocks reach each other only on their API ports',
  requirements: ['govstack-cfr-architecture#req-2', 'govstack-cfr-architecture#req-1'],
  scope:
    "For every declared flow, the connection graph's edges (direct: consumer Pods → provider Pods on the provider's API Pod port; mediated: consumer → its own organisation's security server on the client port, security server → security server on the message ports, security server → provider on the API Pod port) and the policies stating them, both ends, exactly those Pods and ports. So no building block reaches another's datastore or admin ports, nor another organisation's security server.",
  run(ctx) {
    const findings: Finding[] = [];
    for (const { connection, ends } of compareWithGraph(ctx).edges) {
      if (connection.reason !== 'flow' && connection.reason !== 'mediator-hop') continue;
      const missing = ends.filter((e) => e.policies.length === 0);
      const evidence = [...evidenceOf(ends.flatMap((e) => e.policies)), ...connection.pointers.map(ctx.blueprint)];
      findings.push(
        missing.length === 0
          ? finding('PASS', describe(connection), `only these Pods and ports (${connection.flows?.join(', ') ?? connection.why})`, evidence)
          : finding('FAIL', describe(connection), `not stated as declared: ${missing.map((e) => e.key).join('; ')}`, evidence),
      );
    }
    if (findings.length === 0)
      findings.push(finding('PASS', 'flows', 'no flow between building blocks is declared; no building block can reach another', []));
    return findings;
  },
};

export const networkEgressBeyondCluster: Check = {
  id: 'network-egress-beyond-cluster',
  title: 'Traffic to and from outside the cluster is limited to stated needs',
  requirements: ['govstack-cfr-security#req-8'],
  scope:
    "Every NetworkPolicy rule naming address ranges, against the connection graph's edges to or from address ranges: the platform's needs (clients of the gateways, the Kubernetes API and its webhooks limited to the target's API server range, kubelets, alert receivers, X-Road peers) pass; a product's or the blueprint's egress carrying a written reason is WAIVED with that reason; anything else fails.",
  run(ctx) {
    const { blueprint } = ctx;
    const findings: Finding[] = [];
    const { edges, extra } = compareWithGraph(ctx);
    for (const { connection, ends } of edges) {
      for (const { end, key, policies } of ends) {
        if (!('cidrs' in end.peer)) continue;
        const subject = `${connection.id} (${end.direction} ${end.namespace})`;
        const evidence = [...evidenceOf(policies), ...connection.pointers.map(blueprint)];
        if (policies.length === 0)
          findings.push(finding('FAIL', subject, `declared (${connection.why}) but no NetworkPolicy states ${key}`, evidence));
        else if (connection.justification) {
          const annotated = policies.every((p) => p.annotations['govstack.global/egress-reason'] === connection.justification);
          findings.push(
            annotated
              ? finding('WAIVED', subject, `${connection.why}; the policy carries its reason`, evidence, {
                  justification: connection.justification,
                })
              : finding(
                  'FAIL',
                  subject,
                  `${connection.why}: the policy does not carry its reason (govstack.global/egress-reason)`,
                  evidence,
                ),
          );
        } else
          findings.push(finding('PASS', subject, `${connection.why}: ${end.peer.cidrs.join(', ')} port ${end.ports.join(', ')}`, evidence));
      }
    }
    findings.push(...undeclared(extra, 'addresses'));
    if (findings.length === 0) findings.push(finding('PASS', 'address ranges', 'no NetworkPolicy names an address range', []));
    return findings;
  },
};
