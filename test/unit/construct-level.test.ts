import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { Blueprint, BuildingBlock, CountryDeployment, IsolatedNamespace, resolveBlueprint } from '../../src/index';
import { renderConnections } from '../../src/constructs/connection-policies';
import { root } from './support';

/**
 * Constructs on their own, with cdktf's testing helpers (Testing.synthScope, Testing.synth and
 * the toHaveResource* assertions), beside the YAML-driven tests: each construct is built
 * from its props in code, as a library user composes it.
 */

const rwanda = parse(readFileSync(path.join(root, 'blueprints', 'examples', 'rwanda-national-registry.yaml'), 'utf8')) as Blueprint;
const release = { waits: true, timeoutSeconds: 900, charts: {}, preinstalled: [] };

describe('IsolatedNamespace |', () => {
  const synthesized = Testing.synthScope((scope) => {
    const ns = new IsolatedNamespace(scope, 'Ns', { name: 'gs-civil-registry', deployment: 'rw-staging', component: 'civil-registry' });
    // Allows are edges of the connection graph, rendered into the namespaces they start or end in.
    renderConnections(new Map([['gs-civil-registry', ns]]), [
      {
        id: 'flow:civil-registry->consent',
        from: { component: 'civil-registry', namespace: 'gs-civil-registry', podLabels: {} },
        to: { component: 'consent', namespace: 'gs-consent', podLabels: {} },
        ports: [{ port: 8080 }],
        protocol: 'TCP',
        reason: 'flow',
        why: 'flow civil-registry->consent (direct)',
        pointers: [],
        flows: ['civil-registry->consent'],
      },
    ]);
  });

  test('enforces Pod Security restricted by default', () => {
    expect(
      Testing.toHaveResourceWithProperties(synthesized, 'kubernetes_namespace_v1', {
        metadata: { name: 'gs-civil-registry', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      }),
    ).toBe(true);
  });

  test('denies all ingress and egress by default', () => {
    expect(
      Testing.toHaveResourceWithProperties(synthesized, 'kubernetes_network_policy_v1', {
        metadata: { name: 'default-deny' },
        spec: { pod_selector: {}, policy_types: ['Ingress', 'Egress'] },
      }),
    ).toBe(true);
  });

  test('gives its ServiceAccount no API token', () => {
    expect(
      Testing.toHaveResourceWithProperties(synthesized, 'kubernetes_service_account_v1', { automount_service_account_token: false }),
    ).toBe(true);
  });

  test('a graph edge opens exactly the named namespace and port, tagged with the flow; the far end is not rendered here', () => {
    expect(
      Testing.toHaveResourceWithProperties(synthesized, 'kubernetes_network_policy_v1', {
        metadata: { name: 'egress-flow-civil-registry-to-consent', annotations: { 'govstack.global/flow': 'civil-registry->consent' } },
        spec: {
          policy_types: ['Egress'],
          egress: [
            {
              to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'gs-consent' } } }],
              ports: [{ port: '8080', protocol: 'TCP' }],
            },
          ],
        },
      }),
    ).toBe(true);
    // gs-consent is not a namespace of this scope, so its ingress half is not created.
    expect(
      Testing.toHaveResourceWithProperties(synthesized, 'kubernetes_network_policy_v1', {
        metadata: { name: 'ingress-flow-civil-registry-to-consent' },
      }),
    ).toBe(false);
  });
});

