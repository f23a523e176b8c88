import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { consumerConfig, providerUrlVariable } from '../../src/model/consumer-config';
import { xroadConfiguration, serviceCodes, serviceUrl } from '../../src/mediator/xroad-config';
import { govstackConfiguration } from '../../src/mediator/govstack-config';
import { apiPathPrefixOf, buildingBlocks } from '../../src/catalog';
import { scanForSecrets } from '../../src/audit/checks/secrets';
import { sharedFile } from '../contract/openapi-contract';
import { referenceDocuments } from '../contract/reference-documents';
import { model, releaseValues, resourcesOf, root, runCli, synth } from './support';

const sandboxFile = path.join(root, 'blueprints', 'sandbox.yaml');
const sandbox = model(sandboxFile);
const config = xroadConfiguration(sandbox);
const slash = (id: string) => id.replace(/:/g, '/');

describe('derived X-Road configuration |', () => {
  test('access rights are exactly the flows declared through the mediator, nothing more', () => {
    const mediated = sandbox.flows
      .filter((f) => f.via === 'mediator')
      .map((f) => `${f.from}->${f.to}`)
      .sort();
    expect(mediated.length).toBeGreaterThan(0);
    expect(config.accessRights.map((r) => `${r.from}->${r.to}`).sort()).toEqual(mediated);
    // Direct flows get no right.
    for (const f of sandbox.flows.filter((x) => x.via === 'direct')) {
      expect(config.accessRights.some((r) => r.from === f.from && r.to === f.to)).toBe(false);
    }
  });

  test("each service grants access to exactly the consumers of its provider's mediated flows", () => {
    const granted = new Set<string>();
    for (const s of config.subsystems) for (const svc of s.services) for (const client of svc.clients) granted.add(`${client} ${svc.id}`);
    const declared = new Set<string>();
    for (const r of config.accessRights) for (const code of r.services) declared.add(`${r.client} ${r.provider}:${code}`);
    expect([...granted].sort()).toEqual([...declared].sort());
    for (const r of config.accessRights) {
      const provider = config.subsystems.find((s) => s.id === r.provider)!;
      expect(r.services).toEqual(provider.services.map((s) => s.code));
      expect(r.securityServer).toBe(provider.securityServer);
    }
  });

  test("members are the organisations, one subsystem per building block, hosted on its owner's security server", () => {
    expect(config.instance).toBe('SANDBOX');
    expect(config.members.map((m) => `${m.memberClass}/${m.memberCode} ${m.name}`).sort()).toEqual(
      sandbox.organisations.map((o) => `${o.memberClass}/${o.memberCode} ${o.title}`).sort(),
    );
    expect(config.subsystems.map((s) => s.subsystemCode).sort()).toEqual(sandbox.buildingBlocks.map((b) => b.id).sort());
    for (const block of sandbox.buildingBlocks) {
      const s = config.subsystems.find((x) => x.buildingBlock === block.id)!;
      expect(s.id).toBe(`SANDBOX:${block.owner.memberClass}:${block.owner.memberCode}:${block.id}`);
      expect(s.securityServer).toBe(block.owner.securityServer);
    }
    expect(config.securityServers.map((s) => s.name).sort()).toEqual(sandbox.mediator.securityServers.map((s) => s.name).sort());
  });

  test("services: one per API of the building block, in-cluster service URL with that file's path prefix, pinned spec URL", () => {
    const gis = config.subsystems.find((s) => s.buildingBlock === 'gis')!;
    const gisBlock = sandbox.buildingBlocks.find((b) => b.id === 'gis')!;
    expect(gis.services).toHaveLength(gisBlock.entry.apis.length);
    // The mock serves each GIS file under its own server path: each service URL carries its file's.
    expect(gis.services.map((svc) => new URL(svc.serviceUrl).pathname)).toEqual([
      '/v1/gisBB/dataManagement',
      '/v1/gisBB/geocodingReverseGeocoding',
      '/v1/gisBB/geofencing',
      '/v1/gisBb/mapDisplay',
      '/v1/gisBB/query',
      '/v1/gisBB/reporting',
      '/v1/gisBB/routing',
      '/v1/gisBB/spatialAwarenessAnalysis',
    ]);
    for (const svc of gis.services) {
      const api = gisBlock.entry.apis.find((a) => a.file === svc.api)!;
      expect(svc.serviceUrl).toBe(`http://gis.${gisBlock.namespace}.svc.cluster.local:${gisBlock.servicePort}${api.serverPath}`);
      expect(svc.specUrl).toMatch(/^https:\/\/raw\.githubusercontent\.com\/GovStackWorkingGroup\/bb-gis\/[0-9a-f]{40}\/api\//);
      expect(svc.id).toBe(`${gis.id}:${svc.code}`);
      expect(svc.code).toMatch(/^[A-Za-z0-9-]+$/);
    }
    // The same API published as JSON and YAML is one service.
    const registries = config.subsystems.find((s) => s.buildingBlock === 'digital-registries')!;
    expect(registries.services.map((s) => s.code)).toEqual([
      'GovStack-Digital-registries-BB-Data-API-template-1-3-0',
      'GovStack-Digital-registries-BB-Database-API-template-1-3-0',
    ]);
    expect(registries.services[0].specUrl).toMatch(/\.json$/);
  });

  // Service descriptions per document source (upstream, mirror, bundled): service-descriptions.test.ts.

  test('every service URL carries the prefix its product serves that API file under, for every block and product', () => {
    // Each catalog product of each building block, as the model would choose it.
    const rows: string[] = [];
    for (const bb of buildingBlocks)
      for (const product of bb.products.filter((p) => p.kind !== 'external')) {
        const block = { ...sandbox.buildingBlocks[0], id: bb.id, entry: bb, product, serviceName: bb.id, namespace: `gs-${bb.id}` };
        for (const { api } of serviceCodes(bb.apis)) {
          const url = new URL(serviceUrl(block, api));
          // Mockoon serves an imported file under its server path; GovStack's example environments
          // (served first where a repository has one) serve the spec's paths at the root.
          const example = product.kind === 'image' && product.documents?.files[0]?.kind === 'mockoon-environment';
          const expected = product.id === 'mock' ? (example ? '' : (api.serverPath ?? '')) : (product.apiPathPrefix ?? '');
          rows.push(`${bb.id}/${product.id} ${api.file} ${url.pathname === (expected || '/')}`);
        }
      }
    expect(rows.filter((r) => !r.endsWith(' true'))).toEqual([]);
    // A product that serves one prefix for every file keeps it for each (eSignet under /v1/esignet).
    const identity = buildingBlocks.find((b) => b.id === 'identity')!;
    const esignet = identity.products.find((p) => p.id === 'esignet')!;
    const block = { ...sandbox.buildingBlocks[0], entry: identity, product: esignet, serviceName: 'esignet', namespace: 'gs-identity' };
    expect(identity.apis.map((a) => new URL(serviceUrl(block, a)).pathname)).toEqual(identity.apis.map(() => '/v1/esignet'));
  });

  test('every catalog building block yields distinct service codes', () => {
    for (const bb of buildingBlocks) {
      const codes = serviceCodes(bb.apis).map((s) => s.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });

  test('a block that runs elsewhere has a subsystem but no services here; rights to it are held elsewhere', () => {
    const m = model(path.join(root, 'blueprints', 'examples', 'kenya-aks.yaml'));
    const c = xroadConfiguration(m);
    for (const block of m.buildingBlocks.filter((b) => b.product.kind === 'external')) {
      const s = c.subsystems.find((x) => x.buildingBlock === block.id)!;
      expect(s.securityServer).toBeNull();
      expect(s.services).toEqual([]);
      for (const r of c.accessRights.filter((x) => x.to === block.id)) expect(r.securityServer).toBeNull();
    }
  });
});

describe("consumers' view agrees with the mediator configuration |", () => {
  const consumers = sandbox.buildingBlocks.filter((b) => b.product.kind !== 'external' && sandbox.flows.some((f) => f.from === b.id));

  test('client id and /r1 path of every mediated flow name the derived subsystems, and each has a matching right', () => {
    for (const consumer of consumers) {
      const env = consumerConfig(sandbox, consumer);
      const own = config.subsystems.find((s) => s.buildingBlock === consumer.id)!;
      const mediated = sandbox.flows.filter((f) => f.from === consumer.id && f.via === 'mediator');
      if (mediated.length > 0) expect(env.GOVSTACK_XROAD_CLIENT).toBe(slash(own.id));
      else expect(env.GOVSTACK_XROAD_CLIENT).toBeUndefined();
      for (const flow of mediated) {
        const provider = config.subsystems.find((s) => s.buildingBlock === flow.to)!;
        const url = new URL(env[providerUrlVariable(flow.to)]);
        expect(url.pathname).toBe(`/r1/${slash(provider.id)}`);
        expect(url.port).toBe('8443');
        expect(config.accessRights).toContainEqual(expect.objectContaining({ client: own.id, provider: provider.id }));
      }
    }
  });

  test("direct flows reach the provider's Service, the base of the derived service URL, and have no right", () => {
    for (const consumer of consumers) {
      const env = consumerConfig(sandbox, consumer);
      for (const flow of sandbox.flows.filter((f) => f.from === consumer.id && f.via === 'direct')) {
        const provider = sandbox.buildingBlocks.find((b) => b.id === flow.to)!;
        for (const api of provider.entry.apis)
          expect(serviceUrl(provider, api)).toBe(env[providerUrlVariable(flow.to)] + apiPathPrefixOf(provider.product, api));
      }
    }
  });

  // Consumers must be sent to the chart's Service (`<release>-ss-<server name>`), not a made-up host.
  test("the security server host given to consumers is the chart's Service", () => {
    for (const consumer of consumers) {
      const env = consumerConfig(sandbox, consumer);
      const server = config.securityServers.find((s) => s.name === consumer.owner.securityServer)!;
      for (const flow of sandbox.flows.filter((f) => f.from === consumer.id && f.via === 'mediator')) {
        expect(new URL(env[providerUrlVariable(flow.to)]).origin).toBe(new URL(server.clientUrl).origin);
      }
    }
  });
});

const imDocs = ['govstack', 'api', 'information-mediator', 'api'];
const withImApi = referenceDocuments(
  'IMconf tests against the Information Mediator API documents',
  [...imDocs, 'GovStack_IM_Configuration_Management_API.yaml'],
  [...imDocs, 'GovStack_Configuration.yaml'],
);

withImApi.describe('GovStack IMconf document |', () => {
  let validate: ReturnType<Ajv['compile']>;
  const doc = govstackConfiguration(sandbox, config);
  beforeAll(() => {
    const imApi = parse(readFileSync(sharedFile(...imDocs, 'GovStack_IM_Configuration_Management_API.yaml'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(imApi.components.schemas.IMconf);
  });

  test("validates against the IMconf schema of the IM building block's Configuration Management API", () => {
    const ok = validate(JSON.parse(JSON.stringify(doc)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema check is real: a document without instance fails', () => {
    expect(validate({ ...doc, instance: undefined })).toBe(false);
  });

  test('rights in IMconf are the derived access rights, named by member and application', () => {
    const byName = new Map(config.members.map((m) => [m.name, m]));
    const rights: string[] = [];
    for (const member of doc.members) {
      for (const app of member.applications ?? []) {
        for (const service of app.services ?? []) {
          for (const r of service.rights ?? []) {
            const consumer = byName.get(r.member)!;
            rights.push(
              `SANDBOX:${consumer.memberClass}:${consumer.memberCode}:${r.application} SANDBOX:${member.class}:${member.code}:${app.id}:${service.id}`,
            );
          }
        }
      }
    }
    const derived = config.subsystems.flatMap((s) => s.services.flatMap((svc) => svc.clients.map((c) => `${c} ${svc.id}`)));
    expect(rights.sort()).toEqual(derived.sort());
  });

  test("same nesting as GovStack's sample configuration (whose spec_url/service_url the schema spells specUrl/serviceUrl)", () => {
    const sample = parse(readFileSync(sharedFile('govstack', 'api', 'information-mediator', 'api', 'GovStack_Configuration.yaml'), 'utf8'));
    const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const keys = (o: any, out = new Set<string>(), at = ''): Set<string> => {
      if (Array.isArray(o)) o.forEach((x) => keys(x, out, at + '[]'));
      else if (o && typeof o === 'object')
        for (const [k, v] of Object.entries(o)) (out.add(`${at}.${camel(k)}`), keys(v, out, `${at}.${camel(k)}`));
      return out;
    };
    const ours = keys(doc);
    for (const k of ours) expect(keys(sample)).toContain(k);
  });
});

describe('govstack mediator-config |', () => {
  test('xroad format: deterministic JSON, exit 0', async () => {
    const a = await runCli(['mediator-config', sandboxFile]);
    const b = await runCli(['mediator-config', sandboxFile, '--format', 'xroad']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(JSON.stringify(config)));
  });

  test('govstack format as YAML into a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-im-'));
    try {
      const out = path.join(dir, 'im.yaml');
      const r = await runCli(['mediator-config', sandboxFile, '--format', 'govstack', '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(JSON.stringify(govstackConfiguration(sandbox))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad input exits 2 with file:line problems; a bad format is a usage error', async () => {
    const missing = await runCli(['mediator-config', path.join(root, 'test', 'fixtures', 'no-such-file.yaml')]);
    expect(missing.code).toBe(2);
    const usage = await runCli(['mediator-config', sandboxFile, '--format', 'soap']);
    expect(usage.code).toBe(2);
  });
});

describe('Terraform passes the derived configuration to the mediator chart |', () => {
  const { json, model: m } = synth(sandboxFile);
  const xroad = resourcesOf(json, 'helm_release').find((r) => r.body.name === 'xroad')!;
  const values = releaseValues(xroad.body);

  test('reconcile is enabled with exactly the derived configuration, and no credential', () => {
    expect(values.reconcile.enabled).toBe(true);
    expect(values.reconcile.configuration).toEqual(JSON.parse(JSON.stringify(xroadConfiguration(m))));
    // The audit's own secret scan: Secret names (clientTls.secretName) are references, not secrets.
    expect(scanForSecrets(values, '')).toEqual([]);
    expect(JSON.stringify(values)).not.toMatch(/pin"|password|token/i);
  });

  test("the chart's server codes are the derived ones", () => {
    for (const s of values.securityServers) {
      expect(s.serverCode).toBe(values.reconcile.configuration.securityServers.find((x: any) => x.name === s.name).serverCode);
    }
  });
});
