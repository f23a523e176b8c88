import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { upstreamComponents } from '../../src/blueprint/types';
import { loadModels } from '../../src/model/load-models';
import { sharedDir } from '../contract/openapi-contract';
import { run } from './harness';
import { probeImage } from './node';
import { NodeAddresses } from './traffic';

/** The test node's address (scripts/node.sh NODE_IP) and what really listens there. */
export const nodeAddress: NodeAddresses = { nodeIp: '10.245.255.1', listening: [6443, 10250] };

/** Why the mediator's X-Road servers cannot run on the test node. */
const xroadNotRun =
  "X-Road's security server and central server images (niis/xroad-*) come only from Docker Hub, which this machine cannot reach, and cannot be built from the registries it reaches; " +
  "the X-Road admin API stub runs in their place (Pods with their labels, ports and TLS certificates), so the mediator's reconcile Job runs for real";

/**
 * The node profile of a blueprint, on top of the test profile of harness.ts: waits on for
 * every release whose images exist on the node; the mediator applied without waiting, its
 * X-Road servers reported as not run (their reconcile Job runs, against the admin API stub:
 * xroad-stub-pods.ts); the node's address as the API server's and the nodes'
 * range, so the Kubernetes-API and kubelet edges of the graph point at the real ones; the
 * mocks' documents carried into the cluster from the reference copies in ../shared (no mock
 * needs the Internet).
 */
export function nodeProfile(blueprint: string): {
  overlay: Record<string, unknown>;
  notRun: { component: string; namespace: string; reason: string }[];
} {
  if (!existsSync(sharedDir))
    throw new Error(`${sharedDir} not found: the e2e carries the mocks' documents from the reference copies there`);
  const model = loadModels([blueprint])[0];
  const range = [`${nodeAddress.nodeIp}/32`];
  const overlay = {
    target: { network: { apiServerCidrs: range, nodeCidrs: range } },
    deployment: {
      waits: true,
      timeoutSeconds: 300,
      preinstalled: [...upstreamComponents],
      charts: null,
      noWaitFor: [{ component: 'mediator', reason: xroadNotRun }],
      documents: { source: 'bundled', bundle: [path.join(sharedDir, 'govstack', 'api'), path.join(sharedDir, 'govstack', 'compliance')] },
    },
  };
  const notRun = [
    { component: 'mediator: X-Road security and central servers', namespace: model.mediator.namespace, reason: xroadNotRun },
    ...upstreamComponents.map((c) => ({
      component: c,
      namespace: '',
      reason:
        'upstream chart from a public Helm repository this machine cannot reach: marked preinstalled, validated only (tofu validate of the full stack)',
    })),
  ];
  return { overlay, notRun };
}

/** Short-lived probe Pods for checks from inside the cluster, and the node's containers. */
export const podsOnNode = {
  /**
   * GET `url` from a probe Pod in `namespace` (polls up to 120 s) until the status line matches
   * `accept` (default a 2xx); returns the status line.
   */
  async get(kubeconfig: string, env: NodeJS.ProcessEnv, namespace: string, url: string, accept = /^2\d\d /): Promise<string> {
    return (await podsOnNode.requestAll(kubeconfig, env, namespace, [{ method: 'GET', url, accept }]))[0];
  },

  /**
   * Each request from one probe Pod in `namespace`, in order (a body other than GET, HEAD and
   * DELETE is `{}` as JSON; test/probe `request`), each polled up to 120 s until its status
   * line matches its `accept`; returns the status lines.
   */
  async requestAll(
    kubeconfig: string,
    env: NodeJS.ProcessEnv,
    namespace: string,
    requests: readonly { method: string; url: string; accept: RegExp }[],
  ): Promise<string[]> {
    const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...args], { env }).stdout;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe-health', namespace, labels: { 'govstack.e2e/probe': 'health' } },
      spec: {
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'probe',
            image: probeImage,
            imagePullPolicy: 'Never',
            args: ['sleep'],
            resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    };
    execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {
      env,
      input: JSON.stringify(pod),
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    try {
      kubectl('-n', namespace, 'wait', '--for=condition=Ready', 'pod/probe-health', '--timeout=120s');
      const answers: string[] = [];
      for (const { method, url, accept } of requests) {
        const deadline = Date.now() + 120_000;
        let last = '';
        for (;;) {
          // The probe prints the status line and exits 1 for a non-2xx answer: read it either way.
          const r = spawnSync(
            'kubectl',
            ['--kubeconfig', kubeconfig, '-n', namespace, 'exec', 'probe-health', '--', '/probe', 'request', method, url],
            {
              env,
              encoding: 'utf8',
            },
          );
          const status = (r.stdout ?? '').trim();
          if (accept.test(`${status} `)) {
            answers.push(status);
            break;
          }
          last = `${status} ${(r.stderr ?? '').trim()}`.trim();
          if (Date.now() > deadline) throw new Error(`${method} ${url} from ${namespace} never answered ${accept}: ${last}`);
          await new Promise((res) => setTimeout(res, 2000));
        }
      }
      return answers;
    } finally {
      kubectl('-n', namespace, 'delete', 'pod', 'probe-health', '--grace-period=0', '--wait=false');
    }
  },

  /** Containers (by Pod namespace) and rootfs mounts the node still holds for `namespaces`. */
  containersIn(nodeDir: string, env: NodeJS.ProcessEnv, namespaces: readonly string[]): { containers: string[]; mounts: string[] } {
    const sock = path.join(nodeDir, 'node', 'containerd', 'containerd.sock');
    const ctr = (...args: string[]) => execFileSync('ctr', ['--address', sock, '-n', 'k8s.io', ...args], { env, encoding: 'utf8' });
    const containers: string[] = [];
    const ids = new Set<string>();
    for (const ns of namespaces) {
      for (const id of ctr('containers', 'ls', '-q', `labels."io.kubernetes.pod.namespace"==${ns}`).split('\n').filter(Boolean)) {
        containers.push(`${ns}/${id}`);
        ids.add(id);
      }
    }
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => [...ids].some((id) => m.includes(id)));
    return { containers, mounts };
  },
};
