import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sharedDir } from '../contract/openapi-contract';
import { eventually } from './cluster';
import { run } from './harness';
import { xroadStubImage } from './node';

/** One answered request, as a stub Pod wrote it (test/contract/xroad-stub-pod.ts). */
interface StubLine {
  readonly server: string;
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly status: number;
  readonly agent: string;
  readonly liveKeys: number;
  readonly violations: readonly string[];
}

/** What one reconcile run did, read from the stubs' own records. */
export interface StubRun {
  /** Pods of the run (the Job's attempts); their names are the reconcile's User-Agent. */
  readonly pods: readonly string[];
  readonly requests: number;
  /** Servers the run talked to. */
  readonly servers: readonly string[];
  /** Requests that change state (API key bootstrap aside): `server METHOD template`. */
  readonly mutating: readonly string[];
  readonly violations: readonly string[];
  /** API keys each server still holds after the run's last request there. */
  readonly liveKeysAfter: Readonly<Record<string, number>>;
}

/** The stub's compiled code, laid out under /app/dist in the Pod as in the repository. */
const code: Record<string, string> = {
  'xroad-stub-pod.js': 'test/contract/xroad-stub-pod.js',
  'xroad-stub.js': 'test/contract/xroad-stub.js',
  'openapi-contract.js': 'test/contract/openapi-contract.js',
  'paths.js': 'src/paths.js',
};
/** Compiled tree (dist/) this file runs from. */
const distDir = path.resolve(__dirname, '..', '..');
const documents = ['security-server-admin-api.yaml', 'central-server-admin-api.yaml'];

/**
 * The X-Road admin API stub (test/contract/xroad-stub.ts) run in the cluster in place of the
 * X-Road servers, whose images cannot be built here: one Pod per server of the mediator's
 * release, with exactly the labels and container ports of that server's StatefulSet Pods, so
 * the chart's Services route to it and its NetworkPolicies apply to it; serving HTTPS with the
 * certificate the chart generated for that server (`<server>-tls`), so the reconcile Job's
 * verification against the release CA is real; with the admin credentials from the chart's
 * generated Secret. The code comes from this build (dist/) through a ConfigMap, the OpenAPI
 * documents it holds itself to from ../shared through another. Security servers know the
 * subsystems of the desired configuration as their global configuration (the central server
 * runs in another Pod, so it cannot hand them over); where the instance's central server is
 * elsewhere, the stubs start with its anchor imported, the operator's step there.
 */
export class XRoadStubPods {
  readonly pods: string[] = [];

  constructor(
    private readonly kubeconfig: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly namespace: string,
  ) {}

  private kubectl(...args: string[]): string {
    return run('kubectl', ['--kubeconfig', this.kubeconfig, '-n', this.namespace, ...args], { env: this.env }).stdout;
  }

