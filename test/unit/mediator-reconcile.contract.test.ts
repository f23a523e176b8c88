import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeploymentModel } from '../../src/model/types';
import { xroadConfiguration, XRoadConfiguration } from '../../src/mediator/xroad-config';
import { clientConnectionType, envPrefix, reconcile, ReconcileTargets, reconcileScript } from '../../src/mediator/reconcile';
import { XRoadStub } from '../contract/xroad-stub';
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

const credentials = (name: string) => ({ user: `admin-${name}`, password: `pw-${name}-0123456789abcdef` });

async function instance(config: XRoadConfiguration): Promise<{ stub: XRoadStub; targets: ReconcileTargets }> {
  const stub = await XRoadStub.start({
    instance: config.instance,
    securityServers: config.securityServers.map((s) => ({ name: s.name, credentials: credentials(s.name) })),
    ...(config.centralServer ? { centralServer: { credentials: credentials('central-server') } } : {}),
  });
  const targets: ReconcileTargets = {
    securityServers: Object.fromEntries(config.securityServers.map((s) => [s.name, { url: stub.url(s.name), ...credentials(s.name), tokenPin: `pin-${s.name}` }])),
    ...(config.centralServer ? { centralServer: { url: stub.url('central-server'), ...credentials('central-server'), tokenPin: 'pin-cs', address: 'xroad-cs.gs-mediator.svc.cluster.local' } } : {}),
  };
  return { stub, targets };
}

