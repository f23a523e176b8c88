/**
 * The security defaults the constructs apply, each traced to the GovStack requirements it
 * serves (govstack.md §3: Architecture & CFR 2.x IDs, and the Security guide's §8.1 items).
 * Constructs stamp the control ids on what they create; the audit reads them back.
 */
export interface Control {
  readonly id: string;
  readonly summary: string;
  readonly requirements: readonly string[];
}

function control(id: string, summary: string, ...requirements: string[]): Control {
  return { id, summary, requirements };
}

export const controls = {
  podSecurity: control(
    'pod-security-restricted',
    'Namespace per building block with Pod Security "restricted" enforced',
    'govstack-cfr-security#req-8',
  ),
  defaultDeny: control(
    'network-default-deny',
    'Default-deny NetworkPolicy; only declared flows, gateway, DNS, scraping and own datastore allowed',
    'govstack-cfr-security#req-8',
    'govstack-cfr-architecture#req-1',
    'govstack-cfr-architecture#req-2',
  ),
  declaredFlow: control(
    'network-declared-flow',
    'Traffic between building blocks only where the blueprint declares a flow',
    'govstack-cfr-architecture#req-2',
    'govstack-cfr-security#req-8',
  ),
  serviceAccount: control(
    'service-account-no-token',
    'A ServiceAccount per building block without API token automount',
    'govstack-cfr-security#req-3',
    'govstack-cfr-security#req-8',
  ),
  hardenedContainer: control(
    'container-hardened',
    'Non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault',
    'govstack-cfr-security#req-8',
    'govstack-cfr-deployment#req-12',
  ),
  resources: control('resources-declared', 'CPU and memory requests and limits on every container', 'govstack-cfr-deployment#req-11'),
  probes: control(
    'health-probes',
    'Liveness, readiness and startup probes on the health path; graceful termination',
    'govstack-cfr-deployment#req-10',
    'govstack-cfr-architecture#req-15',
  ),
  pinnedImages: control('images-pinned', 'Images pinned by version or digest, never latest', 'govstack-cfr-deployment#req-1'),
  noSecretValues: control(
    'no-secret-values',
    'No secret value in the blueprint or the Terraform output: generated in-cluster or referenced',
    'govstack-cfr-security#req-4',
    'govstack-cfr-security#req-5',
  ),
  tls13: control('gateway-tls13', 'TLS 1.3 minimum at the gateways', 'govstack-cfr-security#req-1'),
  segregatedGateways: control(
    'gateways-segregated',
    'Separate external and internal gateways',
    'govstack-cfr-security#req-9',
    'govstack-security-8.1.1',
  ),
  rateLimit: control('gateway-rate-limit', 'Rate limiting at the gateways', 'govstack-cfr-security#req-9', 'govstack-security-8.1.10'),
  apiCallLogging: control(
    'gateway-access-log',
    'API call logging at the gateways',
    'govstack-cfr-security#req-7',
    'govstack-security-8.1.12',
  ),
  replicas: control('replicas-ha', 'At least two replicas in prod, with a disruption budget', 'govstack-cfr-deployment#req-9'),
  observability: control(
    'observability-stack',
    'Central metrics, logs, traces, dashboards and alerts',
    'govstack-cfr-architecture#req-15',
    'govstack-cfr-security#req-7',
    'govstack-cfr-architecture#req-13',
  ),
  mediatorClientAuth: control(
    'mediator-client-auth',
    'Information systems authenticate to their security server with a client TLS certificate registered for their subsystem (X-Road connection type HTTPS)',
    'govstack-cfr-security#req-3',
    'govstack-cfr-architecture#req-2',
  ),
  mediator: control(
    'mediator-xroad',
    'Cross-organisation calls through X-Road security servers (signed, logged)',
    'govstack-cfr-architecture#req-2',
    'govstack-im-6.6',
    'govstack-im-6.7',
  ),
} as const;

/** Annotation holding the control ids an object implements. */
export function controlAnnotation(...applied: Control[]): Record<string, string> {
  return { 'govstack.global/controls': applied.map((c) => c.id).join(',') };
}