describe('BuildingBlock |', () => {
  const model = resolveBlueprint(rwanda);
  const block = model.buildingBlocks.find((b) => b.id === 'civil-registry')!;

  test('a custom block runs its own image in the generic chart, its datastore image from the catalog', () => {
    const synthesized = Testing.synthScope((scope) => {
      // monitoring: metrics are scraped only where an observability stack runs (platform's change).
      new BuildingBlock(scope, 'CivilRegistry', { block, deployment: model.name, release, monitoring: {} });
    });
    const releases = Object.values(JSON.parse(synthesized).resource.helm_release as Record<string, { name: string; values: string[] }>);
    expect(releases.map((r) => r.name)).toEqual(['civil-registry']);
    const values = JSON.parse(releases[0].values[0]);
    expect(values.image).toEqual({ repository: 'registry.gov.rw.example/civil-registry/api', tag: '2.4.1' });
    expect(values.database).toMatchObject({
      enabled: true,
      size: '20Gi',
      image: { repository: 'postgres', tag: expect.stringMatching(/^\d+\.\d+/) },
    });
    expect(values.metrics).toEqual({ enabled: true, path: '/metrics' });
    expect(Testing.toHaveResourceWithProperties(synthesized, 'kubernetes_namespace_v1', { metadata: { name: 'gs-civil-registry' } })).toBe(
      true,
    );
  });

  test('an external product creates nothing', () => {
    const external = { ...block, product: { kind: 'external' as const, id: 'external', title: 'elsewhere', source: 'test' } };
    const synthesized = Testing.synthScope((scope) => {
      new BuildingBlock(scope, 'Elsewhere', { block: external, deployment: model.name, release });
    });
    expect(Testing.toHaveResource(synthesized, 'helm_release')).toBe(false);
    expect(Testing.toHaveResource(synthesized, 'kubernetes_namespace_v1')).toBe(false);
  });
});

describe('CountryDeployment | a custom building block', () => {
  const app = Testing.app();
  const model = resolveBlueprint(rwanda);
  const stack: TerraformStack = new CountryDeployment(app, model.name, { model });
  const synthesized = Testing.synth(stack);
  // The namespace is a reference to the namespace resource, so policies are told apart by name and tag.
  const policy = (_namespace: string, name: string, annotations: Record<string, string>) =>
    Testing.toHaveResourceWithProperties(synthesized, 'kubernetes_network_policy_v1', { metadata: { name, annotations } });

  test('is reached by its consumer through the mediator, on both ends', () => {
    const hop = {
      'govstack.global/connection': 'mediator-hop:security-server/nida->civil-registry',
      'govstack.global/flow': 'registration->civil-registry',
    };
    expect(policy('gs-mediator', 'egress-mediator-hop-security-server-nida-to-civil-registry', hop)).toBe(true);
    expect(policy('gs-civil-registry', 'ingress-mediator-hop-security-server-nida-to-civil-registry', hop)).toBe(true);
  });

  test('is routed by the internal gateway and scraped by observability', () => {
    expect(
      policy('gs-civil-registry', 'ingress-route-gateway-internal-to-civil-registry', {
        'govstack.global/connection': 'route:gateway-internal->civil-registry',
      }),
    ).toBe(true);
    expect(
      policy('gs-civil-registry', 'ingress-scrape-prometheus-to-civil-registry', {
        'govstack.global/connection': 'scrape:prometheus->civil-registry',
      }),
    ).toBe(true);
  });

  test('is an X-Road subsystem with its API as a service that exactly its consumer may call', () => {
    const releases = Object.values(JSON.parse(synthesized).resource.helm_release as Record<string, { name: string; values: string[] }>);
    const mediator = JSON.parse(releases.find((r) => JSON.parse(r.values[0]).reconcile)!.values[0]);
    const subsystem = mediator.reconcile.configuration.subsystems.find(
      (s: { buildingBlock: string }) => s.buildingBlock === 'civil-registry',
    );
    expect(subsystem).toMatchObject({
      id: 'RW-STAGING:GOV:RW-NIDA:civil-registry',
      name: 'National Civil Registry',
      securityServer: 'nida',
    });
    expect(subsystem.services).toEqual([
      expect.objectContaining({
        code: 'civil-registry',
        specUrl: 'https://registry.gov.rw.example/civil-registry/releases/2.4.1/openapi.yaml',
        serviceUrl: 'http://civil-registry.gs-civil-registry.svc.cluster.local:8080/v2',
        clients: ['RW-STAGING:GOV:RW-MINALOC:registration'],
      }),
    ]);
  });
});
