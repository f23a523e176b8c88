import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { chartCatalogValues } from '../../src/catalog';
import { chartsDir, packageRoot } from '../../src/paths';
import { securityServerDatabasePods, securityServerPods } from '../../src/model/pod-labels';
import { controlPlaneForTests } from './control-plane';
import { run } from './harness';

/**
 * Every chart of the project: `helm lint --strict`, `helm template` for the control plane's
 * Kubernetes version, and the rendered manifests validated by the real API server with a
 * server-side dry run (schemas, defaulting, admission: Pod Security included).
 */
const kubeVersion = '1.37.2';
const { work, env, plane } = controlPlaneForTests('charts');
const charts = readdirSync(chartsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

let apiVersions: string[] = [];
beforeAll(() => {
  apiVersions = plane.installCrds();
});

/**
 * What the stack passes besides the test values: the catalog's images and ports and, for the
 * xroad chart, each security server's Pod labels by the model's rule (test/charts/run.sh does the same).
 */
function stackValues(chart: string, testValues: string): Record<string, unknown> {
  const values: Record<string, unknown> = { ...chartCatalogValues(chart) };
  if (chart === 'govstack-xroad') {
    const { securityServers } = parse(readFileSync(testValues, 'utf8')) as { securityServers: { name: string }[] };
    values.securityServers = securityServers.map((s) => ({
      ...s,
      podLabels: securityServerPods(s.name),
      databasePodLabels: securityServerDatabasePods(s.name),
    }));
  }
  return values;
}

test('every chart folder has representative test values', () => {
  expect(charts.length).toBeGreaterThanOrEqual(4);
  const values = readdirSync(path.join(packageRoot, 'test', 'charts', 'values')).map((f) => f.replace(/\.yaml$/, ''));
  expect(values).toEqual(expect.arrayContaining(charts)); // variants (<chart>-<case>.yaml) belong to test/charts/run.sh
});

describe.each(charts)('%s |', (chart) => {
  const testValues = path.join(packageRoot, 'test', 'charts', 'values', `${chart}.yaml`);
  // The charts hold no deployable image: the catalog's come in as the stack passes them.
  const images = path.join(work, `${chart}-images.json`);
  const values = [testValues, '-f', images] as const;
  beforeAll(() => writeFileSync(images, JSON.stringify(stackValues(chart, testValues))));
  const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', plane.kubeconfig, ...args], { env });

  test('helm lint --strict passes', () => {
    expect(apiVersions).toContain('gateway.networking.k8s.io/v1/HTTPRoute');
    run('helm', ['lint', '--strict', path.join(chartsDir, chart), '-f', ...values, '--kube-version', kubeVersion], { env });
  });

  test('the rendered manifests pass a server-side dry run on the real API server', () => {
    const namespace = `chart-${chart}`.slice(0, 63);
    // With the upstream CRDs served, the CRD-kind objects render too and the server checks them against the real CRD schemas.
    const served = apiVersions.flatMap((v) => ['--api-versions', v]);
    const manifest = run(
      'helm',
      ['template', chart, path.join(chartsDir, chart), '-f', ...values, '--namespace', namespace, '--kube-version', kubeVersion, ...served],
      { env },
    ).stdout;
    const docs = parseAllDocuments(manifest)
      .map((d) => d.toJS())
      .filter(Boolean);
    expect(docs.length).toBeGreaterThan(0);
    // The charts expect Terraform to create their namespaces (restricted, or baseline where the chart says so).
    const namespaces = new Set([namespace, ...docs.map((d) => d.metadata?.namespace).filter(Boolean)]);
    const level = docs.some((d) => d.spec?.template?.metadata?.annotations?.['govstack.global/pod-security-level'] === 'baseline')
      ? 'baseline'
      : 'restricted';
    for (const ns of namespaces) {
      const exists = run('kubectl', ['--kubeconfig', plane.kubeconfig, 'get', 'namespace', ns, '--ignore-not-found', '-o', 'name'], {
        env,
      }).stdout.trim();
      if (!exists) kubectl('create', 'namespace', ns);
      kubectl('label', '--overwrite', 'namespace', ns, `pod-security.kubernetes.io/enforce=${level}`);
    }
    // Objects that name their namespace go as they are; the rest into the release namespace.
    const explicit = docs.filter((d) => d.metadata?.namespace);
    const implicit = docs.filter((d) => !d.metadata?.namespace);
    let applied: string[] = [];
    for (const [group, scope] of [
      [implicit, ['-n', namespace]],
      [explicit, []],
    ] as const) {
      if (group.length === 0) continue;
      const file = path.join(work, `${chart}-${scope.length ? 'implicit' : 'explicit'}.json`);
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: group }));
      const result = kubectl('apply', '--dry-run=server', ...scope, '-f', file);
      applied = applied.concat(
        result.stdout
          .trim()
          .split('\n')
          .filter((l) => / (created|configured|unchanged) \(server dry run\)$/.test(l)),
      );
    }
    expect(applied.length).toBe(docs.length);
  });
});
