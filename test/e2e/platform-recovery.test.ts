import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { synthesize } from '../../src/synth/synthesize';
import { packageRoot } from '../../src/paths';
import { Cluster } from './cluster';
import { installCrds } from './control-plane';
import { fullImageName, realNodeForTests } from './node';
import { nodeProfile } from './node-profile';
import { profileBases, run, writeTestProfile } from './harness';

/**
 * Never silently skip, and recover from a failed release, on a real node (scripts/node.sh:
 * control plane, kubelet, containerd). The first two cases run with waits off, so only the
 * API server's answers count; the third waits for real.
 *
 * 1. Without the Gateway API / Envoy Gateway / monitoring CRDs, `tofu apply` fails with the
 *    charts' own message (requireCrds) instead of installing releases that hold no objects;
 *    once scripts/crds.sh's CRDs are installed, the next apply creates the Gateways, policies
 *    and alert rules.
 * 2. A release whose first install fails (a ResourceQuota forbids its Service) does not block
 *    the next apply once the cause is removed: `replace` lets helm install over the failed
 *    release, instead of "cannot re-use a name that is still in use".
 * 3. A release that times out on its first install for real (waits on, a 60 s timeout, its
 *    image missing on the node so its Pod never becomes Ready) is uninstalled (`atomic`) and
 *    the apply fails; once the image is on the node, the next apply converges.
 */
const { work, env, node } = realNodeForTests('recovery');
const plane = { kubeconfig: node.kubeconfig, installCrds: () => installCrds(node.kubeconfig, env) };
const cluster = new Cluster(plane.kubeconfig, env);
const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', plane.kubeconfig, ...args], { env });
const minimal = path.join(packageRoot, 'test', 'fixtures', 'valid', 'minimal.yaml');

function stackFor(name: string, extra: Record<string, unknown> = {}): string {
  const profile = writeTestProfile(minimal, plane.kubeconfig, path.join(work), { metadata: { name }, ...extra });
  const [stack] = synthesize(loadModels([profile], profileBases), path.join(work, `out-${name}`));
  const dir = path.dirname(stack.file);
  run('tofu', ['init', '-input=false', '-no-color'], { cwd: dir, env });
  return dir;
}

/** `tofu apply` with its exit code and everything it printed (errors go to stderr). */
function apply(dir: string, ...extra: string[]): { code: number; output: string } {
  const r = spawnSync('tofu', ['apply', '-input=false', '-auto-approve', '-no-color', ...extra], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, output: `${r.stdout}\n${r.stderr}` };
}

/** Terraform address of the namespace resource named `name` in the stack. */
function namespaceAddress(dir: string, name: string): string {
  const json = JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  const [id] = Object.entries(json.resource.kubernetes_namespace_v1).find(([, ns]: [string, any]) => ns.metadata.name === name)!;
  return `kubernetes_namespace_v1.${id}`;
}

test("a missing CRD fails the apply with the chart's message; after the CRDs exist the objects are created", () => {
  const dir = stackFor('crds');
  try {
    missingCrdsThenConverge(dir);
  } finally {
    destroy(dir);
  }
}, 900_000);

