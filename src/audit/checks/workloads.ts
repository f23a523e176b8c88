import { Check, Finding } from '../types';
import { TfRelease } from '../terraform';
import { deployedBlocks, expectedNamespaces } from '../expected';
import { finding, quantity, tf } from './util';

/** What is wrong with a requests/limits block; empty when cpu and memory requests and limits are set and requests ≤ limits. */
function resourceProblems(r: any): string[] {
  const problems: string[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const)
      if (Number.isNaN(quantity(r?.[kind]?.[res]))) problems.push(`no ${res} ${kind.slice(0, -1)}`);
  }
  for (const res of ['cpu', 'memory'] as const) {
    if (quantity(r?.requests?.[res]) > quantity(r?.limits?.[res]))
      problems.push(`${res} request ${r.requests[res]} above its limit ${r.limits[res]}`);
  }
  return problems;
}

const show = (r: any) => `requests ${r.requests.cpu}/${r.requests.memory}, limits ${r.limits.cpu}/${r.limits.memory}`;

export const resourcesDeclared: Check = {
  id: 'resources-declared',
  title: 'CPU and memory requests and limits on every container',
  requirements: ['govstack-cfr-deployment#req-11'],
  scope:
    "The project's charts: requests and limits from the release values merged over the chart defaults (workload, datastore, X-Road servers). Every namespace: a LimitRange giving default requests and limits, so a container an upstream chart leaves without them still gets both.",
  run({ model, tf: view }) {
    const findings: Finding[] = [];
    const ranges = Object.entries(view.resources('kubernetes_limit_range_v1')).map(([key, body]) => ({
      address: `kubernetes_limit_range_v1.${key}`,
      namespace: view.resolve(body.metadata?.namespace),
      limit: ((body.spec?.limit ?? []) as any[]).find((l) => l.type === 'Container'),
    }));
    for (const { name } of expectedNamespaces(model)) {
      const range = ranges.find((r) => r.namespace === name && r.limit);
      const problems = range
        ? resourceProblems({ requests: range.limit.default_request, limits: range.limit.default })
        : ['no LimitRange for containers'];
      findings.push(
        problems.length === 0
          ? finding(
              'PASS',
              `namespace ${name}`,
              `LimitRange defaults: ${show({ requests: range!.limit.default_request, limits: range!.limit.default })}`,
              [tf(range!.address)],
            )
          : finding('FAIL', `namespace ${name}`, problems.join('; '), range ? [tf(range.address)] : []),
      );
    }
    const container = (release: TfRelease, name: string, r: any) => {
      const problems = resourceProblems(r);
      findings.push(
        problems.length === 0
          ? finding('PASS', `${release.name}: ${name}`, show(r), [tf(release.address)])
          : finding('FAIL', `${release.name}: ${name}`, problems.join('; '), [tf(release.address)]),
      );
    };
    for (const release of view.releasesOf('govstack-building-block')) {
      const values = view.effectiveValues(release);
      container(release, 'workload', values.resources);
      if (values.database?.enabled) container(release, 'database', values.database.resources);
    }
    for (const release of view.releasesOf('govstack-xroad')) {
      const values = view.effectiveValues(release);
      container(release, 'security servers', values.resources);
      container(release, 'security server databases', values.database?.resources);
      if (values.centralServer?.enabled) container(release, 'central server', values.centralServer.resources);
    }
    for (const release of view.releases.filter((r) => !r.projectChart)) {
      findings.push(
        finding(
          'PASS',
          `${release.name}: upstream chart ${release.chart}`,
          `containers the chart leaves without resources get the LimitRange defaults of ${release.namespace}`,
          [tf(release.address)],
        ),
      );
    }
    return findings;
  },
};

