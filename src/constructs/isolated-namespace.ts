import { Construct } from 'constructs';
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { PodSecurityLevel } from '../blueprint/types';
import { Control, controlAnnotation, controls } from '../policy/controls';
import { commonLabels, podSecurityLabels } from './labels';

/** Properties of {@link IsolatedNamespace}. */
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

/**
 * A namespace for one component, isolated by default: Pod Security enforced, default-deny
 * NetworkPolicy (same-namespace traffic allowed, e.g. to the component's own datastore), a
 * ServiceAccount without token automount, and default container limits. Every other allow,
 * DNS included, is an edge of the model's connection graph (`renderConnections`).
 */
export class IsolatedNamespace extends Construct {
  /** The namespace name as a reference, so resources placed in it depend on it. */
  readonly name: string;
  /** The namespace name as written (for lookups; `name` is a Terraform reference). */
  readonly literalName: string;
  /** The ServiceAccount's literal name (the component id). */
  readonly serviceAccountName: string;
  /** The ServiceAccount resource, for explicit dependencies. */
  readonly serviceAccount: ServiceAccountV1;
  /** The namespace resource, for explicit dependencies. */
  readonly resource: NamespaceV1;
  /** The default-limits LimitRange, for explicit dependencies. */
  readonly limitRange: LimitRangeV1;
  /** Labels stamped on everything in the namespace. */
  readonly labels: Record<string, string>;

  /**
   * Create the construct and everything it holds, from its props alone.
   * @param scope - the parent construct (for a stack, the `App`)
   * @param id - construct id; part of every resource's logical id, so changing it replaces resources
   * @param props - see IsolatedNamespaceProps
   */
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
    this.literalName = props.name;

    this.serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: {
        name: props.component,
        namespace: this.name,
        labels: this.labels,
        annotations: controlAnnotation(controls.serviceAccount),
      },
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

  private policy(
    id: string,
    name: string,
    control: Control,
    spec: Omit<ConstructorParameters<typeof NetworkPolicyV1>[2]['spec'], 'podSelector'>,
  ): void {
    new NetworkPolicyV1(this, id, {
      metadata: { name, namespace: this.name, labels: this.labels, annotations: controlAnnotation(control) },
      spec: { podSelector: {}, ...spec },
    });
  }
}
