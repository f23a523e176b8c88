import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connectionGraph, nonEdgeSample, Probe, probesFor } from '../../src/model/connections';
import { DeploymentModel } from '../../src/model/types';
import { run } from './harness';
import { probeImage } from './node';
import { ordinal } from '../../src/ordinal';

/** One attempt of the matrix and what happened. */
export interface Measured {
  readonly id: string;
  readonly expect: 'allowed' | 'blocked';
  readonly measured: 'open' | 'refused' | 'timeout';
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/** The traffic matrix of one blueprint: the graph's edges and a sample of non-edges, measured. */
export interface Matrix {
  readonly allowedAsDeclared: number;
  readonly blockedAsDeclared: number;
  readonly mismatches: readonly Measured[];
  /** Probes that could not be placed here, each with the reason. */
  readonly notRun: readonly { readonly id: string; readonly reason: string }[];
  readonly measured: readonly Measured[];
  readonly seconds: number;
}

type PodEnd = { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
type CidrEnd = { readonly cidrs: readonly string[] };

/** Where a node-side peer can stand in for an address range: the node's own address (API server 6443, kubelet 10250). */
export interface NodeAddresses {
  readonly nodeIp: string;
  /** Ports something really listens on at the node's address. */
  readonly listening: readonly number[];
}

const labelKey = 'govstack.e2e/probe';

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

const describeEnd = (end: PodEnd | CidrEnd) =>
  'namespace' in end
    ? `${end.namespace}{${Object.entries(end.podLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`
    : end.cidrs.join(',');

/** A short, stable, DNS-safe name for a set of Pod labels in a namespace. */
function podName(role: 'src' | 'dst', end: PodEnd): string {
  return `probe-${role}-${createHash('sha256')
    .update(JSON.stringify([end.namespace, end.podLabels]))
    .digest('hex')
    .slice(0, 10)}`;
}

/**
 * Measure the connection graph on the real node: for each source, a probe Pod carrying the
 * source's labels in the source's namespace; for each destination, a listener Pod carrying the
 * destination's labels on every port probed there; then every edge of the graph and the
 * graph's sample of non-edges are tried from inside the sources (in parallel per source, 3 s
 * per attempt). Connections to an address range are tried against the node's address where
 * the range contains it and something really listens there (the API server, the kubelet);
 * sources that are address ranges (the API server calling webhooks, Internet clients) cannot
 * be placed in a Pod and are reported as not run, as are ranges with no peer here.
 */
export async function measureMatrix(
  model: DeploymentModel,
  kubeconfig: string,
  env: NodeJS.ProcessEnv,
  node: NodeAddresses,
): Promise<Matrix> {
  const started = Date.now();
  const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...args], { env }).stdout;
  const probes: Probe[] = [...connectionGraph(model).flatMap(probesFor), ...nonEdgeSample(model)];
  const notRun: { id: string; reason: string }[] = [];
  const existing = new Set(JSON.parse(kubectl('get', 'namespaces', '-o', 'json')).items.map((n: any) => n.metadata.name));

  const placeable: Probe[] = [];
  for (const p of probes) {
    if (!('namespace' in p.source)) {
      notRun.push({
        id: p.id,
        reason: `the source is an address range (${p.source.cidrs.join(', ')}), not a Pod: no probe can stand there`,
      });
      continue;
    }
    if (!existing.has(p.source.namespace)) {
      notRun.push({ id: p.id, reason: `namespace ${p.source.namespace} is not created by this stack (its component is preinstalled)` });
      continue;
    }
    if ('namespace' in p.destination && !existing.has(p.destination.namespace)) {
      notRun.push({
        id: p.id,
        reason: `namespace ${p.destination.namespace} is not created by this stack (its component is preinstalled)`,
      });
      continue;
    }
    if ('cidrs' in p.destination) {
      const covered = p.destination.cidrs.some((c) => inCidr(node.nodeIp, c));
      if (!covered || !node.listening.includes(p.destination.port)) {
        notRun.push({ id: p.id, reason: `no peer in ${p.destination.cidrs.join(', ')} listens on ${p.destination.port} on the test node` });
        continue;
      }
    }
    placeable.push(p);
  }

