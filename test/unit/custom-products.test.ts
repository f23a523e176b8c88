import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Blueprint, CustomProductDecl, findBuildingBlock, InputError, resolveBlueprint } from '../../src/index';
import { runChecks } from '../../src/audit/report';
import { TerraformJson } from '../../src/audit/terraform';
import { xroadConfiguration } from '../../src/mediator/xroad-config';
import { releaseValues, resourcesOf, root, synth, synthModel } from './support';

/**
 * A country's own product for a catalog building block (`customProducts`), through the
 * worked example blueprints/examples/ghana-national-payments.yaml: the national payment
 * switch (an image) as `payments`, the national identity service (a chart) as `identity`.
 * Everything is asserted on what the deployment really gets: the model's connection graph,
 * the synthesised Terraform JSON, the mediator configuration and the audit.
 */
const file = path.join(root, 'blueprints', 'examples', 'ghana-national-payments.yaml');
const ghana = parse(readFileSync(file, 'utf8')) as Blueprint;
const { json, model } = synth(file);
const policies = resourcesOf(json, 'kubernetes_network_policy_v1').map((r) => r.body);
// A policy names its namespace by reference to the namespace resource (so it is created after it).
const namespaceRef = (name: string) =>
  `kubernetes_namespace_v1.${
    resourcesOf(json, 'kubernetes_namespace_v1')
      .find((r) => r.body.metadata.name === name)!
      .address.split('.')[1]
  }.`;
const policy = (namespace: string, name: string) =>
  policies.find((p) => String(p.metadata.namespace).includes(namespaceRef(namespace)) && p.metadata.name === name);
const release = (name: string) => resourcesOf(json, 'helm_release').find((r) => r.body.name === name)!.body;
const block = (id: string) => model.buildingBlocks.find((b) => b.id === id)!;

function problems(bp: Blueprint): string[] {
  try {
    resolveBlueprint(bp, { label: 'gh' });
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => `${p.file}  ${p.pointer}  ${p.message}`).sort();
    throw err;
  }
  return [];
}