  /**
   * Server-side apply (a client-side apply copies each object into an annotation, limited to
   * 256 KiB, which the OpenAPI documents exceed), tried up to 3 times: on a loaded node the API
   * server can miss kubectl's deadline.
   */
  private apply(objects: object[]): void {
    for (let attempt = 1; ; attempt++) {
      try {
        execFileSync('kubectl', ['--kubeconfig', this.kubeconfig, 'apply', '--server-side', '--field-manager=govstack-e2e', '-f', '-'], {
          env: this.env,
          input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        return;
      } catch (err) {
        if (attempt === 3) throw new Error(`kubectl apply failed 3 times: ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`);
      }
    }
  }

  /** The chart's reconcile Job (exactly one per release). */
  chartJob(): any {
    const jobs = JSON.parse(this.kubectl('get', 'jobs', '-l', 'app.kubernetes.io/name=xroad-reconcile', '-o', 'json')).items.filter(
      (j: any) => !j.metadata.labels?.['govstack.e2e/rerun-of'],
    );
    if (jobs.length !== 1)
      throw new Error(
        `expected the chart's one reconcile Job in ${this.namespace}, found ${jobs.map((j: any) => j.metadata.name).join(', ') || 'none'}`,
      );
    return jobs[0];
  }

  /** Start one stub per X-Road server StatefulSet of the release; resolves when all are Ready. */
  async start(): Promise<string[]> {
    const desired = JSON.parse(
      JSON.parse(this.kubectl('get', 'configmaps', '-l', 'app.kubernetes.io/name=xroad-reconcile', '-o', 'json')).items[0].data[
        'desired.json'
      ],
    );
    const servers = JSON.parse(this.kubectl('get', 'statefulsets', '-o', 'json')).items.filter((s: any) =>
      ['security-server', 'central-server'].includes(s.spec.template.metadata.labels['app.kubernetes.io/component']),
    );
    if (servers.length === 0) throw new Error(`no X-Road server StatefulSet in ${this.namespace}`);
    const central = servers.some((s: any) => s.spec.template.metadata.labels['app.kubernetes.io/component'] === 'central-server');
    const configMaps = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'e2e-xroad-stub-code', namespace: this.namespace },
        data: Object.fromEntries(Object.entries(code).map(([k, f]) => [k, readFileSync(path.join(distDir, f), 'utf8')])),
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'e2e-xroad-stub-documents', namespace: this.namespace },
        data: Object.fromEntries(documents.map((d) => [d, readFileSync(path.join(sharedDir, 'xroad', d), 'utf8')])),
      },
    ];
    const pods = servers.map((sts: any) => {
      const labels = sts.spec.template.metadata.labels as Record<string, string>;
      const container = sts.spec.template.spec.containers[0];
      const admin = (container.ports as any[]).find((p) => p.name === 'admin');
      const server = labels['govstack.global/security-server'] ?? 'central-server';
      const name = `e2e-xroad-stub-${sts.metadata.name}`.slice(0, 63);
      const secretEnv = (envName: string, key: string) => ({
        name: envName,
        valueFrom: { secretKeyRef: { name: `${sts.metadata.name}-credentials`, key } },
      });
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: this.namespace, labels: { ...labels } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 1,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'xroad-stub',
              image: xroadStubImage,
              imagePullPolicy: 'Never',
              ports: container.ports,
              env: [
                { name: 'STUB_SERVER', value: server },
                { name: 'STUB_INSTANCE', value: desired.instance },
                { name: 'STUB_PORT', value: String(admin.containerPort) },
                { name: 'STUB_TLS_DIR', value: '/opt/stub/tls' },
                { name: 'STUB_GLOBAL_SUBSYSTEMS', value: JSON.stringify(desired.subsystems.map((s: any) => s.id)) },
                { name: 'STUB_ANCHOR_IMPORTED', value: String(!central) },
                secretEnv('STUB_ADMIN_USER', 'admin-user'),
                secretEnv('STUB_ADMIN_PASSWORD', 'admin-password'),
              ],
              readinessProbe: { tcpSocket: { port: 'admin' }, periodSeconds: 1 },
              resources: { requests: { cpu: '20m', memory: '96Mi' }, limits: { cpu: '500m', memory: '384Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'code', mountPath: '/app/dist', readOnly: true },
                { name: 'documents', mountPath: '/shared/xroad', readOnly: true },
                { name: 'tls', mountPath: '/opt/stub/tls', readOnly: true },
              ],
            },
          ],
          volumes: [
            {
              name: 'code',
              configMap: { name: 'e2e-xroad-stub-code', items: Object.entries(code).map(([key, file]) => ({ key, path: file })) },
            },
            { name: 'documents', configMap: { name: 'e2e-xroad-stub-documents' } },
            { name: 'tls', secret: { secretName: `${sts.metadata.name}-tls` } },
          ],
        },
      };
    });
    this.apply([...configMaps, ...pods]);
    this.pods.push(...pods.map((p: any) => p.metadata.name));
    for (const pod of this.pods) this.kubectl('wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=180s');
    return this.pods;
  }

  /**
   * Wait for a reconcile Job to complete (throws with its logs when it fails or times out);
   * returns the names of its Pods.
   */
  async complete(job: string, seconds: number): Promise<string[]> {
    const status = await eventually(
      seconds,
      () => {
        const j = JSON.parse(this.kubectl('get', 'job', job, '-o', 'json'));
        const done = (j.status?.conditions ?? []).find((c: any) => ['Complete', 'Failed'].includes(c.type) && c.status === 'True');
        return done ? (done.type as string) : undefined;
      },
      `reconcile Job ${job} to finish`,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.jobLogs(job)}`);
    });
    if (status !== 'Complete') throw new Error(`reconcile Job ${job} failed\n${this.jobLogs(job)}`);
    return JSON.parse(this.kubectl('get', 'pods', '-l', `batch.kubernetes.io/job-name=${job}`, '-o', 'json'))
      .items.map((p: any) => p.metadata.name)
      .sort();
  }

  private jobLogs(job: string): string {
    try {
      return this.kubectl('logs', `job/${job}`, '--tail=40');
    } catch (err) {
      return String(err);
    }
  }

  /**
   * Run the chart's Job object again, as it stands (same Pod template: image, ConfigMaps,
   * Secrets, ServiceAccount), under a new name; returns that name.
   */
  rerun(job: any): string {
    const generated = (labels: Record<string, string> = {}) =>
      Object.fromEntries(
        Object.entries(labels).filter(
          ([k]) => !['controller-uid', 'job-name', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name'].includes(k),
        ),
      );
    const name = `${job.metadata.name}-again`;
    this.apply([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace: this.namespace,
          labels: { ...generated(job.metadata.labels), 'govstack.e2e/rerun-of': job.metadata.name },
        },
        spec: {
          backoffLimit: job.spec.backoffLimit,
          activeDeadlineSeconds: job.spec.activeDeadlineSeconds,
          template: {
            metadata: { labels: generated(job.spec.template.metadata.labels), annotations: job.spec.template.metadata.annotations },
            spec: job.spec.template.spec,
          },
        },
      },
    ]);
    return name;
  }

  /** What the runs of these Pods did, from every stub's log. */
  runOf(pods: readonly string[]): StubRun {
    const agents = new Set(pods.map((p) => `govstack-reconcile/${p}`));
    const lines: StubLine[] = [];
    for (const pod of this.pods) {
      for (const l of this.kubectl('logs', pod).split('\n')) {
        if (!l.startsWith('{')) continue;
        const line = JSON.parse(l);
        if (line.method && agents.has(line.agent)) lines.push(line);
      }
    }
    const liveKeysAfter: Record<string, number> = {};
    for (const l of lines) liveKeysAfter[l.server] = l.liveKeys;
    return {
      pods,
      requests: lines.length,
      servers: [...new Set(lines.map((l) => l.server))].sort(),
      mutating: lines
        .filter((l) => l.method !== 'GET' && !l.template.startsWith('/api-keys'))
        .map((l) => `${l.server} ${l.method} ${l.template}`),
      violations: lines.flatMap((l) => l.violations),
      liveKeysAfter,
    };
  }
}