/** Destroy a stack and wait for its namespaces to be gone: the next test reuses the fixture's namespaces. */
function destroy(dir: string): { code: number; output: string } {
  const r = spawnSync('tofu', ['destroy', '-input=false', '-auto-approve', '-no-color'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  spawnSync(
    'kubectl',
    [
      '--kubeconfig',
      plane.kubeconfig,
      'wait',
      '--for=delete',
      'namespace',
      '-l',
      'app.kubernetes.io/managed-by=govstack-blueprint',
      '--timeout=180s',
    ],
    { env, encoding: 'utf8' },
  );
  return { code: r.status ?? -1, output: `${r.stdout}\n${r.stderr}` };
}

function missingCrdsThenConverge(dir: string): void {
  const first = apply(dir);
  expect(first.code).toBe(1);
  // Each chart names the first kind it misses (charts/*/templates/_helpers.tpl, requireCrds):
  // helm stops at the first template that fails, a Gateway API or an Envoy Gateway kind.
  // (tofu wraps long messages, so words may be separated by a line break)
  expect(first.output).toMatch(
    /govstack-gateway needs gateway\.(networking\.k8s\.io|envoyproxy\.io)\/v1(alpha1)?\/\w+\s+but\s+the\s+cluster\s+does\s+not\s+serve\s+it/,
  );
  expect(first.output).toMatch(
    /govstack-observability needs monitoring\.coreos\.com\/v1\/\w+\s+but\s+the\s+cluster\s+does\s+not\s+serve\s+it/,
  );
  expect(cluster.helmReleases().map((r) => r.name)).not.toContain('govstack-gateway');

  plane.installCrds();
  expect(apply(dir).code).toBe(0);
  const gateways = cluster
    .list('gateways.gateway.networking.k8s.io')
    .map((g) => `${g.metadata.namespace}/${g.metadata.name}`)
    .sort();
  expect(gateways).toEqual(['gs-gateway-external/govstack-gateway-external', 'gs-gateway-internal/govstack-gateway-internal']);
  expect(cluster.list('clienttrafficpolicies.gateway.envoyproxy.io').map((p) => p.spec.tls.minVersion)).toEqual(['1.3', '1.3']);
  // The API server stored the per-client rate limits as rendered (CRD schema and CEL rules passed).
  const limits = cluster
    .list('backendtrafficpolicies.gateway.envoyproxy.io')
    .map((p) =>
      p.spec.rateLimit.local.rules.map((r: any) => r.clientSelectors.map((c: any) => `${c.sourceCIDR.type} ${c.sourceCIDR.value}`)),
    );
  expect(limits).toEqual([
    [['Distinct 0.0.0.0/0'], ['Distinct ::/0']],
    [['Distinct 0.0.0.0/0'], ['Distinct ::/0']],
  ]);
  expect(cluster.list('prometheusrules.monitoring.coreos.com', 'gs-observability').length).toBeGreaterThan(0);
  const redirects = cluster.list('httproutes.gateway.networking.k8s.io').filter((r) => r.metadata.name.endsWith('-https-redirect'));
  expect(redirects.map((r) => r.spec.rules[0].filters[0].requestRedirect)).toEqual([
    { scheme: 'https', statusCode: 301 },
    { scheme: 'https', statusCode: 301 },
  ]);
}

test('a release whose first install failed is installed by the next apply once the cause is gone', () => {
  plane.installCrds();
  const dir = stackFor('recover');
  // Create the namespace first, then forbid Services in it: the building block's release is
  // recorded by helm and fails on its Service.
  expect(apply(dir, `-target=${namespaceAddress(dir, 'gs-registration')}`).code).toBe(0);
  kubectl('create', 'quota', 'no-services', '-n', 'gs-registration', '--hard=services=0');
  const first = apply(dir);
  expect(first.code).toBe(1);
  expect(first.output).toMatch(/exceeded\s+quota:\s+no-services/);
  const status = cluster.helmReleases().find((r) => r.name === 'registration' && r.namespace === 'gs-registration')?.status;
  expect(['failed', undefined]).toContain(status);

  kubectl('delete', 'quota', 'no-services', '-n', 'gs-registration');
  const second = apply(dir);
  expect(second.code).toBe(0);
  expect(cluster.helmReleases().find((r) => r.name === 'registration')?.status).toBe('deployed');
  expect(run('tofu', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], { cwd: dir, env, okCodes: [2] }).code).toBe(0);
  expect(destroy(dir).code).toBe(0);
}, 900_000);

test('a release that times out on its first install (its image is missing on the node) converges on the next apply once the image is there', () => {
  plane.installCrds();
  // The real-node profile (waits on, the mocks' documents bundled), with a 60 s timeout per release.
  const { overlay } = nodeProfile(minimal);
  const deployment = { ...(overlay.deployment as object), timeoutSeconds: 60 };
  const dir = stackFor('timeout', { ...overlay, deployment });
  const mocks = loadModels([path.join(work, 'e2e-minimal.yaml')], profileBases)[0].buildingBlocks.filter((b) => b.product.kind === 'image');
  const images = [
    ...new Set(
      mocks.map((b) => (b.product as { image: { repository: string; tag: string } }).image).map((i) => fullImageName(i.repository, i.tag)),
    ),
  ];
  expect(images).toEqual(['docker.io/mockoon/cli:9.7.0']);
  const archive = node.images.find((i) => i.name === images[0])!.archive;
  const ctr = (...args: string[]) =>
    execFileSync('ctr', ['--address', path.join(node.dir, 'node', 'containerd', 'containerd.sock'), '-n', 'k8s.io', ...args], {
      env,
      encoding: 'utf8',
    });

  // The cause: the mocks' image is not on the node (and its registry is out of reach).
  ctr('images', 'rm', images[0]);
  try {
    const first = apply(dir);
    expect(first.code).toBe(1);
    expect(first.output).toMatch(/context\s+deadline\s+exceeded|timed\s+out\s+waiting/);
    // atomic: the timed-out release was uninstalled, not left behind as "failed".
    const left = cluster.helmReleases().filter((r) => mocks.some((b) => b.namespace === r.namespace && r.name === b.id));
    expect(left.filter((r) => r.status === 'deployed')).toEqual([]);
    expect(left.filter((r) => r.status === 'failed' || r.status === 'pending-install')).toEqual([]);
    // The kubelet said why the Pods never became Ready.
    const pulls = cluster
      .list('events', mocks[0].namespace)
      .filter((e) => /ErrImagePull|ImagePullBackOff|Failed/.test(e.reason) && e.message.includes('mockoon/cli'));
    expect(pulls.length).toBeGreaterThan(0);
  } finally {
    // The cause removed: the image is back on the node.
    ctr('images', 'import', '--snapshotter', 'overlayfs', archive);
  }

  const second = apply(dir);
  expect(second.output).not.toMatch(/cannot\s+re-use\s+a\s+name/);
  expect(second.code).toBe(0);
  for (const b of mocks)
    expect(cluster.helmReleases()).toContainEqual(expect.objectContaining({ name: b.id, namespace: b.namespace, status: 'deployed' }));
  const pods = cluster
    .list('pods')
    .filter((p) => mocks.some((b) => b.namespace === p.metadata.namespace) && !p.metadata.labels?.['govstack.e2e/probe']);
  expect(pods.length).toBeGreaterThan(0);
  expect(
    pods.filter((p) => !p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).map((p) => p.metadata.name),
  ).toEqual([]);
  expect(run('tofu', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], { cwd: dir, env, okCodes: [2] }).code).toBe(0);
  expect(destroy(dir).code).toBe(0);
}, 1_800_000);
