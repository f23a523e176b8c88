import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeploymentModel } from '../../src/model/types';
import { serviceCodes, xroadConfiguration, XRoadConfiguration, XRoadSubsystem } from '../../src/mediator/xroad-config';
import {
  envPrefix,
  keyJournalAnnotation,
  leaseLock,
  reconcile,
  ReconcileOptions,
  ReconcileTargets,
  reconcileScript,
} from '../../src/mediator/reconcile';
import { LeaseStub } from '../contract/lease-stub';
import { xroadIdentifier, xroadServiceUrlValid, XRoadStub } from '../contract/xroad-stub';
import { referenceDocuments } from '../contract/reference-documents';
import { model, root } from './support';

/**
 * Contract tests of the reconcile logic (charts/govstack-xroad/files/reconcile.js, the file the
 * chart's Job runs). X-Road cannot run here, so the script drives a stub of the X-Road 7.8
 * admin APIs whose every request and response is validated against the official OpenAPI
 * documents (../shared/xroad/*-admin-api.yaml); any violation fails the test.
 */

const sandbox = model(path.join(root, 'blueprints', 'sandbox.yaml'));
const desired = xroadConfiguration(sandbox);

/**
 * Client TLS certificates of the consumer subsystems, made with the openssl command line (the
 * chart makes them with Helm's genSignedCert in the cluster; any X.509 certificate will do for
 * the admin API). One folder, `<block>.crt`, as the Job mounts them.
 */
const certDir = mkdtempSync(path.join(tmpdir(), 'govstack-client-certs-'));
afterAll(() => rmSync(certDir, { recursive: true, force: true }));
function selfSigned(dir: string, name: string, san?: string): { key: string; cert: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      ...(san ? ['-addext', `subjectAltName=${san}`] : []),
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}
const clientCertificate = (subsystem: XRoadSubsystem): string | undefined => {
  if (!subsystem.clientTls) return undefined;
  const file = path.join(certDir, subsystem.clientTls.certificateFile);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return selfSigned(certDir, subsystem.clientTls.certificateFile.replace(/\.crt$/, '')).cert;
  }
};
const hashOf = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, '');

const credentials = (name: string) => ({ user: `admin-${name}`, password: `pw-${name}-0123456789abcdef` });

async function instance(config: XRoadConfiguration): Promise<{ stub: XRoadStub; targets: ReconcileTargets }> {
  const stub = await XRoadStub.start({
    instance: config.instance,
    securityServers: config.securityServers.map((s) => ({ name: s.name, credentials: credentials(s.name) })),
    ...(config.centralServer ? { centralServer: { credentials: credentials('central-server') } } : {}),
  });
  const targets: ReconcileTargets = {
    securityServers: Object.fromEntries(
      config.securityServers.map((s) => [s.name, { url: stub.url(s.name), ...credentials(s.name), tokenPin: `pin-${s.name}` }]),
    ),
    ...(config.centralServer
      ? {
          centralServer: {
            url: stub.url('central-server'),
            ...credentials('central-server'),
            tokenPin: 'pin-cs',
            address: 'xroad-cs.gs-mediator.svc.cluster.local',
          },
        }
      : {}),
  };
  return { stub, targets };
}

