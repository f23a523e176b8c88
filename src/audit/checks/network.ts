import { Check, Evidence, Finding } from '../types';
import { TerraformView, TfPolicy } from '../terraform';
import { expectedExternal, expectedLinks, expectedNamespaces } from '../expected';
import { finding, tf, unique } from './util';

/** One side of a namespace-to-namespace allow, as a NetworkPolicy rule states it. */
interface Side {
  readonly policy: TfPolicy;
  /** Empty: every port. */
  readonly ports: readonly string[];
}

/** Allowed (from>to) pairs as the NetworkPolicies state them, per side. */
export function namespaceAllows(view: TerraformView): { ingress: Map<string, Side[]>; egress: Map<string, Side[]> } {
  const ingress = new Map<string, Side[]>();
  const egress = new Map<string, Side[]>();
  const push = (map: Map<string, Side[]>, key: string, side: Side) => map.set(key, [...(map.get(key) ?? []), side]);
  for (const policy of view.policies) {
    for (const rule of policy.rules) {
      for (const peer of rule.peers) {
        if (!peer.namespace || peer.namespace === 'kube-system') continue;
        const ports = rule.ports.map((p) => `${p.port}/${p.protocol}`);
        if (rule.direction === 'ingress') push(ingress, `${peer.namespace}>${policy.namespace}`, { policy, ports });
        else push(egress, `${policy.namespace}>${peer.namespace}`, { policy, ports });
      }
    }
  }
  return { ingress, egress };
}

const addresses = (sides: readonly Side[] | undefined): Evidence[] => unique((sides ?? []).map((s) => s.policy.address)).map(tf);

export const networkDefaultDeny: Check = {
  id: 'network-default-deny',
  title: 'Every namespace denies all traffic by default',
  requirements: ['govstack-cfr-security#req-8'],
  scope: 'Every namespace the deployment creates: a NetworkPolicy selecting all pods with policy types Ingress and Egress and no allow rule.',
  run({ model, tf: view }) {
    return expectedNamespaces(model).map(({ name }): Finding => {
      const ns = view.namespace(name);
      if (!ns) return finding('FAIL', `namespace ${name}`, 'the namespace is missing from the Terraform output', []);
      const deny = view.policiesIn(name).find((p) => p.allPods && p.policyTypes.includes('Ingress') && p.policyTypes.includes('Egress') && p.rules.length === 0);
      return deny
        ? finding('PASS', `namespace ${name}`, 'default-deny policy for ingress and egress', [tf(ns.address), tf(deny.address)])
        : finding('FAIL', `namespace ${name}`, 'no default-deny NetworkPolicy (all pods, Ingress and Egress, no rules)', [tf(ns.address)]);
    });
  },
};

export const networkDeclaredFlows: Check = {
  id: 'network-declared-flows',
  title: 'NetworkPolicies connect exactly the declared flows, gateway routes and platform links',
  requirements: ['govstack-cfr-security#req-8', 'govstack-cfr-architecture#req-2'],
  scope:
    'Reconstructs every namespace-to-namespace allow from the NetworkPolicies in cdk.tf.json (a connection needs egress on one end and ingress on the other) and compares them with what the model declares: flows (direct, or through the mediator), gateway routes, metrics scraping and the platform\'s own links. DNS to kube-system and traffic within a namespace (a component and its own datastore) are the isolation defaults. Address-range rules are covered by network-egress-beyond-cluster.',
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const { ingress, egress } = namespaceAllows(view);
    const expected = expectedLinks(model);
    const expectedKeys = new Set(expected.map((l) => `${l.from}>${l.to}`));
    for (const link of expected) {
      const key = `${link.from}>${link.to}`;
      const out = egress.get(key);
      const inn = ingress.get(key);
      const evidence = [...addresses(out), ...addresses(inn), ...link.pointers.map(blueprint)];
      if (out && inn) findings.push(finding('PASS', `${link.from} -> ${link.to}`, `allowed on both ends: ${link.why}`, evidence));
      else findings.push(finding('FAIL', `${link.from} -> ${link.to}`, `declared (${link.why}) but ${out ? 'no ingress' : inn ? 'no egress' : 'no'} NetworkPolicy allows it`, evidence));
    }
    for (const key of unique([...egress.keys(), ...ingress.keys()]).sort()) {
      if (expectedKeys.has(key)) continue;
      const [from, to] = key.split('>');
      const sides = [egress.has(key) ? 'egress' : '', ingress.has(key) ? 'ingress' : ''].filter(Boolean).join(' and ');
      findings.push(finding('FAIL', `${from} -> ${to}`, `allowed (${sides}) but no flow, route or platform link declares it`, [...addresses(egress.get(key)), ...addresses(ingress.get(key))]));
    }
    for (const policy of view.policies) {
      for (const rule of policy.rules) {
        if (rule.peers.length === 0) {
          findings.push(finding('FAIL', `policy ${policy.name} in ${policy.namespace}`, `an ${rule.direction} rule without peers admits every ${rule.direction === 'ingress' ? 'source' : 'destination'}`, [tf(policy.address)]));
        }
        for (const peer of rule.peers) {
          if (peer.broad) findings.push(finding('FAIL', `policy ${policy.name} in ${policy.namespace}`, `an ${rule.direction} peer selects namespaces by something other than one name`, [tf(policy.address)]));
          if (peer.namespace === 'kube-system' && (rule.direction !== 'egress' || rule.ports.some((p) => p.port !== '53') || rule.ports.length === 0)) {
            findings.push(finding('FAIL', `policy ${policy.name} in ${policy.namespace}`, 'kube-system is reachable beyond DNS (port 53)', [tf(policy.address)]));
          }
        }
      }
    }
    return findings;
  },
};