  // Listener Pods: one per destination (namespace + labels), serving every port probed there.
  const destinations = new Map<string, { end: PodEnd; ports: Set<string> }>();
  for (const p of placeable) {
    if (!('namespace' in p.destination)) continue;
    const end = { namespace: p.destination.namespace, podLabels: p.destination.podLabels };
    const key = podName('dst', end);
    const entry = destinations.get(key) ?? { end, ports: new Set<string>() };
    entry.ports.add(`${p.destination.port}/${p.destination.protocol.toLowerCase()}`);
    destinations.set(key, entry);
  }
  const sources = new Map<string, PodEnd>();
  for (const p of placeable) if ('namespace' in p.source) sources.set(podName('src', p.source as PodEnd), p.source as PodEnd);

  const manifests: object[] = [];
  for (const [name, d] of destinations) manifests.push(probePod(name, d.end, ['serve', [...d.ports].sort().join(',')]));
  for (const [name, s] of sources) manifests.push(probePod(name, s, ['sleep']));
  execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {
    env,
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }),
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  try {
    const all = [...destinations.entries(), ...[...sources.entries()].map(([n, e]) => [n, { end: e }] as const)];
    const ips = new Map<string, string>();
    const deadline = Date.now() + 180_000;
    for (const [name, { end }] of all) {
      for (;;) {
        const pod = JSON.parse(kubectl('-n', end.namespace, 'get', 'pod', name, '-o', 'json'));
        const ready = pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
        if (ready && pod.status.podIP) {
          ips.set(`${end.namespace}/${name}`, pod.status.podIP);
          break;
        }
        if (Date.now() > deadline)
          throw new Error(
            `probe Pod ${end.namespace}/${name} not Ready: ${JSON.stringify(pod.status?.containerStatuses ?? pod.status?.conditions)}`,
          );
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // Policies are enforced asynchronously; listeners and probes just appeared in the ipsets.
    await new Promise((r) => setTimeout(r, 3000));

    const measured: Measured[] = [];
    for (const [srcName, src] of sources) {
      const mine = placeable.filter((p) => 'namespace' in p.source && podName('src', p.source as PodEnd) === srcName);
      const attempts = mine.map((p, i) => ({
        id: String(i),
        host:
          'namespace' in p.destination ? ips.get(`${p.destination.namespace}/${podName('dst', p.destination as PodEnd)}`)! : node.nodeIp,
        port: p.destination.port,
        protocol: p.destination.protocol,
      }));
      const out = kubectl('-n', src.namespace, 'exec', srcName, '--', '/probe', 'try', JSON.stringify(attempts));
      const results = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      for (const r of results) {
        const p = mine[Number(r.id)];
        measured.push({
          id: p.id,
          expect: p.expect,
          measured: r.result,
          from: describeEnd(p.source),
          to: `${describeEnd(p.destination as PodEnd | CidrEnd)}:${p.destination.port}/${p.destination.protocol}`,
          why: p.why,
        });
      }
    }
    measured.sort((a, b) => ordinal(a.id, b.id));
    const agrees = (m: Measured) => (m.expect === 'allowed' ? m.measured === 'open' : m.measured !== 'open');
    return {
      allowedAsDeclared: measured.filter((m) => m.expect === 'allowed' && agrees(m)).length,
      blockedAsDeclared: measured.filter((m) => m.expect === 'blocked' && agrees(m)).length,
      mismatches: measured.filter((m) => !agrees(m)),
      notRun: notRun.sort((a, b) => ordinal(a.id, b.id)),
      measured,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const [name, d] of destinations) kubectl('-n', d.end.namespace, 'delete', 'pod', name, '--grace-period=0', '--wait=false');
    for (const [name, s] of sources) kubectl('-n', s.namespace, 'delete', 'pod', name, '--grace-period=0', '--wait=false');
  }
}

/** A restricted-compliant probe Pod with the given labels (ports below 1024 through the safe sysctl). */
function probePod(name: string, end: PodEnd, args: string[]): object {
  const tcp =
    args[0] === 'serve'
      ? args[1]
          .split(',')
          .find((p) => p.endsWith('/tcp'))
          ?.split('/')[0]
      : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: end.namespace,
      labels: { ...end.podLabels, [labelKey]: name.startsWith('probe-src') ? 'source' : 'listener' },
    },
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      },
      containers: [
        {
          name: 'probe',
          image: probeImage,
          imagePullPolicy: 'Never',
          args,
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
          ...(tcp ? { readinessProbe: { exec: { command: ['/probe', 'get', `http://127.0.0.1:${tcp}/`] }, periodSeconds: 1 } } : {}),
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}
