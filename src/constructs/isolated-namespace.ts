import { Construct } from 'constructs';
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { PodSecurityLevel } from '../blueprint/types';
import { Control, controlAnnotation, controls } from '../policy/controls';
import { commonLabels, namespaceNameLabel, podSecurityLabels } from './labels';

export interface IsolatedNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Deployment (blueprint) name, stamped on every object. */
  readonly deployment: string;
  /** Component this namespace holds: a building block id or a platform component. */
  readonly component: string;
  /** Pod Security level enforced. @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /** Extra namespace labels, e.g. the gateway attachment label. @default - none */
  readonly labels?: Record<string, string>;
  /** Justification recorded on the namespace when its Pod Security level is relaxed. @default - none */
  readonly podSecurityJustification?: string;
}

/** The other end of an allowed connection: a namespace, or named address ranges. */
export type Peer = { readonly namespace: string } | { readonly name: string; readonly cidrs: readonly string[] };

/** A port a NetworkPolicy rule opens. */
export interface PortRule {
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

/**
 * A namespace for one component, isolated by default: Pod Security enforced, default-deny
 * NetworkPolicy (DNS and same-namespace traffic allowed, e.g. to the component's own
 * datastore), a ServiceAccount without token automount, and default container limits.
 * Other traffic is opened one rule at a time with `allowIngress` and `allowEgress`.
 */
export class IsolatedNamespace extends Construct {
  /** The namespace name as a reference, so resources placed in it depend on it. */
  readonly name: string;
  /** The ServiceAccount's literal name (the component id). */
  readonly serviceAccountName: string;
  /** The ServiceAccount resource, for explicit dependencies. */
  readonly serviceAccount: ServiceAccountV1;
  /** The namespace resource, for explicit dependencies. */
  readonly resource: NamespaceV1;
  /** The default-limits LimitRange, for explicit dependencies. */
  readonly limitRange: LimitRangeV1;
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps) {
    super(scope, id);
    const level = props.podSecurity ?? 'restricted';
    this.labels = commonLabels(props.deployment, props.component);
    this.resource = new NamespaceV1(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...this.labels, ...podSecurityLabels(level), ...props.labels },
        annotations: {
          ...controlAnnotation(controls.podSecurity, controls.defaultDeny),
          ...(props.podSecurityJustification ? { 'govstack.global/pod-security-justification': props.podSecurityJustification } : {}),
        },
      },
    });
    this.name = this.resource.metadata.name;

    this.serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: props.component, namespace: this.name, labels: this.labels, annotations: controlAnnotation(controls.serviceAccount) },
      automountServiceAccountToken: false,
    });
    this.serviceAccountName = props.component;

    this.limitRange = new LimitRangeV1(this, 'DefaultLimits', {
      metadata: { name: 'default-limits', namespace: this.name, labels: this.labels, annotations: controlAnnotation(controls.resources) },
      spec: {
        limit: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }],
      },
    });

    this.policy('DefaultDeny', 'default-deny', controls.defaultDeny, { policyTypes: ['Ingress', 'Egress'] });
    this.policy('AllowDns', 'allow-dns', controls.defaultDeny, {
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { [namespaceNameLabel]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
        },
      ],
    });
    this.policy('AllowSameNamespace', 'allow-same-namespace', controls.defaultDeny, {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
  }

  /**
   * What must exist before any release is installed here: the ServiceAccount the workloads
   * run as and the LimitRange that gives every container a floor (admission applies it only
   * to Pods created after it).
   */
  get prerequisites(): (ServiceAccountV1 | LimitRangeV1)[] {
    return [this.serviceAccount, this.limitRange];
  }

  /** Allow traffic from `peer` to every pod here on `ports`. */
  allowIngress(id: string, peer: Peer, ports: readonly PortRule[], annotations: Record<string, string> = {}): void {
    this.policy(`AllowIngress${id}`, `allow-ingress-from-${peerName(peer)}`, controls.declaredFlow, {
      policyTypes: ['Ingress'],
      ingress: [{ from: peerSelectors(peer), ports: portList(ports) }],
    }, annotations);
  }

  /** Allow every pod here to reach `peer` on `ports`. */
  allowEgress(id: string, peer: Peer, ports: readonly PortRule[], annotations: Record<string, string> = {}): void {
    this.policy(`AllowEgress${id}`, `allow-egress-to-${peerName(peer)}`, controls.declaredFlow, {
      policyTypes: ['Egress'],
      egress: [{ to: peerSelectors(peer), ports: portList(ports) }],
    }, annotations);
  }

  private policy(id: string, name: string, control: Control, spec: Omit<ConstructorParameters<typeof NetworkPolicyV1>[2]['spec'], 'podSelector'>, annotations: Record<string, string> = {}): void {
    new NetworkPolicyV1(this, id, {
      metadata: { name, namespace: this.name, labels: this.labels, annotations: { ...controlAnnotation(control), ...annotations } },
      spec: { podSelector: {}, ...spec },
    });
  }
}

function peerName(peer: Peer): string {
  return 'namespace' in peer ? peer.namespace : peer.name;
}

function peerSelectors(peer: Peer) {
  if ('namespace' in peer) return [{ namespaceSelector: { matchLabels: { [namespaceNameLabel]: peer.namespace } } }];
  return peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

function portList(ports: readonly PortRule[]) {
  return ports.map((p) => ({ port: String(p.port), protocol: p.protocol ?? 'TCP' }));
}