export const apiOnly: Check = {
  id: 'api-only',
  title: 'Building blocks reach each other only on their API ports',
  requirements: ['govstack-cfr-architecture#req-2', 'govstack-cfr-architecture#req-1'],
  scope:
    'For every declared flow, the ports both ends open: a direct flow only the provider\'s API (Service) port, a mediated flow only the security server\'s client port and, from the mediator, the provider\'s API port. So no building block reaches another\'s datastore or admin ports. Every other namespace-to-namespace rule must name its ports too.',
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const { ingress, egress } = namespaceAllows(view);
    const expected = new Map(expectedLinks(model).map((l) => [`${l.from}>${l.to}`, l]));
    for (const link of expected.values()) {
      if (!link.api) continue;
      const key = `${link.from}>${link.to}`;
      const sides = [...(egress.get(key) ?? []), ...(ingress.get(key) ?? [])];
      if (sides.length === 0) continue; // missing links are network-declared-flows findings
      const want = link.ports.map((p) => `${p}/TCP`).sort().join(',');
      const wrong = sides.filter((s) => s.ports.length === 0 || [...s.ports].sort().join(',') !== want);
      findings.push(
        wrong.length === 0
          ? finding('PASS', `${link.from} -> ${link.to}`, `only port ${link.ports.join(', ')} (${link.why})`, [...addresses(sides), ...link.pointers.map(blueprint)])
          : finding('FAIL', `${link.from} -> ${link.to}`, `opens ${wrong.map((s) => (s.ports.length ? s.ports.join(', ') : 'every port')).join('; ')} instead of ${want}`, [...addresses(wrong), ...link.pointers.map(blueprint)]),
      );
    }
    for (const [key, sides] of [...egress.entries(), ...ingress.entries()]) {
      const link = expected.get(key);
      if (!link || link.api) continue;
      const wide = sides.filter((s) => s.ports.length === 0 || s.ports.some((p) => !link.ports.map((n) => `${n}/TCP`).includes(p)));
      if (wide.length > 0) findings.push(finding('FAIL', key.replace('>', ' -> '), `opens ports beyond ${link.ports.join(', ')} (${link.why})`, addresses(wide)));
    }
    if (findings.length === 0) findings.push(finding('PASS', 'flows', 'no flow between building blocks is declared; no building block can reach another', []));
    return findings;
  },
};

export const networkEgressBeyondCluster: Check = {
  id: 'network-egress-beyond-cluster',
  title: 'Traffic to and from outside the cluster is limited to stated needs',
  requirements: ['govstack-cfr-security#req-8'],
  scope:
    'Every NetworkPolicy rule naming address ranges: the platform\'s needs (clients of the gateways, the Kubernetes API for controllers, X-Road peers) pass; a product\'s or the blueprint\'s egress carrying a written reason is WAIVED with that reason; anything else fails.',
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const expected = expectedExternal(model);
    for (const policy of view.policies) {
      for (const rule of policy.rules) {
        const cidrs = rule.peers.flatMap((p) => p.cidrs ?? []).sort();
        if (cidrs.length === 0) continue;
        const ports = rule.ports.map((p) => Number(p.port)).sort((a, b) => a - b);
        const subject = `${rule.direction} ${policy.namespace} ${rule.direction === 'ingress' ? '<-' : '->'} ${cidrs.join(', ')} port ${ports.length ? ports.join(', ') : 'any'}`;
        const match = expected.find(
          (e) => e.namespace === policy.namespace && e.direction === rule.direction && [...e.cidrs].sort().join() === cidrs.join() && [...e.ports].sort((a, b) => a - b).join() === ports.join() && ports.length > 0,
        );
        if (!match) {
          findings.push(finding('FAIL', subject, 'no platform need, product need or justified override accounts for this address-range rule', [tf(policy.address)]));
        } else if (match.reason) {
          const annotated = policy.annotations['govstack.global/egress-reason'] === match.reason;
          findings.push(
            annotated
              ? finding('WAIVED', subject, `${match.why}; the policy carries its reason`, [tf(policy.address), ...(match.pointer ? [blueprint(match.pointer)] : [])], { justification: match.reason })
              : finding('FAIL', subject, `${match.why}: the policy does not carry its reason (govstack.global/egress-reason)`, [tf(policy.address)]),
          );
        } else {
          findings.push(finding('PASS', subject, match.why, [tf(policy.address)]));
        }
      }
    }
    if (findings.length === 0) findings.push(finding('PASS', 'address ranges', 'no NetworkPolicy names an address range', []));
    return findings;
  },
};