describe('the model |', () => {
  test('the chosen custom product runs the block; the catalog products stay the options before it', () => {
    const payments = block('payments');
    expect(payments.product).toMatchObject({
      kind: 'image',
      id: 'national-switch',
      image: { repository: 'registry.bog.gov.gh.example/switch/govstack-api', tag: '5.1.0' },
      metricsPath: '/metrics',
      apiPathPrefix: '/payments',
    });
    expect(payments.entry.products.map((p) => p.id)).toEqual([
      ...findBuildingBlock('payments')!.products.map((p) => p.id),
      'national-switch',
    ]);
    // The block keeps the catalog's GovStack API documents: they become its X-Road services.
    expect(payments.entry.apis).toEqual(findBuildingBlock('payments')!.apis);
    expect(payments).toMatchObject({
      version: '5.1.0',
      namespace: 'gs-payments',
      podSecurity: 'restricted',
      replicas: 2,
      pointer: '/buildingBlocks/payments',
    });
    // The product's own small profile, doubled by size: medium.
    expect(payments.resources).toEqual({ requests: { cpu: '400m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } });
  });

  test('a chart product has its Service, Pods and the restricted level by default', () => {
    const identity = block('identity');
    expect(identity.product).toMatchObject({
      kind: 'chart',
      id: 'national-id',
      chart: { name: 'national-id', version: '4.2.0' },
      pods: { labels: { 'app.kubernetes.io/name': 'national-id' }, port: { port: 8443, name: 'http' } },
    });
    expect(identity).toMatchObject({ serviceName: 'national-id', servicePort: 8080, podSecurity: 'restricted', version: '4.2.0' });
  });

  test('the connection graph has its flows, gateway route, scraping and mediator hops', () => {
    const edge = (id: string) => model.connections.find((c) => c.id === id);
    expect(edge('route:gateway-internal->payments')).toMatchObject({
      to: { namespace: 'gs-payments', podLabels: { 'app.kubernetes.io/name': 'payments' } },
      ports: [{ port: 8000, name: 'http' }],
    });
    expect(edge('scrape:prometheus->payments')).toMatchObject({ to: { namespace: 'gs-payments' }, ports: [{ port: 8000, name: 'http' }] });
    expect(edge('mediator-hop:payments->security-server/central-bank')?.flows).toEqual(['payments->identity']);
    expect(edge('mediator-hop:security-server/central-bank->payments')?.flows).toEqual(['registration->payments']);
    expect(edge('mediator-hop:security-server/nia->identity')).toMatchObject({
      to: { podLabels: { 'app.kubernetes.io/name': 'national-id' } },
      ports: [{ port: 8443, name: 'http' }],
    });
    expect(edge('route:gateway-internal->identity')).toBeDefined();
    // No metrics path is declared for the chart, so Prometheus is not let in.
    expect(edge('scrape:prometheus->identity')).toBeUndefined();
  });
});

describe('the synthesised Terraform |', () => {
  test('the switch runs in the generic chart with its image, port, probes and database', () => {
    const values = releaseValues(release('payments'));
    expect(release('payments').chart).toMatch(/govstack-building-block/);
    expect(values).toMatchObject({
      image: { repository: 'registry.bog.gov.gh.example/switch/govstack-api', tag: '5.1.0' },
      containerPort: 8000,
      healthPath: '/health',
      replicas: 2,
      metrics: { enabled: true, path: '/metrics' },
      database: { enabled: true, size: '50Gi' },
    });
  });

  test("the identity chart is installed from the country's repository at its exact version with its values", () => {
    const identity = release('identity');
    expect(identity).toMatchObject({ chart: 'national-id', repository: 'https://charts.nia.gov.gh.example', version: '4.2.0' });
    expect(identity.namespace).toContain(namespaceRef('gs-identity'));
    expect(JSON.parse(identity.values[0])).toEqual({ fullnameOverride: 'national-id' });
  });

  test("both namespaces enforce restricted and deny by default; the graph's edges open them", () => {
    for (const ns of ['gs-payments', 'gs-identity']) {
      const namespace = resourcesOf(json, 'kubernetes_namespace_v1').find((r) => r.body.metadata.name === ns)!.body;
      expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(policy(ns, 'default-deny')?.spec.policy_types).toEqual(['Ingress', 'Egress']);
    }
    const fromPrometheus = policy('gs-payments', 'ingress-scrape-prometheus-to-payments')!;
    expect(fromPrometheus.spec.ingress[0].ports).toEqual([{ port: '8000', protocol: 'TCP' }]); // by number, as for catalog products
    expect(fromPrometheus.spec.pod_selector.match_labels).toEqual({
      'app.kubernetes.io/name': 'payments',
      'app.kubernetes.io/component': 'workload',
    });
    expect(policy('gs-payments', 'ingress-route-gateway-internal-to-payments')).toBeDefined();
    expect(policy('gs-payments', 'ingress-mediator-hop-security-server-central-bank-to-payments')).toBeDefined();
    expect(policy('gs-payments', 'egress-mediator-hop-payments-to-security-server-central-bank')).toBeDefined();
    const toIdentity = policy('gs-identity', 'ingress-mediator-hop-security-server-nia-to-identity')!;
    expect(toIdentity.spec.pod_selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'national-id' });
    expect(toIdentity.spec.ingress[0].ports).toEqual([{ port: '8443', protocol: 'TCP' }]);
  });
});

test("the owner's X-Road subsystem publishes the block's API documents, with rights for exactly its consumers", () => {
  const xroad = xroadConfiguration(model);
  const subsystem = xroad.subsystems.find((s) => s.buildingBlock === 'payments')!;
  expect(subsystem).toMatchObject({ id: 'GH-STAGING:GOV:GH-BOG:payments', securityServer: 'central-bank', connectionType: 'HTTPS' });
  expect(subsystem.services).toHaveLength(findBuildingBlock('payments')!.apis.length);
  expect(subsystem.services.every((s) => s.serviceUrl === 'http://payments.gs-payments.svc.cluster.local:8080/payments')).toBe(true);
  expect(subsystem.services.every((s) => s.clients.join() === 'GH-STAGING:GOV:GH-DSW:registration')).toBe(true);
  expect(xroad.subsystems.find((s) => s.buildingBlock === 'identity')?.services[0].serviceUrl).toBe(
    'http://national-id.gs-identity.svc.cluster.local:8080',
  );
  expect(xroad.accessRights.filter((r) => r.to === 'payments').map((r) => r.from)).toEqual(['registration']);
});

test('the example audits with 0 FAIL', () => {
  const results = runChecks(model, json as TerraformJson);
  expect(results.filter((r) => r.status === 'FAIL').map((r) => r.id)).toEqual([]);
  const podSecurity = results.find((r) => r.id === 'pod-security')!;
  expect(podSecurity.findings.filter((f) => /gs-(payments|identity)/.test(f.subject)).map((f) => f.status)).toEqual(['PASS', 'PASS']);
});

describe('in code |', () => {
  test('the same blueprint as a TypeScript object resolves to the same model', () => {
    const inCode = resolveBlueprint(ghana, { label: 'ghana.ts' });
    expect(inCode.buildingBlocks.map((b) => b.product)).toEqual(model.buildingBlocks.map((b) => b.product));
    expect(inCode.connections).toEqual(model.connections);
  });

  test('one InputError lists every problem with its JSON pointer: collisions, unknown ids and fields', () => {
    const product = ghana.customProducts!.payments['national-switch'];
    const found = problems({
      ...ghana,
      customProducts: {
        payments: { external: product, 'national-switch': { ...product, kind: 'chart' } as CustomProductDecl },
        identty: { x: product },
      } as Blueprint['customProducts'],
    });
    expect(found).toEqual([
      'gh  /customProducts/identty  unknown property "identty" (did you mean "identity"?)',
      'gh  /customProducts/payments/external  "external" is not allowed as a name here: must be a DNS label that is not a catalog product of payments (mock, external)',
      'gh  /customProducts/payments/national-switch  missing required property "chart"',
      'gh  /customProducts/payments/national-switch  missing required property "pods"',
      'gh  /customProducts/payments/national-switch  missing required property "service"',
      'gh  /customProducts/payments/national-switch/containerPort  unknown property "containerPort"',
      'gh  /customProducts/payments/national-switch/image  unknown property "image"',
      'gh  /customProducts/payments/national-switch/metricsPath  unknown property "metricsPath"',
      'gh  /customProducts/payments/national-switch/resources  unknown property "resources"',
      'gh  /customProducts/payments/national-switch/writablePaths  unknown property "writablePaths"',
    ]);
  });

  test("a product id that is neither the catalog's nor declared is refused with both named", () => {
    const found = problems({
      ...ghana,
      buildingBlocks: { ...ghana.buildingBlocks, payments: { ...ghana.buildingBlocks.payments, product: 'national-swich' } },
    });
    expect(found).toEqual([
      'gh  /buildingBlocks/payments/product  "national-swich" is not one of: mock, external, national-switch (did you mean "national-switch"?); a country\'s own product is declared under /customProducts/payments',
    ]);
  });

  test('the ${ guard covers custom products, chart values included', () => {
    const identity = ghana.customProducts!.identity['national-id'] as CustomProductDecl & { kind: 'chart' };
    const found = problems({
      ...ghana,
      customProducts: { ...ghana.customProducts, identity: { 'national-id': { ...identity, values: { host: '${file("/etc/passwd")}' } } } },
    });
    expect(found).toEqual([expect.stringMatching(/^gh {2}\/customProducts\/identity\/national-id\/values\/host {2}contains "\$\{"/)]);
  });

  test('an image product probed by TCP carries its reason to the chart values and the audit, which WAIVEs it', () => {
    const product = ghana.customProducts!.payments['national-switch'] as CustomProductDecl & { kind?: 'image' };
    const reason = 'the switch answers only requests signed with the caller certificate, which a probe cannot present';
    const tcp = resolveBlueprint({
      ...ghana,
      customProducts: { ...ghana.customProducts, payments: { 'national-switch': { ...product, healthCheck: { kind: 'tcp', reason } } } },
    });
    expect(tcp.buildingBlocks.find((b) => b.id === 'payments')!.product).toMatchObject({
      healthCheck: { kind: 'tcp', reason, source: product.source },
    });
    const tcpJson = synthModel(tcp);
    const switchRelease = resourcesOf(tcpJson, 'helm_release').find((r) => r.body.name === 'payments')!;
    expect(releaseValues(switchRelease.body)).toMatchObject({ probeType: 'tcp', healthPath: '/health' });
    const probes = runChecks(tcp, tcpJson as TerraformJson).find((r) => r.id === 'health-probes')!;
    expect(probes.findings.find((f) => f.subject === 'payments')).toMatchObject({
      status: 'WAIVED',
      justification: `${reason} (${product.source})`,
    });
    // Without a reason there is no TCP probe: the schema says where.
    expect(
      problems({
        ...ghana,
        customProducts: {
          ...ghana.customProducts,
          payments: { 'national-switch': { ...product, healthCheck: { kind: 'tcp' } as never } },
        },
      }),
    ).toEqual(['gh  /customProducts/payments/national-switch/healthCheck  missing required property "reason"']);
  });

  test('a chart below restricted carries its reason to the namespace and the audit', () => {
    const identity = ghana.customProducts!.identity['national-id'] as CustomProductDecl & { kind: 'chart' };
    const reason = 'the national-id chart runs an init container as root to install the national CA bundle';
    const relaxed = resolveBlueprint({
      ...ghana,
      customProducts: {
        ...ghana.customProducts,
        identity: { 'national-id': { ...identity, podSecurity: { level: 'baseline' as const, reason } } },
      },
    });
    expect(relaxed.buildingBlocks.find((b) => b.id === 'identity')).toMatchObject({
      podSecurity: 'baseline',
      podSecurityJustification: reason,
    });
  });
});
