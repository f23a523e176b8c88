import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'yaml';
import { parse } from 'yaml';
import {
  apiPathPrefixOf,
  buildingBlocks,
  deployableProducts,
  findBuildingBlock,
  gatewayCatalog,
  goDuration,
  mediatorCatalog,
  mockoonCli,
  observabilityCatalog,
} from '../../src/catalog';
import { ApiDescription, HelmChartRef, ImageRef } from '../../src/catalog/types';
import { referenceDocuments } from '../contract/reference-documents';
import { mergeScript } from '../../src/compliance/host';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { duplicateKeysOf } = require(mergeScript) as {
  duplicateKeysOf: (yamlModule: typeof yaml, text: string) => { pointer: string; lines: number[] }[] | undefined;
};

/** The folder holding package.json, found by walking up (tests run from dist/test/unit). */
const repoRoot = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

/** Local copies of the specification repositories' `api/` folders (see SOURCES.txt there). */
const specRoot = path.resolve(repoRoot, '../shared/govstack/api');
const specFile = (bb: string, file: string) => path.join(specRoot, bb, file);
/** The tests that compare the catalog with the specification files run only where they are. */
const withSpecs = referenceDocuments('catalog tests against the GovStack API specifications', ['govstack', 'api']).test;

/** Parse a spec file as YAML (JSON is YAML); strict by default, duplicate keys allowed on request. */
function parseSpec(file: string, lenient = false): Record<string, unknown> {
  return parse(readFileSync(file, 'utf8'), lenient ? { uniqueKeys: false } : {}) as Record<string, unknown>;
}

/**
 * Path of a document's first server URL with its variables at their defaults, no trailing
 * slash (`''` for none or `/`): where Mockoon's importer puts the document's routes
 * (@mockoon/commons openapi-converter.ts, convertFromOpenAPIV3; an unparsable URL gives none).
 */