/** What the stub holds, in the terms of the derived configuration. */
function observed(stub: XRoadStub, config: XRoadConfiguration) {
  const out: { clients: string[]; services: string[]; rights: string[] } = { clients: [], services: [], rights: [] };
  for (const server of config.securityServers) {
    const s = stub.ss(server.name);
    for (const [id, c] of s.clients)
      out.clients.push(`${server.name} ${id} ${c.connection_type} ${c.status} tls=${[...c.tls.keys()].join(',')}`);
    for (const d of s.descriptions.values()) {
      for (const svc of d.services) {
        const id = `${d.client_id}:${svc.service_code}`;
        out.services.push(
          `${server.name} ${id} ${d.type} ${d.disabled ? 'disabled' : 'enabled'} spec=${d.url} url=${svc.url} timeout=${svc.timeout}`,
        );
        for (const client of s.rights.get(id)?.keys() ?? []) out.rights.push(`${server.name} ${client} -> ${id}`);
      }
    }
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

function expected(config: XRoadConfiguration) {
  const out: { clients: string[]; services: string[]; rights: string[] } = { clients: [], services: [], rights: [] };
  for (const s of config.subsystems) {
    if (!s.securityServer) continue;
    out.clients.push(
      `${s.securityServer} ${s.id} ${s.connectionType} REGISTERED tls=${s.connectionType === 'HTTPS' ? hashOf(clientCertificate(s)!) : ''}`,
    );
    for (const svc of s.services) {
      out.services.push(`${s.securityServer} ${svc.id} OPENAPI3 enabled spec=${svc.specUrl} url=${svc.serviceUrl} timeout=${svc.timeout}`);
      for (const c of svc.clients) out.rights.push(`${s.securityServer} ${c} -> ${svc.id}`);
    }
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

const quiet: ReconcileOptions = { log: () => undefined, clientCertificate };

/** The stub validates every exchange against X-Road's admin API documents; without them nothing here can run. */
const withXRoadApis = referenceDocuments(
  'reconcile contract tests against the X-Road admin API documents',
  ['xroad', 'security-server-admin-api.yaml'],
  ['xroad', 'central-server-admin-api.yaml'],
);

withXRoadApis.describe('the stub keeps the admin API contract |', () => {
  test('an unknown path, an invalid body and a missing API key are contract violations', async () => {
    const { stub } = await instance(desired);
    try {
      const send = (method: string, p: string, body?: unknown, auth?: string) =>
        new Promise<number>((resolve, reject) => {
          const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
          const r = request(
            `${stub.url(desired.securityServers[0].name)}/api/v1${p}`,
            { method, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: auth } : {}) } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          r.on('error', reject);
          r.end(payload);
        });
      await send('GET', '/no-such-endpoint', undefined, 'X-Road-ApiKey token=x');
      await send('POST', '/clients', { ignore_warnings: true }, 'X-Road-ApiKey token=x');
      await send('GET', '/clients');
      expect(stub.violations).toEqual([
        expect.stringMatching(/GET \/no-such-endpoint: no such operation/),
        expect.stringMatching(/POST \/clients request: request body\/ must have required property 'client'/),
        expect.stringMatching(/GET \/clients request: no "Authorization: X-Road-ApiKey/),
      ]);
    } finally {
      await stub.close();
    }
  });
});

withXRoadApis.describe('reconcile against the X-Road admin API contract |', () => {
  let stub: XRoadStub;
  let targets: ReconcileTargets;

  beforeAll(async () => ({ stub, targets } = await instance(desired)));
  afterAll(() => stub.close());
  afterEach(() => expect(stub.violations).toEqual([]));

  test('first run: initialises the instance and creates every member, subsystem, service and access right', async () => {
    const { changes } = await reconcile(desired, targets, quiet);
    expect(changes.length).toBeGreaterThan(0);

    const cs = stub.cs();
    expect(cs.instance).toBe('SANDBOX');
    expect(cs.address).toBe('xroad-cs.gs-mediator.svc.cluster.local');
    expect([...cs.memberClasses.keys()].sort()).toEqual([...desired.memberClasses].sort());
    expect([...cs.members].map(([id, name]) => `${id} ${name}`).sort()).toEqual(
      desired.members.map((m) => `SANDBOX:${m.memberClass}:${m.memberCode} ${m.name}`).sort(),
    );
    expect([...cs.subsystems].flatMap(([member, codes]) => [...codes].map((c) => `${member}:${c}`)).sort()).toEqual(
      desired.subsystems.map((s) => s.id).sort(),
    );

    for (const server of desired.securityServers) {
      const s = stub.ss(server.name);
      expect(s.anchor).toBe(true);
      expect(s.owner).toEqual({ memberClass: server.ownerClass, memberCode: server.ownerCode, serverCode: server.serverCode });
      expect(s.token).toBe('INITIALIZED');
    }
    expect(observed(stub, desired)).toEqual(expected(desired));
    // Every right the stub holds is one of the declared flows, and every mediated flow to a block served here has its rights.
    const held = new Set(
      observed(stub, desired).rights.map((r) =>
        r
          .replace(/:[^:]+$/, '')
          .split(' ')
          .slice(1)
          .join(' '),
      ),
    );
    const flows = new Set(desired.accessRights.filter((r) => r.securityServer).map((r) => `${r.client} -> ${r.provider}`));
    expect(held).toEqual(flows);
    expect(stub.liveKeys()).toBe(0);
    // The operations of the documents the run used, each validated both ways.
    expect([...new Set(stub.requests.map((r) => `${r.server === 'central-server' ? 'cs' : 'ss'} ${r.operationId}`))].sort()).toEqual([
      'cs addKey',
      'cs addMember',
      'cs addMemberClass',
      'cs addSubsystem',
      'cs createApiKey',
      'cs downloadAnchor',
      'cs getAnchor',
      'cs getInitializationStatus',
      'cs getMember',
      'cs getMemberClasses',
      'cs getSubsystems',
      'cs getTokens',
      'cs initCentralServer',
      'cs listApiKeys',
      'cs loginToken',
      'cs reCreateAnchor',
      'cs revokeApiKey',
      'ss addClient',
      'ss addClientServiceDescription',
      'ss addClientTlsCertificate',
      'ss addServiceServiceClients',
      'ss createApiKey',
      'ss enableServiceDescription',
      'ss findClients',
      'ss getClientServiceDescriptions',
      'ss getClientTlsCertificates',
      'ss getInitializationStatus',
      'ss getServiceServiceClients',
      'ss initSecurityServer',
      'ss listApiKeys',
      'ss registerClient',
      'ss revokeApiKey',
      'ss updateService',
      'ss uploadInitialAnchor',
    ]);
  });

  test('second run: no changes, no mutating request (only its own API key, created and revoked)', async () => {
    const before = stub.requests.length;
    const { changes } = await reconcile(desired, targets, quiet);
    expect(changes).toEqual([]);
    expect(stub.mutating(before)).toEqual([]);
    const keyOps = stub.requests.slice(before).filter((r) => r.template.startsWith('/api-keys'));
    const servers = desired.securityServers.length + 1;
    expect(keyOps.map((r) => r.method).sort()).toEqual([
      ...Array(servers).fill('DELETE'),
      ...Array(servers).fill('GET'),
      ...Array(servers).fill('POST'),
    ]);
    expect(stub.liveKeys()).toBe(0);
  });

  test('a removed flow: its access rights are revoked, nothing else changes', async () => {
    const without: DeploymentModel = {
      ...sandbox,
      flows: sandbox.flows.filter((f) => !(f.from === 'registration' && f.to === 'identity')),
    };
    const reduced = xroadConfiguration(without);
    expect(reduced.accessRights.length).toBe(desired.accessRights.length - 1);
    const before = stub.requests.length;
    const { changes } = await reconcile(reduced, targets, quiet);

    const identity = desired.subsystems.find((s) => s.buildingBlock === 'identity')!;
    const registration = desired.subsystems.find((s) => s.buildingBlock === 'registration')!.id;
    expect(changes.map((c) => `${c.action} ${c.target}`).sort()).toEqual(
      identity.services.map((svc) => `revoke ${registration} on ${svc.id}`).sort(),
    );
    expect(stub.mutating(before).map((r) => `${r.method} ${r.template} ${JSON.stringify(r.body)}`)).toEqual(
      identity.services.map(() => `POST /services/{id}/service-clients/delete ${JSON.stringify({ items: [{ id: registration }] })}`),
    );
    expect(observed(stub, reduced)).toEqual(expected(reduced));

    // And back: the flow is declared again, the rights are granted again.
    const { changes: again } = await reconcile(desired, targets, quiet);
    expect(again.map((c) => c.action)).toEqual(identity.services.map(() => 'grant'));
    expect(again).toHaveLength(identity.services.length);
    expect(observed(stub, desired)).toEqual(expected(desired));
  });
});

withXRoadApis.describe('reconcile repairs drift |', () => {
  test('changed, disabled and undeclared items are put back to the declaration, then nothing changes', async () => {
    const { stub, targets } = await instance(desired);
    try {
      await reconcile(desired, targets, quiet);
      const provider = desired.subsystems.find((s) => s.buildingBlock === 'identity')!;
      const ss = stub.ss(provider.securityServer!);
      const [first, second] = [...ss.descriptions.values()].filter((d) => d.client_id === provider.id);
      // Drift made by hand in the admin UI:
      first.url = 'https://example.invalid/old-spec.yaml'; // spec URL changed
      second.disabled = true; // description disabled
      second.services[0].url = 'http://somewhere.else:8080'; // service URL changed
      ss.descriptions.set('999999', {
        id: '999999',
        url: 'https://example.invalid/extra.yaml',
        type: 'OPENAPI3',
        disabled: false,
        client_id: provider.id,
        refreshed_at: first.refreshed_at,
        services: [{ service_code: 'extra', url: 'http://x.invalid', timeout: 60 }],
      });
      ss.rights
        .get(`${provider.id}:${first.services[0].service_code}`)!
        .set('SANDBOX:ORG:2001:emarketplace-not-declared', first.refreshed_at);
      ss.clients.get(provider.id)!.connection_type = 'HTTPS_NO_AUTH';
      stub.cs().members.set('SANDBOX:GOV:1001', 'Old name');
      // ...an access right to a subject the global configuration knows, but the blueprint does not declare:
      stub.cs().subsystems.get('SANDBOX:GOV:1001')!.add('legacy');
      ss.rights.get(`${provider.id}:${second.services[0].service_code}`)!.set('SANDBOX:GOV:1001:legacy', first.refreshed_at);

      const before = stub.requests.length;
      const { changes } = await reconcile(desired, targets, quiet);
      expect(changes.map((c) => c.action).sort()).toEqual(
        [
          'delete service description',
          'enable service description',
          'rename member',
          'revoke',
          'revoke',
          'update client',
          'update service',
          'update service description',
        ].sort(),
      );
      expect([...new Set(stub.mutating(before).map((r) => r.operationId))].sort()).toEqual(
        [
          'deleteServiceDescription',
          'deleteServiceServiceClients',
          'enableServiceDescription',
          'updateClient',
          'updateMemberName',
          'updateService',
          'updateServiceDescription',
        ].sort(),
      );
      expect(observed(stub, desired)).toEqual(expected(desired));
      expect(stub.cs().members.get('SANDBOX:GOV:1001')).toBe(desired.members.find((m) => m.memberCode === '1001')!.name);

      const again = stub.requests.length;
      expect((await reconcile(desired, targets, quiet)).changes).toEqual([]);
      expect(stub.mutating(again)).toEqual([]);
      expect(stub.violations).toEqual([]);
    } finally {
      await stub.close();
    }
  });
});

withXRoadApis.describe('reconcile converges after an API error mid-way |', () => {
  test('a 500 fails the run clearly; the next run completes the configuration; a third changes nothing', async () => {
    const { stub, targets } = await instance(desired);
    try {
      let grants = 0;
      stub.failOnce((r) => r.method === 'POST' && r.template === '/services/{id}/service-clients' && ++grants === 3);
      const first = reconcile(desired, targets, quiet);
      await expect(first).rejects.toThrow(/^[a-z-]+: POST \/api\/v1\/services\/.+\/service-clients answered 500$/);
      const failed = stub.requests.find((r) => r.status === 500)!;
      expect(failed.template).toBe('/services/{id}/service-clients');
      expect(observed(stub, desired)).not.toEqual(expected(desired));
      expect(stub.liveKeys()).toBe(0); // the failed run still revoked its keys

      const { changes } = await reconcile(desired, targets, quiet);
      expect(changes.length).toBeGreaterThan(0);
      expect(observed(stub, desired)).toEqual(expected(desired));

      const before = stub.requests.length;
      expect((await reconcile(desired, targets, quiet)).changes).toEqual([]);
      expect(stub.mutating(before)).toEqual([]);
      expect(stub.violations).toEqual([]);
    } finally {
      await stub.close();
    }
  });
});

describe('the run lock survives an API server that is not reachable yet |', () => {
  test('requests that never left (connection refused) are sent again; the Lease is taken once the API server answers', async () => {
    const probe = await LeaseStub.start(JobRun.namespace, JobRun.token);
    const { port, url } = probe;
    await probe.close();
    const lines: string[] = [];
    const lock = leaseLock({
      url,
      namespace: JobRun.namespace,
      name: 'xroad-reconcile',
      holder: 'late-run',
      token: JobRun.token,
      retryDelayMs: 300,
      log: (l: string) => lines.push(l),
    });
    const taking = lock.acquire();
    await new Promise((r) => setTimeout(r, 700));
    const lease = await LeaseStub.start(JobRun.namespace, JobRun.token, port);
    try {
      await taking;
      expect(lease.leases.get('xroad-reconcile')!.spec.holderIdentity).toBe('late-run');
      expect(lines.some((l) => /ECONNREFUSED.*retrying/.test(l))).toBe(true);
      await lock.release();
    } finally {
      await lease.close();
    }
  });
});

withXRoadApis.describe("the Job's command line |", () => {
  test("reads the desired configuration, the chart's topology, credentials, client certificates and its Lease from the environment", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-reconcile-'));
    const { stub, lease, env } = await jobEnvironment(desired, dir);
    try {
      const first = await new JobRun({ ...env, HOSTNAME: 'first' }).done;
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/grant SANDBOX:GOV:1003:registration on SANDBOX:GOV:1001:identity:/);
      const second = await new JobRun({ ...env, HOSTNAME: 'second' }).done;
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/in step: nothing changed/);
      expect(observed(stub, desired)).toEqual(expected(desired));
      expect(lease.leases.get('xroad-reconcile')!.spec.holderIdentity).toBeUndefined();

      const before = stub.requests.length;
      for (const key of [`${envPrefix(desired.securityServers[0].name)}TOKEN_PIN`, 'KUBERNETES_API_URL']) {
        const { [key]: _, ...missing } = env;
        const bad = await new JobRun(missing).done;
        expect([key, bad.code, bad.stderr]).toEqual([key, 1, `reconcile failed: environment variable ${key} is not set\n`]);
      }
      expect(stub.requests.length).toBe(before); // refused before any request
      expect([...stub.violations, ...lease.violations]).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await stub.close();
      await lease.close();
    }
  });
});

/** The sandbox with `change` applied to its model. */
function variant(change: (m: DeploymentModel) => DeploymentModel): XRoadConfiguration {
  return xroadConfiguration(change(sandbox));
}

/** Every trace of a subsystem on every security server: client, descriptions, rights as provider or as subject. */
function traces(stub: XRoadStub, config: XRoadConfiguration, id: string): string[] {
  const out: string[] = [];
  for (const server of config.securityServers) {
    const s = stub.ss(server.name);
    if (s.clients.has(id)) out.push(`${server.name} client ${id}`);
    for (const d of s.descriptions.values()) if (d.client_id === id) out.push(`${server.name} description ${d.url}`);
    for (const [service, rights] of s.rights) {
      if (service.startsWith(`${id}:`) && rights.size > 0) out.push(`${server.name} rights on ${service}`);
      if (rights.has(id)) out.push(`${server.name} ${id} may call ${service}`);
    }
  }
  return out;
}

withXRoadApis.describe('reconcile removes what the blueprint no longer declares |', () => {
  test("owner moved: the old owner's client, services and rights are gone; the new owner serves the block", async () => {
    const { stub, targets } = await instance(desired);
    try {
      await reconcile(desired, targets, quiet);
      const newOwner = sandbox.organisations.find((o) => o.name === 'digital-agency')!;
      const moved = variant((m) => ({
        ...m,
        buildingBlocks: m.buildingBlocks.map((b) => (b.id === 'identity' ? { ...b, owner: newOwner } : b)),
      }));
      const oldId = desired.subsystems.find((s) => s.buildingBlock === 'identity')!.id;
      const newId = moved.subsystems.find((s) => s.buildingBlock === 'identity')!.id;
      expect(oldId).not.toBe(newId);
      expect(traces(stub, desired, oldId).length).toBeGreaterThan(2);

      const { changes } = await reconcile(moved, targets, quiet);
      expect(changes.filter((c) => c.target.startsWith(oldId) || c.target.includes(` of ${oldId}`)).map((c) => c.action)).toEqual(
        expect.arrayContaining(['delete service description', 'unregister client', 'delete client']),
      );
      expect(traces(stub, moved, oldId)).toEqual([]);
      expect(observed(stub, moved)).toEqual(expected(moved));
      expect(stub.liveKeys()).toBe(0);

      const before = stub.requests.length;
      expect((await reconcile(moved, targets, quiet)).changes).toEqual([]);
      expect(stub.mutating(before)).toEqual([]);
      expect(stub.violations).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  test('block removed: its client, services, rights as provider and as consumer are gone', async () => {
    const { stub, targets } = await instance(desired);
    try {
      await reconcile(desired, targets, quiet);
      const removed = variant((m) => ({
        ...m,
        buildingBlocks: m.buildingBlocks.filter((b) => b.id !== 'registration'),
        flows: m.flows.filter((f) => f.from !== 'registration' && f.to !== 'registration'),
      }));
      const id = desired.subsystems.find((s) => s.buildingBlock === 'registration')!.id;
      const before = traces(stub, desired, id);
      expect(before.some((t) => t.includes('may call'))).toBe(true);
      expect(before.some((t) => t.includes('client'))).toBe(true);

      await reconcile(removed, targets, quiet);
      expect(traces(stub, removed, id)).toEqual([]);
      expect(observed(stub, removed)).toEqual(expected(removed));
      const again = stub.requests.length;
      expect((await reconcile(removed, targets, quiet)).changes).toEqual([]);
      expect(stub.mutating(again)).toEqual([]);
      expect(stub.violations).toEqual([]);
    } finally {
      await stub.close();
    }
  });
});

withXRoadApis.describe('client authentication |', () => {
  test('every hosted subsystem connects with HTTPS and exactly its own certificate; a rotated certificate replaces the old one', async () => {
    const { stub, targets } = await instance(desired);
    try {
      await reconcile(desired, targets, quiet);
      const hosted = desired.subsystems.filter((s) => s.securityServer);
      expect(hosted.every((s) => s.connectionType === 'HTTPS')).toBe(true);
      for (const s of hosted)
        expect([...stub.ss(s.securityServer!).clients.get(s.id)!.tls.keys()]).toEqual([hashOf(clientCertificate(s)!)]);

      const subject = hosted[0];
      const rotated = selfSigned(mkdtempSync(path.join(tmpdir(), 'govstack-rotated-')), 'rotated').cert;
      const { changes } = await reconcile(desired, targets, {
        ...quiet,
        clientCertificate: (s) => (s.id === subject.id ? rotated : clientCertificate(s)),
      });
      expect(changes.map((c) => c.action).sort()).toEqual(['add TLS certificate', 'delete TLS certificate']);
      expect([...stub.ss(subject.securityServer!).clients.get(subject.id)!.tls.keys()]).toEqual([hashOf(rotated)]);
    } finally {
      await stub.close();
    }
  });

  test('a justified mediator-client-auth override relaxes one subsystem to HTTPS_NO_AUTH and removes its certificate', async () => {
    const { stub, targets } = await instance(desired);
    try {
      await reconcile(desired, targets, quiet);
      const relaxed = variant((m) => ({
        ...m,
        overrides: [
          ...m.overrides,
          {
            control: 'mediator-client-auth',
            target: 'gis',
            value: 'HTTPS_NO_AUTH',
            justification: 'legacy GIS client cannot present a certificate yet',
            pointer: '/security/overrides/9',
          },
        ],
      }));
      const gis = relaxed.subsystems.find((s) => s.buildingBlock === 'gis')!;
      expect(gis.connectionType).toBe('HTTPS_NO_AUTH');
      expect(gis.clientTls).toBeNull();
      const { changes } = await reconcile(relaxed, targets, quiet);
      expect(changes.map((c) => `${c.action} ${c.target.split(' ').pop()}`).sort()).toEqual(
        ['delete TLS certificate ' + gis.id, `update client HTTPS_NO_AUTH`].sort(),
      );
      expect(observed(stub, relaxed)).toEqual(expected(relaxed));
    } finally {
      await stub.close();
    }
  });

  test('without a certificate for an HTTPS subsystem the run fails before touching that client', async () => {
    const { stub, targets } = await instance(desired);
    try {
      await expect(reconcile(desired, targets, { ...quiet, clientCertificate: () => undefined })).rejects.toThrow(
        /no client TLS certificate for SANDBOX:/,
      );
      expect(stub.liveKeys()).toBe(0);
    } finally {
      await stub.close();
    }
  });
});

withXRoadApis.describe("the admin API's TLS is verified |", () => {
  test('against the given CA: the right one passes, another one fails before any credential is sent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-admin-tls-'));
    const serverTls = selfSigned(dir, 'admin', 'IP:127.0.0.1');
    const other = selfSigned(dir, 'other', 'IP:127.0.0.1');
    const small = variant((m) => m);
    const stub = await XRoadStub.start({
      instance: small.instance,
      securityServers: small.securityServers.map((s) => ({ name: s.name, credentials: credentials(s.name) })),
      centralServer: { credentials: credentials('central-server') },
      tls: serverTls,
    });
    try {
      const targets: ReconcileTargets = {
        securityServers: Object.fromEntries(
          small.securityServers.map((s) => [s.name, { url: stub.url(s.name), ...credentials(s.name), tokenPin: 'pin' }]),
        ),
        centralServer: { url: stub.url('central-server'), ...credentials('central-server'), tokenPin: 'pin', address: 'cs.example' },
      };
      await expect(reconcile(small, targets, { ...quiet, ca: other.cert })).rejects.toThrow(
        /central-server: GET \/api\/v1\/api-keys failed: .*(self[- ]signed|certificate)/,
      );
      expect(stub.requests).toEqual([]);
      await expect(reconcile(small, targets, { ...quiet })).rejects.toThrow(/certificate/);
      expect(stub.requests).toEqual([]);
      const { changes } = await reconcile(small, targets, { ...quiet, ca: serverTls.cert });
      expect(changes.length).toBeGreaterThan(0);
      expect(stub.violations).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await stub.close();
    }
  });
});

/** The Job's command line against the stubs, with its Lease lock. */
class JobRun {
  static namespace = 'gs-mediator';
  static token = 'projected-token-0123456789';
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [reconcileScript, '--desired', env.DESIRED, '--servers', env.SERVERS], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    this.child.stdout!.on('data', (c) => (stdout += c));
    this.child.stderr!.on('data', (c) => (stderr += c));
    this.done = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  }
}