/** What the stub holds, in the terms of the derived configuration. */
function observed(stub: XRoadStub, config: XRoadConfiguration) {
  const out: { clients: string[]; services: string[]; rights: string[] } = { clients: [], services: [], rights: [] };
  for (const server of config.securityServers) {
    const s = stub.ss(server.name);
    for (const [id, c] of s.clients) out.clients.push(`${server.name} ${id} ${c.connection_type}`);
    for (const d of s.descriptions.values()) {
      for (const svc of d.services) {
        const id = `${d.client_id}:${svc.service_code}`;
        out.services.push(`${server.name} ${id} ${d.type} ${d.disabled ? 'disabled' : 'enabled'} spec=${d.url} url=${svc.url} timeout=${svc.timeout}`);
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
    out.clients.push(`${s.securityServer} ${s.id} ${clientConnectionType}`);
    for (const svc of s.services) {
      out.services.push(`${s.securityServer} ${svc.id} OPENAPI3 enabled spec=${svc.specUrl} url=${svc.serviceUrl} timeout=${svc.timeout}`);
      for (const c of svc.clients) out.rights.push(`${s.securityServer} ${c} -> ${svc.id}`);
    }
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

const quiet = { log: () => undefined };

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
          const r = request(`${stub.url(desired.securityServers[0].name)}/api/v1${p}`, { method, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: auth } : {}) } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
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
    expect([...cs.members].map(([id, name]) => `${id} ${name}`).sort()).toEqual(desired.members.map((m) => `SANDBOX:${m.memberClass}:${m.memberCode} ${m.name}`).sort());
    expect([...cs.subsystems].flatMap(([member, codes]) => [...codes].map((c) => `${member}:${c}`)).sort()).toEqual(desired.subsystems.map((s) => s.id).sort());

    for (const server of desired.securityServers) {
      const s = stub.ss(server.name);
      expect(s.anchor).toBe(true);
      expect(s.owner).toEqual({ memberClass: server.ownerClass, memberCode: server.ownerCode, serverCode: server.serverCode });
      expect(s.token).toBe('INITIALIZED');
    }
    expect(observed(stub, desired)).toEqual(expected(desired));
    // Every right the stub holds is one of the declared flows, and every mediated flow to a block served here has its rights.
    const held = new Set(observed(stub, desired).rights.map((r) => r.replace(/:[^:]+$/, '').split(' ').slice(1).join(' ')));
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
      'cs loginToken',
      'cs reCreateAnchor',
      'cs revokeApiKey',
      'ss addClient',
      'ss addClientServiceDescription',
      'ss addServiceServiceClients',
      'ss createApiKey',
      'ss enableServiceDescription',
      'ss findClients',
      'ss getClientServiceDescriptions',
      'ss getInitializationStatus',
      'ss getServiceServiceClients',
      'ss initSecurityServer',
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
    expect(keyOps.map((r) => r.method).sort()).toEqual([...Array(servers).fill('DELETE'), ...Array(servers).fill('POST')]);
    expect(stub.liveKeys()).toBe(0);
  });

  test('a removed flow: its access rights are revoked, nothing else changes', async () => {
    const without: DeploymentModel = { ...sandbox, flows: sandbox.flows.filter((f) => !(f.from === 'registration' && f.to === 'identity')) };
    const reduced = xroadConfiguration(without);
    expect(reduced.accessRights.length).toBe(desired.accessRights.length - 1);
    const before = stub.requests.length;
    const { changes } = await reconcile(reduced, targets, quiet);

    const identity = desired.subsystems.find((s) => s.buildingBlock === 'identity')!;
    const registration = desired.subsystems.find((s) => s.buildingBlock === 'registration')!.id;
    expect(changes.map((c) => `${c.action} ${c.target}`).sort()).toEqual(identity.services.map((svc) => `revoke ${registration} on ${svc.id}`).sort());
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
      ss.descriptions.set('999999', { id: '999999', url: 'https://example.invalid/extra.yaml', type: 'OPENAPI3', disabled: false, client_id: provider.id, refreshed_at: first.refreshed_at, services: [{ service_code: 'extra', url: 'http://x.invalid', timeout: 60 }] });
      ss.rights.get(`${provider.id}:${first.services[0].service_code}`)!.set('SANDBOX:ORG:2001:emarketplace-not-declared', first.refreshed_at);
      ss.clients.get(provider.id)!.connection_type = 'HTTPS';
      stub.cs().members.set('SANDBOX:GOV:1001', 'Old name');
      // ...an access right to a subject the global configuration knows, but the blueprint does not declare:
      stub.cs().subsystems.get('SANDBOX:GOV:1001')!.add('legacy');
      ss.rights.get(`${provider.id}:${second.services[0].service_code}`)!.set('SANDBOX:GOV:1001:legacy', first.refreshed_at);

      const before = stub.requests.length;
      const { changes } = await reconcile(desired, targets, quiet);
      expect(changes.map((c) => c.action).sort()).toEqual(
        ['delete service description', 'enable service description', 'rename member', 'revoke', 'revoke', 'update client', 'update service', 'update service description'].sort(),
      );
      expect([...new Set(stub.mutating(before).map((r) => r.operationId))].sort()).toEqual(
        ['deleteServiceDescription', 'deleteServiceServiceClients', 'enableServiceDescription', 'updateClient', 'updateMemberName', 'updateService', 'updateServiceDescription'].sort(),
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

withXRoadApis.describe('the Job\'s command line |', () => {
  test('reads the desired configuration, the chart\'s topology and credentials from the environment', async () => {
    const { stub, targets } = await instance(desired);
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-reconcile-'));
    try {
      const desiredFile = path.join(dir, 'desired.json');
      const serversFile = path.join(dir, 'servers.json');
      writeFileSync(desiredFile, JSON.stringify(desired));
      // The shape of the chart's ConfigMap <release>-servers (templates/servers-configmap.yaml).
      writeFileSync(
        serversFile,
        JSON.stringify({
          instance: desired.instance,
          securityServers: desired.securityServers.map((s) => ({ name: s.name, adminUrl: targets.securityServers[s.name].url, credentialsSecret: `xroad-ss-${s.name}-credentials` })),
          centralServer: { enabled: true, adminUrl: targets.centralServer!.url, credentialsSecret: 'xroad-cs-credentials' },
        }),
      );
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', RECONCILE_WAIT_SECONDS: '0', RECONCILE_HEARTBEAT: path.join(dir, 'heartbeat') };
      for (const s of desired.securityServers) {
        const t = targets.securityServers[s.name];
        Object.assign(env, { [`${envPrefix(s.name)}ADMIN_USER`]: t.user, [`${envPrefix(s.name)}ADMIN_PASSWORD`]: t.password, [`${envPrefix(s.name)}TOKEN_PIN`]: t.tokenPin });
      }
      const cs = targets.centralServer!;
      Object.assign(env, { CS_ADMIN_USER: cs.user, CS_ADMIN_PASSWORD: cs.password, CS_TOKEN_PIN: cs.tokenPin, CS_ADDRESS: cs.address });
      const run = () =>
        new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
          execFile(process.execPath, [reconcileScript, '--desired', desiredFile, '--servers', serversFile], { env }, (err, stdout, stderr) =>
            resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          ),
        );
      const first = await run();
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/grant SANDBOX:GOV:1003:registration on SANDBOX:GOV:1001:identity:/);
      const second = await run();
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/in step: nothing changed/);
      expect(observed(stub, desired)).toEqual(expected(desired));

      const { [`${envPrefix(desired.securityServers[0].name)}TOKEN_PIN`]: _, ...missing } = env;
      const bad = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(process.execPath, [reconcileScript, '--desired', desiredFile, '--servers', serversFile], { env: missing }, (err, _o, stderr) => resolve({ code: err ? 1 : 0, stderr })),
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/reconcile failed: environment variable SS_.*_TOKEN_PIN is not set/);
      expect(stub.violations).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await stub.close();
    }
  });
});