function serverPathOf(doc: Record<string, unknown>): string {
  const server = (doc.servers as { url?: string; variables?: Record<string, { default?: string }> }[] | undefined)?.[0];
  if (!server?.url) return '';
  const url = server.url.replace(/{(\w+)}/g, (_m, v: string) => server.variables?.[v]?.default ?? '');
  try {
    return (url.startsWith('/') ? url : new URL(url).pathname).replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** Distinct first path segments, the query string dropped (`/beneficiaries?command=validate` → `/beneficiaries`). */
function leadingSegments(paths: Record<string, unknown>): string[] {
  return [...new Set(Object.keys(paths).map((p) => `/${p.split('?')[0].split('/').filter(Boolean)[0] ?? ''}`))].sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Exact semver, optionally with a leading "v" (Envoy Gateway publishes its chart as v1.9.0). */
const exactSemver = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** `owner/repo@<40-hex commit>:path`, or an https address. */
const sourcePart = /^([\w.-]+\/[\w.-]+@[0-9a-f]{40}:\S.*|https:\/\/\S+)$/;

function expectSource(source: unknown, where: string): void {
  expect(typeof source).toBe('string');
  const parts = String(source).split('; ');
  expect(parts.length).toBeGreaterThan(0);
  for (const part of parts) {
    if (!sourcePart.test(part)) throw new Error(`${where}: "${part}" is not owner/repo@commit:path or an https address`);
  }
}

function expectPinnedImage(image: ImageRef, where: string): void {
  if (!image.tag || /latest/i.test(image.tag)) throw new Error(`${where}: image ${image.repository}:${image.tag} is not pinned`);
  expect(image.repository).not.toBe('');
}

function expectPinnedChart(chart: HelmChartRef, where: string): void {
  if (!exactSemver.test(chart.version)) throw new Error(`${where}: chart ${chart.name} version "${chart.version}" is not exact semver`);
  expect(chart.repository).toMatch(/^(https|oci):\/\//);
  expect(chart.name).not.toBe('');
}

/** Every `source` and `sources` value in an object tree, with its path. */
function collectSources(value: unknown, at: string, out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(value)) value.forEach((v, i) => collectSources(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'source') out.push([`${at}.${key}`, v]);
      else if (key === 'sources') {
        expect(Array.isArray(v) && v.length > 0).toBe(true);
        (v as unknown[]).forEach((s, i) => out.push([`${at}.sources[${i}]`, s]));
      } else collectSources(v, `${at}.${key}`, out);
    }
  }
  return out;
}

describe('building-block catalog', () => {
  it('holds the 12 building blocks with a published API, sorted by id', () => {
    const ids = buildingBlocks.map((b) => b.id);
    expect(ids).toEqual([
      'consent',
      'digital-registries',
      'emarketplace',
      'esignature',
      'gis',
      'identity',
      'information-mediator',
      'messaging',
      'payments',
      'registration',
      'scheduler',
      'workflow',
    ]);
  });

  it('has DNS-label ids, unique across entries and within each entry', () => {
    expect(new Set(buildingBlocks.map((b) => b.id)).size).toBe(buildingBlocks.length);
    for (const bb of buildingBlocks) {
      expect(bb.id).toMatch(dnsLabel);
      const productIds = bb.products.map((p) => p.id);
      expect(new Set(productIds).size).toBe(productIds.length);
      for (const id of productIds) expect(id).toMatch(dnsLabel);
    }
  });

  it('finds entries by id', () => {
    expect(findBuildingBlock('payments')?.title).toBe('Payments');
    expect(findBuildingBlock('no-such-block')).toBeUndefined();
  });

  describe.each(buildingBlocks.map((bb) => [bb.id, bb] as const))('%s', (id, bb) => {
    it('pins its specification repository at a full commit', () => {
      expect(bb.spec.repository).toBe(`GovStackWorkingGroup/bb-${id}`);
      expect(bb.spec.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(bb.spec.version).not.toBe('');
      expect(bb.servicePort).toBe(8080);
    });

    it('lists at least one deployable product, the mock first, and ends with external', () => {
      expect(deployableProducts(bb).length).toBeGreaterThanOrEqual(1);
      expect(bb.products[0].id).toBe('mock');
      const last = bb.products[bb.products.length - 1];
      expect(last).toMatchObject({ kind: 'external', id: 'external' });
      expect(bb.products.filter((p) => p.kind === 'external')).toHaveLength(1);
    });

    it('pins every image and chart', () => {
      for (const p of bb.products) {
        if (p.kind === 'image') expectPinnedImage(p.image, `${id}/${p.id}`);
        if (p.kind === 'chart') expectPinnedChart(p.chart, `${id}/${p.id}`);
      }
    });

    it('gives every fact a source', () => {
      for (const api of bb.apis) expectSource(api.source, `${id} ${api.file}`);
      for (const p of bb.products) expectSource(p.source, `${id}/${p.id}`);
      for (const x of bb.excludedApiFiles ?? []) expectSource(x.source, `${id} excluded ${x.file}`);
      for (const api of bb.apis) expect(api.source).toBe(`${bb.spec.repository}@${bb.spec.commit}:${api.file}`);
    });

    withSpecs.each(bb.apis.map((api) => [api.file, api] as const))('%s matches the specification file', (_file, api: ApiDescription) => {
      const file = specFile(id, api.file);
      let doc: Record<string, unknown>;
      if (api.parseIssue) {
        // Declared defective: a strict parse must fail (else the flag is stale), a lenient one succeed.
        expect(() => parseSpec(file)).toThrow();
        doc = parseSpec(file, true);
      } else {
        doc = parseSpec(file);
      }
      expect(String(doc.openapi)).toBe(api.openapi);
      expect(String((doc.info as Record<string, unknown>).version)).toBe(api.infoVersion);
      expect([...api.basePaths].sort()).toEqual(leadingSegments(doc.paths as Record<string, unknown>));
      expect(api.serverPath ?? '').toBe(serverPathOf(doc));
      // Each repeated key, with its lines, exactly as the mock's merge step finds and reports them.
      const found = duplicateKeysOf(yaml, readFileSync(file, 'utf8')) ?? [];
      expect((api.duplicateKeys ?? []).map((d) => ({ pointer: d.pointer, lines: d.lines }))).toEqual(found);
      expect(Boolean(api.parseIssue)).toBe(found.length > 0);
    });

    withSpecs('accounts for every file of its local api folder', () => {
      const listed = new Set([...bb.apis.map((a) => a.file), ...(bb.excludedApiFiles ?? []).map((x) => x.file)]);
      const local = filesUnder(path.join(specRoot, id)).map((f) => path.relative(path.join(specRoot, id), f).split(path.sep).join('/'));
      expect(local.filter((f) => !listed.has(f))).toEqual([]);
    });

    withSpecs('excludes only files that cannot be used as OpenAPI descriptions', () => {
      for (const x of bb.excludedApiFiles ?? []) {
        const file = specFile(id, x.file);
        if (!existsSync(file)) continue; // not every excluded file is in the local copy (e.g. empty ones)
        let usable = false;
        try {
          const doc = parseSpec(file);
          usable = Boolean(doc && typeof doc === 'object' && 'openapi' in doc);
        } catch {
          usable = false;
        }
        expect(usable).toBe(false);
      }
    });

    it('runs its mock on the documents of its repository at the pinned commit: the example first, then every API file', () => {
      const mock = bb.products[0];
      if (mock.kind !== 'image') throw new Error('the mock is an image product');
      expect(mock.image).toEqual(mockoonCli.image);
      expect(mock.containerPort).toBe(mockoonCli.containerPort);
      const docs = mock.documents!;
      expect(docs.argument).toBe('--data');
      for (const doc of docs.files) expect(doc).toMatchObject({ repository: bb.spec.repository, commit: bb.spec.commit });
      // The location is the blueprint's choice (model/documents.ts), never baked into the catalog.
      expect((mock.args ?? []).some((a) => a.includes('://'))).toBe(false);
      const [first, ...rest] = docs.files;
      const imported = first.kind === 'mockoon-environment' ? rest : docs.files;
      expect(imported.every((d) => d.kind === 'openapi')).toBe(true);
      // Every API file but a copy in another format, those that repeat mapping keys included.
      const stem = (f: string) => f.replace(/\.[^./]+$/, '');
      const expected = bb.apis.filter((a, i) => bb.apis.findIndex((b) => stem(b.file) === stem(a.file)) === i);
      expect(imported.map((d) => d.file)).toEqual(expected.map((a) => a.file));
      expect(new Set(bb.apis.map((a) => stem(a.file)))).toEqual(new Set(imported.map((d) => stem(d.file))));
      for (const lenient of expected.filter((a) => a.duplicateKeys?.length)) {
        const caveat = mock.caveats!.find((c) => c.startsWith(`serves ${lenient.file} although it repeats mapping keys`));
        for (const d of lenient.duplicateKeys!) expect(caveat).toContain(`${d.pointer} at lines ${d.lines.join(' and ')}: ${d.lost}`);
      }
      expect(mock.caveats!.join('\n')).not.toContain('does not serve');
      if (first.kind === 'mockoon-environment') {
        expect(first.file.startsWith('examples/')).toBe(true);
        expect(mock.title).toContain("GovStack's example Mockoon environment");
      } else {
        expect(mock.title).toContain('generated responses');
      }
      // The health path is one of the spec's paths where the mock serves it.
      expect(bb.apis.some((a) => mock.healthPath.startsWith(`${apiPathPrefixOf(mock, a)}/`))).toBe(true);
      expect(mock.healthPath).not.toBe('/'); // Mockoon answers 404 there
      expect(mock.resources.limits.memory).not.toBe('');
    });
  });

  withSpecs('reports the payments file that is not YAML at all', () => {
    const payments = findBuildingBlock('payments')!;
    const broken = payments.excludedApiFiles?.map((x) => x.file) ?? [];
    expect(broken).toEqual(['api/P2G API YAMLs/billInquiryBillerResponse.yml']);
    expect(() => parseSpec(specFile('payments', broken[0]), true)).toThrow();
    expect(payments.apis).toHaveLength(35);
  });
});

describe('platform catalog', () => {
  it('gives every platform fact a source', () => {
    for (const [name, entry] of Object.entries({ gatewayCatalog, mediatorCatalog, observabilityCatalog })) {
      const sources = collectSources(entry, name);
      expect(sources.length).toBeGreaterThan(0);
      for (const [where, source] of sources) expectSource(source, where);
    }
  });

  it('pins the gateway controller chart and names its GatewayClass', () => {
    expectPinnedChart(gatewayCatalog.chart, 'gateway');
    expect(gatewayCatalog.chart.repository).toBe('oci://docker.io/envoyproxy');
    expect(gatewayCatalog.gatewayClassName).toMatch(dnsLabel);
    expect(gatewayCatalog.controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    expect(gatewayCatalog.apiVersions.Gateway).toBe('gateway.networking.k8s.io/v1');
    expect(gatewayCatalog.apiVersions.HTTPRoute).toBe('gateway.networking.k8s.io/v1');
  });

  it('pins the mediator images', () => {
    const ss = mediatorCatalog.securityServer;
    expectPinnedImage(ss.image, 'security server');
    expectPinnedImage(ss.slimImage, 'security server (slim)');
    expect(ss.slimImage.tag).toBe(`${ss.image.tag}-slim`);
    expect(ss.image.tag).toBe(mediatorCatalog.version);
    expectPinnedImage(mediatorCatalog.centralServer.sandboxBaseImage, 'central server (sandbox)');
    expectPinnedImage(mediatorCatalog.database.image, 'database');
    expect(mediatorCatalog.database.image.tag.split('.')[0]).toBe(String(mediatorCatalog.database.majorVersion));
    expect(ss.ports).toEqual({ admin: 4000, clientHttp: 8080, clientHttps: 8443, messaging: 5500, ocsp: 5577, health: 5588 });
  });

  it('pins the observability charts and renders their values', () => {
    for (const c of [
      observabilityCatalog.metrics,
      observabilityCatalog.logs,
      observabilityCatalog.collector,
      observabilityCatalog.traces,
    ]) {
      expectPinnedChart(c.chart, c.title);
    }
    const metrics = observabilityCatalog.metrics.valuesFor({ retention: '15d' }) as {
      prometheus: { prometheusSpec: { retention: string } };
    };
    expect(metrics.prometheus.prometheusSpec.retention).toBe('15d');
    const logs = observabilityCatalog.logs.valuesFor({ retention: '7d' }) as {
      fullnameOverride: string;
      loki: { limits_config: { retention_period: string } };
    };
    expect(logs.fullnameOverride).toBe(observabilityCatalog.logs.serviceName);
    expect(logs.loki.limits_config.retention_period).toBe('7d');
    const traces = observabilityCatalog.traces.valuesFor({ retention: '3d' }) as { fullnameOverride: string; tempo: { retention: string } };
    expect(traces.tempo.retention).toBe('72h');
    expect(traces.fullnameOverride).toBe(observabilityCatalog.traces.serviceName);
    const url = `http://logs.obs.svc.cluster.local:${observabilityCatalog.logs.pushPort}`;
    const collector = observabilityCatalog.collector.valuesFor({ logsUrl: url }) as { alloy: { configMap: { content: string } } };
    expect(collector.alloy.configMap.content).toContain(`url = "${url}${observabilityCatalog.logs.pushPath}"`);
    expect(() => observabilityCatalog.collector.valuesFor({})).toThrow();
    expect(observabilityCatalog.crdApiVersions).toEqual({
      ServiceMonitor: 'monitoring.coreos.com/v1',
      PrometheusRule: 'monitoring.coreos.com/v1',
      AlertmanagerConfig: 'monitoring.coreos.com/v1alpha1',
    });
  });

  it('converts retentions to Go durations for Tempo', () => {
    expect(goDuration('3d')).toBe('72h');
    expect(goDuration('2w')).toBe('336h');
    expect(goDuration('90m')).toBe('90m');
    expect(() => goDuration('3 days')).toThrow();
  });
});