async function jobEnvironment(config: XRoadConfiguration, dir: string) {
  const { stub, targets } = await instance(config);
  const lease = await LeaseStub.start(JobRun.namespace, JobRun.token);
  const files = {
    DESIRED: path.join(dir, 'desired.json'),
    SERVERS: path.join(dir, 'servers.json'),
    TOKEN: path.join(dir, 'token'),
    CERTS: path.join(dir, 'certs'),
  };
  writeFileSync(files.DESIRED, JSON.stringify(config));
  writeFileSync(files.TOKEN, JobRun.token);
  mkdirSync(files.CERTS);
  for (const s of config.subsystems)
    if (s.clientTls) writeFileSync(path.join(files.CERTS, s.clientTls.certificateFile), clientCertificate(s)!);
  writeFileSync(
    files.SERVERS,
    JSON.stringify({
      instance: config.instance,
      // The shape of the chart's ConfigMap <release>-servers (templates/servers-configmap.yaml).
      securityServers: config.securityServers.map((s) => ({
        name: s.name,
        adminUrl: targets.securityServers[s.name].url,
        credentialsSecret: `xroad-ss-${s.name}-credentials`,
      })),
      centralServer: { enabled: true, adminUrl: targets.centralServer!.url, credentialsSecret: 'xroad-cs-credentials' },
    }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DESIRED: files.DESIRED,
    SERVERS: files.SERVERS,
    RECONCILE_WAIT_SECONDS: '30',
    RECONCILE_RETRY_MS: '100',
    RECONCILE_LOCK_RETRY_MS: '100',
    RECONCILE_LEASE_SECONDS: '2',
    RECONCILE_CLIENT_CERTS: files.CERTS,
    KUBERNETES_API_URL: lease.url,
    KUBERNETES_TOKEN_FILE: files.TOKEN,
    RECONCILE_NAMESPACE: JobRun.namespace,
    RECONCILE_LEASE: 'xroad-reconcile',
  };
  for (const s of config.securityServers) {
    const t = targets.securityServers[s.name];
    Object.assign(env, {
      [`${envPrefix(s.name)}ADMIN_USER`]: t.user,
      [`${envPrefix(s.name)}ADMIN_PASSWORD`]: t.password,
      [`${envPrefix(s.name)}TOKEN_PIN`]: t.tokenPin,
    });
  }
  const cs = targets.centralServer!;
  Object.assign(env, { CS_ADMIN_USER: cs.user, CS_ADMIN_PASSWORD: cs.password, CS_TOKEN_PIN: cs.tokenPin, CS_ADDRESS: cs.address });
  return { stub, lease, env };
}

withXRoadApis.describe('the Job is killed mid-run, then runs again |', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'govstack-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([5, 40, 120])(
    'SIGKILL after %i requests: the next run revokes the key left behind, converges, and leaves no key',
    async (n) => {
      const sub = mkdtempSync(path.join(dir, `kill-${n}-`));
      const { stub, lease, env } = await jobEnvironment(desired, sub);
      try {
        const killed = new JobRun({ ...env, HOSTNAME: 'killed' });
        stub.onRequest = (count) => {
          if (count === n) killed.child.kill('SIGKILL');
        };
        const k = await killed.done;
        stub.onRequest = undefined;
        expect(k.signal).toBe('SIGKILL');
        expect(stub.liveKeys()).toBeGreaterThan(0); // what the issue saw: a full-admin key left behind
        expect(JSON.parse(lease.leases.get('xroad-reconcile')!.metadata.annotations[keyJournalAnnotation])).not.toEqual({});

        const rerun = await new JobRun({ ...env, HOSTNAME: 'rerun' }).done;
        expect(rerun.stderr).toBe('');
        expect(rerun.code).toBe(0);
        expect(rerun.stdout).toMatch(/revoked API key \d+ left by an earlier run/);
        expect(stub.liveKeys()).toBe(0);
        expect(observed(stub, desired)).toEqual(expected(desired));
        expect(lease.leases.get('xroad-reconcile')!.spec.holderIdentity).toBeUndefined();
        expect(JSON.parse(lease.leases.get('xroad-reconcile')!.metadata.annotations[keyJournalAnnotation])).toEqual({});
        expect([...stub.violations, ...lease.violations]).toEqual([]);
      } finally {
        await stub.close();
        await lease.close();
      }
    },
  );

  test.each([5, 40, 120])('SIGTERM after %i requests: the run revokes its key and frees the lock before it exits', async (n) => {
    const sub = mkdtempSync(path.join(dir, `term-${n}-`));
    const { stub, lease, env } = await jobEnvironment(desired, sub);
    try {
      const run = new JobRun({ ...env, HOSTNAME: 'terminated' });
      stub.onRequest = (count) => {
        if (count === n) run.child.kill('SIGTERM');
      };
      const r = await run.done;
      stub.onRequest = undefined;
      expect(r.code).toBe(143);
      expect(r.stderr).toMatch(/stopped by a signal/);
      expect(stub.liveKeys()).toBe(0);
      expect(lease.leases.get('xroad-reconcile')!.spec.holderIdentity).toBeUndefined();
      const rerun = await new JobRun({ ...env, HOSTNAME: 'rerun' }).done;
      expect(rerun.code).toBe(0);
      expect(observed(stub, desired)).toEqual(expected(desired));
      expect(stub.liveKeys()).toBe(0);
    } finally {
      await stub.close();
      await lease.close();
    }
  });
});