export const healthProbes: Check = {
  id: 'health-probes',
  title: 'Health probes and graceful termination',
  requirements: ['govstack-cfr-deployment#req-10', 'govstack-cfr-architecture#req-15'],
  scope:
    "Building blocks run by the generic chart (startup, liveness and readiness probes on the product's health path, 30 s termination grace; TCP probes only where the catalog says why no HTTP probe can pass, WAIVED with that reason) and the X-Road security servers (probes in the chart). Upstream-chart products rely on their chart's probes, which the auditor must see. Platform charts (gateway controller, observability) are outside this check.",
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    for (const release of view.releasesOf('govstack-building-block')) {
      const template = view.chartFile(release, 'templates/deployment.yaml') ?? '';
      const missing = ['startupProbe', 'livenessProbe', 'readinessProbe', 'terminationGracePeriodSeconds'].filter(
        (s) => !template.includes(s),
      );
      const path = String(release.values.healthPath ?? '');
      const product = model.buildingBlocks.find((b) => b.id === release.values.buildingBlock)?.product;
      const tcp = product?.kind === 'image' ? product.healthCheck : undefined;
      if (missing.length > 0)
        findings.push(finding('FAIL', release.name, `the generic chart's Deployment has no ${missing.join(', ')}`, [tf(release.address)]));
      else if (release.values.probeType === 'tcp')
        findings.push(
          tcp
            ? finding(
                'WAIVED',
                release.name,
                'startup, liveness and readiness probes only open a TCP connection to the container port (no HTTP health check); graceful termination',
                [tf(release.address)],
                { justification: `${tcp.reason} (${tcp.source})` },
              )
            : finding('FAIL', release.name, 'TCP probes where the catalog gives no reason an HTTP probe cannot pass', [
                tf(release.address),
              ]),
        );
      else if (!path.startsWith('/')) findings.push(finding('FAIL', release.name, 'no health path for the probes', [tf(release.address)]));
      else
        findings.push(
          finding('PASS', release.name, `startup, liveness and readiness probes on GET ${path}; graceful termination`, [
            tf(release.address),
          ]),
        );
    }
    for (const release of view.releasesOf('govstack-xroad')) {
      const template = view.chartFile(release, 'templates/ss-statefulset.yaml') ?? '';
      const missing = ['startupProbe', 'livenessProbe', 'readinessProbe'].filter((s) => !template.includes(s));
      findings.push(
        missing.length === 0
          ? finding('PASS', 'X-Road security servers', 'startup, liveness and readiness probes (chart govstack-xroad)', [
              tf(release.address),
            ])
          : finding('FAIL', 'X-Road security servers', `no ${missing.join(', ')}`, [tf(release.address)]),
      );
    }
    for (const block of deployedBlocks(model).filter((b) => b.product.kind === 'chart')) {
      findings.push(
        finding(
          'MANUAL',
          block.id,
          `upstream chart product; its health path is ${block.product.kind === 'chart' ? block.product.healthPath : ''}`,
          [blueprint(block.pointer)],
          {
            askFor: [
              `the rendered manifests of ${block.id}'s chart showing probes on its health endpoint and terminationGracePeriodSeconds`,
            ],
          },
        ),
      );
    }
    if (findings.length === 0) findings.push(finding('PASS', 'workloads', 'no workload of the project runs in this cluster', []));
    return findings;
  },
};

export const replicasHa: Check = {
  id: 'replicas-ha',
  title: 'At least two replicas in production, with a disruption budget',
  requirements: ['govstack-cfr-deployment#req-9'],
  scope:
    'Replica counts of building blocks in the generic chart\'s release values; the chart adds a PodDisruptionBudget from two replicas. The project requires two replicas in "prod" only; a min-replicas override is WAIVED with its justification. Upstream-chart products and platform components (one Loki, one security server per organisation) are listed but not counted.',
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const prod = model.environment === 'prod';
    const releases = new Map(view.releasesOf('govstack-building-block').map((r) => [r.name, r]));
    for (const block of deployedBlocks(model)) {
      const release = releases.get(block.id);
      const ev = [...(release ? [tf(release.address)] : []), blueprint(block.pointer)];
      if (!release) {
        findings.push(
          prod
            ? finding('MANUAL', block.id, "upstream chart product: replicas are the chart's", ev, {
                askFor: [`the replica count and PodDisruptionBudget of ${block.id}'s chart`],
              })
            : finding('PASS', block.id, `upstream chart product in a ${model.environment} environment, where one replica is accepted`, ev),
        );
        continue;
      }
      const replicas = Number(release.values.replicas ?? 1);
      const override = model.overrides.find((o) => o.control === 'min-replicas' && o.target === block.id);
      if (replicas >= 2) findings.push(finding('PASS', block.id, `${replicas} replicas with a PodDisruptionBudget`, ev));
      else if (!prod)
        findings.push(
          finding('PASS', block.id, `${replicas} replica in a ${model.environment} environment; two or more are required in prod`, ev),
        );
      else if (override)
        findings.push(
          finding('WAIVED', block.id, `${replicas} replica in prod (min-replicas override)`, [...ev, blueprint(override.pointer)], {
            justification: override.justification,
          }),
        );
      else findings.push(finding('FAIL', block.id, `${replicas} replica in prod`, ev));
    }
    if (findings.length === 0) findings.push(finding('PASS', 'building blocks', 'no building block runs in this cluster', []));
    return findings;
  },
};

export const realProducts: Check = {
  id: 'real-products',
  title: 'Building blocks run real products in production',
  requirements: ['govstack-cfr-quality#req-7'],
  scope:
    "Each enabled building block's product. The `mock` product is GovStack's API simulator (Mockoon serving an example environment or an imported OpenAPI file): the example implementation quality#req-7 asks for, to test against, not a building block. In \"prod\" it is MANUAL (no GovStack requirement forbids it, so the auditor is told and decides), in the other environments PASS, saying so; any other product (catalog, the country's own, or external) is PASS.",
  run({ model, blueprint }) {
    const findings = model.buildingBlocks.map((block) => {
      const ev = [blueprint(block.pointer)];
      if (block.product.id !== 'mock') return finding('PASS', block.id, `runs ${block.product.title}`, ev);
      return model.environment === 'prod'
        ? finding('MANUAL', block.id, 'runs the API simulator (mock) in prod: it implements no building block', ev, {
            askFor: [`why ${block.id} is simulated in production, or a blueprint naming a real product or "external" for it`],
          })
        : finding(
            'PASS',
            block.id,
            `runs the API simulator (mock) in a ${model.environment} environment; prod needs a real product or "external"`,
            ev,
          );
    });
    return findings.length ? findings : [finding('PASS', 'building blocks', 'no building block is enabled', [])];
  },
};
