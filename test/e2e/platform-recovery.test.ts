import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { synthesize } from '../../src/synth/synthesize';
import { packageRoot } from '../../src/paths';
import { Cluster } from './cluster';
import { controlPlaneForTests } from './control-plane';
import { profileBases, run, writeTestProfile } from './harness';

/**
 * Never silently skip, and recover from a failed release, on the real control plane (no
 * kubelet needed: waits are off, so only the API server's answers count).
 *
 * 1. Without the Gateway API / Envoy Gateway / monitoring CRDs, `tofu apply` fails with the
 *    charts' own message (requireCrds) instead of installing releases that hold no objects;
 *    once scripts/crds.sh's CRDs are installed, the next apply creates the Gateways, policies
 *    and alert rules.
 * 2. A release whose first install fails (a ResourceQuota forbids its Service) does not block
 *    the next apply once the cause is removed: `replace` lets helm install over the failed
 *    release, instead of "cannot re-use a name that is still in use".
 *
 * The sibling case with a real timeout (waits on, a Pod never Ready, `atomic` uninstalling
 * it) needs a kubelet: it belongs to the real-node suite.
 */
const { work, env, plane } = controlPlaneForTests('recovery');
const cluster = new Cluster(plane.kubeconfig, env);
const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', plane.kubeconfig, ...args], { env });

function stackFor(name: string, extra: Record<string, unknown> = {}): string {
  const blueprint = path.join(packageRoot, 'test', 'fixtures', 'valid', 'minimal.yaml');
  const profile = writeTestProfile(blueprint, plane.kubeconfig, path.join(work), { metadata: { name }, ...extra });
  const [stack] = synthesize(loadModels([profile], profileBases), path.join(work, `out-${name}`));
  const dir = path.dirname(stack.file);
  run('tofu', ['init', '-input=false', '-no-color'], { cwd: dir, env });
  return dir;
}

/** `tofu apply` with its exit code and everything it printed (errors go to stderr). */
function apply(dir: string, ...extra: string[]): { code: number; output: string } {
  const r = spawnSync('tofu', ['apply', '-input=false', '-auto-approve', '-no-color', ...extra], { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, output: `${r.stdout}\n${r.stderr}` };
}

/** Terraform address of the namespace resource named `name` in the stack. */
function namespaceAddress(dir: string, name: string): string {
  const json = JSON.parse(readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  const [id] = Object.entries(json.resource.kubernetes_namespace_v1).find(([, ns]: [string, any]) => ns.metadata.name === name)!;
  return `kubernetes_namespace_v1.${id}`;
}

test('a missing CRD fails the apply with the chart\'s message; after the CRDs exist the objects are created', () => {
  const dir = stackFor('crds');
  try {
    missingCrdsThenConverge(dir);
  } finally {
    // The next test reuses the fixture's namespaces: never leave them behind, even on failure.
    spawnSync('tofu', ['destroy', '-input=false', '-auto-approve', '-no-color'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    spawnSync('kubectl', ['--kubeconfig', plane.kubeconfig, 'wait', '--for=delete', 'namespace', '-l', 'app.kubernetes.io/managed-by=govstack-blueprint', '--timeout=180s'], { env, encoding: 'utf8' });
  }
}, 900_000);

function missingCrdsThenConverge(dir: string): void {
  const first = apply(dir);
  expect(first.code).toBe(1);
  // Each chart names the first kind it misses (charts/*/templates/_helpers.tpl, requireCrds):
  // helm stops at the first template that fails, a Gateway API or an Envoy Gateway kind.
  // (tofu wraps long messages, so words may be separated by a line break)
  expect(first.output).toMatch(/govstack-gateway needs gateway\.(networking\.k8s\.io|envoyproxy\.io)\/v1(alpha1)?\/\w+\s+but\s+the\s+cluster\s+does\s+not\s+serve\s+it/);
  expect(first.output).toMatch(/govstack-observability needs monitoring\.coreos\.com\/v1\/\w+\s+but\s+the\s+cluster\s+does\s+not\s+serve\s+it/);
  expect(cluster.helmReleases().map((r) => r.name)).not.toContain('govstack-gateway');

  plane.installCrds();
  expect(apply(dir).code).toBe(0);
  const gateways = cluster.list('gateways.gateway.networking.k8s.io').map((g) => `${g.metadata.namespace}/${g.metadata.name}`).sort();
  expect(gateways).toEqual(['gs-gateway-external/govstack-gateway-external', 'gs-gateway-internal/govstack-gateway-internal']);
  expect(cluster.list('clienttrafficpolicies.gateway.envoyproxy.io').map((p) => p.spec.tls.minVersion)).toEqual(['1.3', '1.3']);
  expect(cluster.list('prometheusrules.monitoring.coreos.com', 'gs-observability').length).toBeGreaterThan(0);
  const redirects = cluster.list('httproutes.gateway.networking.k8s.io').filter((r) => r.metadata.name.endsWith('-https-redirect'));
  expect(redirects.map((r) => r.spec.rules[0].filters[0].requestRedirect)).toEqual([{ scheme: 'https', statusCode: 301 }, { scheme: 'https', statusCode: 301 }]);
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
  run('tofu', ['destroy', '-input=false', '-auto-approve', '-no-color'], { cwd: dir, env });
}, 900_000);
