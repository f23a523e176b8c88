import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { scanForSecrets } from '../../src/audit/checks/secrets';
import { gatewayCatalog } from '../../src/catalog';
import { chartsDir } from '../../src/paths';
import { findHelm, fixture, root, releaseValues, resourcesOf, synth, TfJson } from './support';

const sandbox = synth(path.join(root, 'blueprints', 'sandbox.yaml'));
const { json, model } = sandbox;

const namespaces = resourcesOf(json, 'kubernetes_namespace_v1');
const policies = resourcesOf(json, 'kubernetes_network_policy_v1');
const releases = resourcesOf(json, 'helm_release');
const nsName = (r: { body: Record<string, any> }) => r.body.metadata.name as string;

/** Namespace of a resource, whether written literally or as a reference to the namespace resource. */
function namespaceOf(json: TfJson, value: string): string {
  const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(value);
  return ref ? (json.resource.kubernetes_namespace_v1[ref[1]] as any).metadata.name : value;
}

const policiesIn = (ns: string) => policies.filter((p) => namespaceOf(json, p.body.metadata.namespace) === ns);

describe('IsolatedNamespace |', () => {
  test('every building block gets its own namespace, Pod Security restricted enforced', () => {
    for (const block of model.buildingBlocks) {
      const ns = namespaces.find((n) => nsName(n) === block.namespace);
      expect(ns).toBeDefined();
      expect(ns!.body.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(ns!.body.metadata.annotations['govstack.global/controls']).toContain('pod-security-restricted');
    }
  });

  test('every namespace has a default-deny policy for ingress and egress', () => {
    for (const ns of namespaces) {
      const deny = policies.find(
        (p) => namespaceOf(json, p.body.metadata.namespace) === nsName(ns) && p.body.metadata.name === 'default-deny',
      );
      expect(deny).toBeDefined();
      expect(deny!.body.spec.pod_selector).toEqual({});
      expect(deny!.body.spec.policy_types).toEqual(['Ingress', 'Egress']);
      expect(deny!.body.spec.ingress).toBeUndefined();
      expect(deny!.body.spec.egress).toBeUndefined();
    }
  });

  test('service accounts never automount an API token', () => {
    const accounts = resourcesOf(json, 'kubernetes_service_account_v1');
    expect(accounts.length).toBe(namespaces.length);
    for (const sa of accounts) expect(sa.body.automount_service_account_token).toBe(false);
  });

  test('DNS egress is allowed only to kube-dns on port 53, UDP and TCP, from every namespace', () => {
    const dns = policies.filter((p) => p.body.metadata.annotations['govstack.global/reason'] === 'dns');
    expect(dns.length).toBe(namespaces.length * 2);
    for (const p of dns) {
      expect(p.body.spec.egress[0].to[0].pod_selector.match_labels).toEqual({ 'k8s-app': 'kube-dns' });
      expect(p.body.spec.egress[0].to[0].namespace_selector.match_labels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
      expect(p.body.spec.egress[0].ports.map((x: any) => x.port)).toEqual(['53']);
    }
    expect(dns.map((p) => p.body.spec.egress[0].ports[0].protocol).sort()).toEqual([
      ...Array(namespaces.length).fill('TCP'),
      ...Array(namespaces.length).fill('UDP'),
    ]);
  });
});

describe('BuildingBlock |', () => {
  const generic = releases.filter((r) => String(r.body.chart).includes('govstack-building-block'));

  test('each image-based building block runs the generic chart from the stack folder', () => {
    const imageBlocks = model.buildingBlocks.filter((b) => b.product.kind === 'image');
    expect(generic.map((r) => r.body.name).sort()).toEqual(imageBlocks.map((b) => b.id).sort());
    for (const r of generic) expect(r.body.chart).toMatch(/^assets\/[^/]+\/[0-9a-f]{16}$/);
  });

  test('images are pinned, resources declared, and the service account is the namespace one', () => {
    for (const r of generic) {
      const v = releaseValues(r.body);
      expect(v.image.tag).toMatch(/^[^\s]+$/);
      expect(v.image.tag).not.toBe('latest');
      expect(v.resources.requests.cpu).toBeDefined();
      expect(v.resources.limits.memory).toBeDefined();
      expect(v.serviceAccountName).toBe(r.body.name);
      // The ServiceAccount and the LimitRange exist before any release in the namespace (issue 10, item 9).
      expect([...r.body.depends_on].sort()).toEqual([
        expect.stringMatching(/^kubernetes_limit_range_v1\./),
        expect.stringMatching(/^kubernetes_service_account_v1\./),
      ]);
      // Not root; an image that declares its user runs as exactly that user (the mocks' image, commit a337da1).
      const product = model.buildingBlocks.find((b) => b.id === r.body.name)!.product;
      const user = product.kind === 'image' ? product.user : undefined;
      expect(v.securityContext).toEqual(
        user ? { runAsNonRoot: true, runAsUser: user.uid, runAsGroup: user.gid, fsGroup: user.gid } : undefined,
      );
    }
  });

  test('waits are on by default', () => {
    for (const r of releases) expect(r.body.wait).toBe(true);
  });

  test('consumers receive provider URLs and their X-Road client id, derived from the model', () => {
    const registration = releaseValues(generic.find((r) => r.body.name === 'registration')!.body);
    expect(registration.config.GOVSTACK_XROAD_CLIENT).toBe('SANDBOX/GOV/1003/registration');
    expect(registration.config.GOVSTACK_IDENTITY_URL).toBe(
      'https://xroad-ss-ministry-of-social-protection.gs-mediator.svc.cluster.local:8443/r1/SANDBOX/GOV/1001/identity',
    );
    expect(registration.config.GOVSTACK_WORKFLOW_URL).toMatch(/^http:\/\/workflow\.gs-workflow\.svc\.cluster\.local:\d+$/);
  });

  test('egress beyond the cluster exists only where a product needs it, with the reason attached', () => {
    const external = policies.filter((p) => (p.body.spec.egress ?? []).some((r: any) => (r.to ?? []).some((t: any) => t.ip_block)));
    for (const p of external) {
      const ns = namespaceOf(json, p.body.metadata.namespace);
      const reason = p.body.metadata.annotations['govstack.global/egress-reason'];
      const platform = ['gs-gateway', 'gs-gateway-external', 'gs-observability', 'gs-observability-collector'].includes(ns);
      const document =
        /fetches .* at start-up/.test(reason) ||
        (ns === 'gs-mediator' &&
          (/loads its providers' OpenAPI descriptions/.test(reason) ||
            p.body.metadata.annotations['govstack.global/connection'] === 'kube-api:mediator-reconcile->kube-api'));
      expect(`${ns} ${platform || document}`).toBe(`${ns} true`);
    }
  });

  test('no value anywhere in the output looks like a secret', () => {
    expect(sandbox.text).not.toMatch(/password"\s*:\s*"[^$]/i);
    expect(sandbox.text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(resourcesOf(json, 'kubernetes_secret_v1')).toEqual([]);
  });
});

describe('Gateway |', () => {
  const gateways = releases.find((r) => r.body.name === 'govstack-gateway')!;
  const values = releaseValues(gateways.body);

  test('external and internal gateways are separate, each in its own namespace', () => {
    expect(values.gateways.external.namespace).toBe('gs-gateway-external');
    expect(values.gateways.internal.namespace).toBe('gs-gateway-internal');
    expect(values.gateways.external.hostnames).toEqual(['*.api.sandbox.govstack.example']);
    expect(values.gateways.internal.hostnames).toEqual(['*.internal.sandbox.govstack.example']);
  });

  test('TLS 1.3 minimum, rate limit and access log are set', () => {
    expect(values.tls.minVersion).toBe('1.3');
    expect(values.rateLimit).toEqual({ requests: 50, unit: 'Second', clientCidrs: gatewayCatalog.rateLimiting.clientCidrs });
    expect(values.accessLog).toBe(true);
  });

  test('the rate limit is per client address: the chart, with the synthesised values, renders only Distinct sourceCIDR rules covering IPv4 and IPv6', () => {
    expect(gatewayCatalog.rateLimiting.clientCidrs).toEqual(['0.0.0.0/0', '::/0']);
    const helm = findHelm();
    if (!helm) {
      process.stdout.write('[constructs] helm not found (scripts/toolchain.sh builds it): the rendered rate-limit policy is not checked\n');
      return;
    }
    const work = mkdtempSync(path.join(tmpdir(), 'govstack-ratelimit-'));
    try {
      writeFileSync(path.join(work, 'values.json'), gateways.body.values[0]);
      // The chart requires every kind it renders (requireCrds): serve them all, as on a cluster with Envoy Gateway.
      const kinds = { ...gatewayCatalog.apiVersions, GatewayClass: 'gateway.networking.k8s.io/v1' };
      const served = Object.entries(kinds).flatMap(([kind, version]) => ['--api-versions', `${version}/${kind}`]);
      const rendered = execFileSync(
        helm,
        [
          'template',
          'govstack-gateway',
          path.join(chartsDir, 'govstack-gateway'),
          '-f',
          path.join(work, 'values.json'),
          '-n',
          'gs-gateway',
          ...served,
        ],
        { encoding: 'utf8' },
      );
      const policies = parseAllDocuments(rendered)
        .map((d) => d.toJS())
        .filter((d) => d?.kind === 'BackendTrafficPolicy');
      expect(policies.map((p) => p.spec.targetRefs[0].name).sort()).toEqual(['govstack-gateway-external', 'govstack-gateway-internal']);
      for (const p of policies) {
        expect(p.spec.rateLimit.local.rules).toEqual(
          ['0.0.0.0/0', '::/0'].map((value) => ({
            clientSelectors: [{ sourceCIDR: { type: 'Distinct', value } }],
            limit: { requests: 50, unit: 'Second' },
          })),
        );
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('exposed building blocks get a route on the gateway they asked for', () => {
    const exposed = model.buildingBlocks.filter((b) => b.exposure !== 'none');
    expect(values.routes.map((r: any) => `${r.name}:${r.gateway}`).sort()).toEqual(exposed.map((b) => `${b.id}:${b.exposure}`).sort());
  });

  test('the internal gateway accepts only private ranges; the external one anyone', () => {
    const internalIngress = policiesIn('gs-gateway-internal').find(
      (p) => p.body.metadata.name === 'ingress-route-clients-to-gateway-internal',
    )!;
    expect(internalIngress.body.spec.ingress[0].from.map((f: any) => f.ip_block.cidr)).toEqual([
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
    ]);
    const externalIngress = policiesIn('gs-gateway-external').find(
      (p) => p.body.metadata.name === 'ingress-route-clients-to-gateway-external',
    )!;
    expect(externalIngress.body.spec.ingress[0].from[0].ip_block.cidr).toBe('0.0.0.0/0');
  });

  test('the gateway objects wait for the controller and the namespaces they route into', () => {
    const deps: string[] = gateways.body.depends_on;
    expect(deps.some((d) => d.startsWith('helm_release.'))).toBe(true);
    for (const route of values.routes) {
      const ns = namespaces.find((n) => nsName(n) === route.namespace)!;
      expect(deps).toContain(ns.address);
    }
  });
});

describe('InformationMediator |', () => {
  const xroad = releases.find((r) => r.body.name === 'xroad')!;
  const values = releaseValues(xroad.body);

  test('one security server per organisation running a building block, and a central server', () => {
    const owners = [...new Set(model.buildingBlocks.map((b) => b.owner.name))].sort();
    expect(values.securityServers.map((s: any) => s.organisation).sort()).toEqual(owners);
    expect(values.centralServer).toEqual({ enabled: true });
    expect(values.instance).toBe('SANDBOX');
  });

  test('no credential is passed to the chart', () => {
    // The audit's own secret scan: Secret names (clientTls.secretName) are references, not secrets.
    expect(scanForSecrets(values, '')).toEqual([]);
    expect(JSON.stringify(values)).not.toMatch(/pin"|password/i);
  });
});

describe('Observability |', () => {
  test('metrics, logs, traces, collector and GovStack rules are installed', () => {
    const names = releases.map((r) => r.body.name);
    for (const name of ['metrics', 'logs', 'traces', 'log-collector', 'govstack-observability']) expect(names).toContain(name);
  });

  test('only the mediator (baseline) and the log collector (privileged) are relaxed, and each says why', () => {
    const relaxed = namespaces.filter((n) => n.body.metadata.labels['pod-security.kubernetes.io/enforce'] !== 'restricted');
    const level = (n: (typeof relaxed)[0]) => `${nsName(n)}=${n.body.metadata.labels['pod-security.kubernetes.io/enforce']}`;
    expect(relaxed.map(level).sort()).toEqual(['gs-mediator=baseline', 'gs-observability-collector=privileged']);
    const why = (name: string) =>
      relaxed.find((n) => nsName(n) === name)!.body.metadata.annotations['govstack.global/pod-security-justification'];
    expect(why('gs-observability-collector')).toMatch(/hostPath/);
    expect(why('gs-mediator')).toMatch(/as root/);
    for (const n of relaxed) expect(n.body.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
  });

  test('alert receivers are passed by Secret reference only', () => {
    const rules = releaseValues(releases.find((r) => r.body.name === 'govstack-observability')!.body);
    expect(rules.receivers).toEqual([
      {
        name: 'sandbox-operators',
        type: 'email',
        secretName: 'alertmanager-email',
        key: 'smtp-password',
        to: 'operators@sandbox.govstack.example',
        from: 'alerts@sandbox.govstack.example',
        smarthost: 'smtp.sandbox.govstack.example:587',
      },
    ]);
  });
});

describe('ClusterTarget and state backend |', () => {
  test('a kubeconfig target configures both providers from the file', () => {
    expect(json.provider.kubernetes).toEqual([{ config_path: '~/.kube/config' }]);
    expect(json.provider.helm).toEqual([{ kubernetes: { config_path: '~/.kube/config' } }]);
  });

  test('provider versions are constrained to the tested major versions', () => {
    expect((json.terraform as any).required_providers).toEqual({
      helm: { source: 'helm', version: '>= 3.1.1, < 4.0.0' },
      kubernetes: { source: 'kubernetes', version: '>= 3.2.1, < 4.0.0' },
    });
  });

  test('local state gets a per-country, per-environment file', () => {
    expect((json.terraform as any).backend).toEqual({ local: { path: 'terraform.govstack.de.dev.sandbox.tfstate' } });
  });
});

describe('preinstalled platform components |', () => {
  test('components the cluster already runs are configured but not installed', () => {
    const { json: pre } = synth(fixture('valid', 'preinstalled.yaml'));
    const names = resourcesOf(pre, 'helm_release')
      .map((r) => r.body.name)
      .sort();
    expect(names).toEqual(['govstack-gateway', 'govstack-observability', 'identity', 'registration', 'traces', 'xroad']);
    const gateways = resourcesOf(pre, 'helm_release').find((r) => r.body.name === 'govstack-gateway')!;
    expect(gateways.body.depends_on.some((d: string) => d.startsWith('helm_release.'))).toBe(false);
  });
});

describe('chart sources for air-gapped sites |', () => {
  const upstream = (json: TfJson) => resourcesOf(json, 'helm_release').filter((r) => !String(r.body.chart).startsWith('assets/'));

  test('by default upstream charts come from their pinned repositories', () => {
    for (const r of upstream(json)) {
      expect(r.body.repository).toMatch(/^(https|oci):\/\//);
      expect(r.body.version).toMatch(/^v?\d+\.\d+\.\d+$/);
    }
  });

  test('a mirror replaces every repository, keeping names and versions', () => {
    const mirrored = upstream(synth(fixture('valid', 'mirror.yaml')).json);
    expect(mirrored.length).toBeGreaterThan(0);
    for (const r of mirrored) expect(r.body.repository).toBe('oci://registry.gov.example/charts');
    expect(mirrored.map((r) => `${r.body.chart}@${r.body.version}`).sort()).toEqual(
      upstream(json)
        .map((r) => `${r.body.chart}@${r.body.version}`)
        .sort(),
    );
  });

  test('a local folder serves unpacked charts by name, with no repository', () => {
    const local = upstream(synth(fixture('valid', 'local-charts.yaml')).json);
    expect(local.length).toBeGreaterThan(0);
    for (const r of local) {
      expect(r.body.repository).toBeUndefined();
      expect(r.body.chart).toMatch(/^\/srv\/charts\/[a-z-]+$/);
    }
  });
});