withXRoadApis.describe('two runs at once |', () => {
  test("the second waits for the first's Lease: their requests never interleave, both succeed, nothing is left", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-concurrent-'));
    const { stub, lease, env } = await jobEnvironment(desired, dir);
    try {
      const [a, b] = await Promise.all([new JobRun({ ...env, HOSTNAME: 'run-a' }).done, new JobRun({ ...env, HOSTNAME: 'run-b' }).done]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect(`${a.stdout}${b.stdout}`).toMatch(/is held by run-[ab]; waiting/);
      const agents = stub.requests.map((r) => r.agent);
      const switches = agents.filter((x, i) => i > 0 && x !== agents[i - 1]).length;
      expect(new Set(agents)).toEqual(new Set(['govstack-reconcile/run-a', 'govstack-reconcile/run-b']));
      expect(switches).toBe(1);
      expect([a.stdout, b.stdout].filter((o) => /in step: nothing changed/.test(o))).toHaveLength(1);
      expect(observed(stub, desired)).toEqual(expected(desired));
      expect(stub.liveKeys()).toBe(0);
      expect([...stub.violations, ...lease.violations]).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await stub.close();
      await lease.close();
    }
  });
});

withXRoadApis.describe('the stub refuses what X-Road 7.8.0 refuses |', () => {
  const send = (stub: XRoadStub, server: string, method: string, p: string, body: unknown, key: string) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const r = request(
        `${stub.url(server)}/api/v1${p}`,
        { method, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), authorization: `X-Road-ApiKey token=${key}` } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
        },
      );
      r.on('error', reject);
      r.end(payload);
    });
  const apiKey = (stub: XRoadStub, server: string, c: { user: string; password: string }) =>
    new Promise<string>((resolve, reject) => {
      const r = request(
        `${stub.url(server)}/api/v1/api-keys`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (x) => (text += x));
          res.on('end', () => resolve(JSON.parse(text).key));
        },
      );
      r.on('error', reject);
      r.end(JSON.stringify(['XROAD_SYSTEM_ADMINISTRATOR', 'XROAD_SERVICE_ADMINISTRATOR']));
    });

  test('identifier characters, case-insensitive service code conflicts, deleting a registered client, registering twice', async () => {
    const { stub, targets } = await instance(desired);
    try {
      await reconcile(desired, targets, quiet);
      const server = desired.securityServers[0].name;
      const key = await apiKey(stub, server, credentials(server));
      const client = (code: string) => ({
        client: { member_class: 'GOV', member_code: '1001', subsystem_code: code, connection_type: 'HTTPS' },
        ignore_warnings: true,
      });
      for (const bad of ['a/b', 'a_b', 'with space', 'a:b', 'ä']) {
        const r = await send(stub, server, 'POST', '/clients', client(bad), key);
        expect([bad, r.status, r.body.error.code, r.body.error.validation_errors]).toEqual([
          bad,
          400,
          'validation_failure',
          { 'client.subsystem_code': ['IdentifierChars'] },
        ]);
      }
      const ok = await send(stub, server, 'POST', '/clients', client("Fine-(1)+,.=?'"), key);
      expect(ok.status).toBe(201);

      const hosted = desired.subsystems.find((s) => s.securityServer === server && s.services.length > 0)!;
      const code = hosted.services[0].code;
      const dup = await send(
        stub,
        server,
        'POST',
        `/clients/${encodeURIComponent(hosted.id)}/service-descriptions`,
        { url: 'https://example.org/other.yaml', type: 'OPENAPI3', rest_service_code: code.toUpperCase(), ignore_warnings: true },
        key,
      );
      expect([dup.status, dup.body.error.code]).toEqual([409, 'service_already_exists']);
      const underscore = await send(
        stub,
        server,
        'POST',
        `/clients/${encodeURIComponent(hosted.id)}/service-descriptions`,
        { url: 'https://example.org/x.yaml', type: 'OPENAPI3', rest_service_code: 'a_b', ignore_warnings: true },
        key,
      );
      expect([underscore.status, underscore.body.error.code]).toEqual([400, 'validation_failure']);

      // A service URL X-Road would not take (FormatUtils.isValidUrl): refused, the service keeps its URL.
      const serviceId = `${hosted.id}:${code}`;
      for (const bad of ['http://under_score.svc:8080/x', 'http://trailing-.svc/x', 'http://.svc/x', 'http:///x']) {
        const r = await send(
          stub,
          server,
          'PATCH',
          `/services/${encodeURIComponent(serviceId)}`,
          { url: bad, timeout: 60, ssl_auth: false },
          key,
        );
        expect([bad, r.status, r.body.error?.code]).toEqual([bad, 400, 'malformed_url']);
      }
      const kept = await send(stub, server, 'GET', `/clients/${encodeURIComponent(hosted.id)}/service-descriptions`, undefined, key);
      const urls = (kept.body as { services: { id: string; url: string }[] }[])
        .flatMap((d) => d.services)
        .filter((x) => x.id === serviceId);
      expect(urls.map((x) => x.url)).toEqual([hosted.services[0].serviceUrl]);

      const del = await send(stub, server, 'DELETE', `/clients/${encodeURIComponent(hosted.id)}`, undefined, key);
      expect([del.status, del.body.error.code]).toEqual([409, 'action_not_possible']);
      const twice = await send(stub, server, 'PUT', `/clients/${encodeURIComponent(hosted.id)}/register`, undefined, key);
      expect([twice.status, twice.body.error.code]).toEqual([409, 'action_not_possible']);

      const cs = await apiKey(stub, 'central-server', credentials('central-server'));
      const member = await send(
        stub,
        'central-server',
        'POST',
        '/members',
        { member_name: 'X', member_id: { member_class: 'GOV', member_code: '10%01' } },
        cs,
      );
      expect([member.status, member.body.error.validation_errors]).toEqual([400, { 'member_id.member_code': ['IdentifierChars'] }]);
    } finally {
      await stub.close();
    }
  });

  test("every identifier and service URL the project derives for the example blueprints stays inside X-Road's rules", () => {
    const files = readdirSync(path.join(root, 'blueprints')).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      let config: XRoadConfiguration;
      try {
        config = xroadConfiguration(model(path.join(root, 'blueprints', file)));
      } catch {
        continue; // a deliberately invalid example is the validator's test, not this one's
      }
      const ids = [
        config.instance,
        ...config.memberClasses,
        ...config.members.flatMap((m) => [m.memberClass, m.memberCode]),
        ...config.securityServers.map((s) => s.serverCode),
        ...config.subsystems.flatMap((s) => [s.subsystemCode, ...s.services.map((x) => x.code)]),
      ];
      for (const id of ids) expect(`${file} ${id} ${xroadIdentifier.test(id) && id.length <= 255}`).toBe(`${file} ${id} true`);
      // Service URLs, each with its API file's own path prefix, as X-Road's admin API takes them.
      for (const url of config.subsystems.flatMap((s) => s.services.map((x) => x.serviceUrl)))
        expect(`${file} ${url} ${xroadServiceUrlValid(url) && url.length <= 255}`).toBe(`${file} ${url} true`);
      for (const s of config.subsystems) {
        const lower = s.services.map((x) => x.code.toLowerCase());
        expect(new Set(lower).size).toBe(lower.length);
      }
    }
  });

  test('service codes are made inside the rules from any API file name, distinct ignoring case', () => {
    const api = (file: string) => ({ file, source: 'o/r@0123456:f' }) as never;
    const codes = serviceCodes([api('api/open_api.v1.yaml'), api('other/Open-API.v1.json'), api('x/ä b.yaml')]).map((c) => c.code);
    for (const c of codes) expect(xroadIdentifier.test(c)).toBe(true);
    expect(new Set(codes.map((c) => c.toLowerCase())).size).toBe(codes.length);
  });
});
