import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runChecks } from '../../src/audit/report';
import { TerraformJson } from '../../src/audit/terraform';
import { xroadReleaseValues } from '../../src/constructs/xroad-values';
import { xroadConfiguration } from '../../src/mediator/xroad-config';
import { isPods } from '../../src/model/connections/types';
import { apiDocumentRef } from '../../src/model/documents';
import { apiDocumentKey, documentServerPods, documentServerPort, documentServerUrl } from '../../src/model/service-descriptions';
import { DeploymentModel } from '../../src/model/types';
import { model, releaseValues, resourcesOf, root, synth } from './support';

/**
 * The security servers' service descriptions come from the source `deployment.documents`
 * names, as the mocks' documents do: upstream, a mirror (egress to its address and port
 * only), or bundled (served in the cluster by the mediator's document server, no egress).
 */

const sandboxFile = path.join(root, 'blueprints', 'sandbox.yaml');
const work = mkdtempSync(path.join(tmpdir(), 'govstack-descriptions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A blueprint extending the sandbox with `documents` as its document source. */
function overlay(name: string, documents: string): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(file, `extends: [${sandboxFile}]\ndeployment:\n  documents:\n${documents}`);
  return file;
}

/** A bundle folder holding every document the sandbox loads (the mocks' and the APIs'), each a small distinct file. */
function bundleFor(m: DeploymentModel, dir: string, skip?: string): void {
  for (const block of m.buildingBlocks.filter((b) => b.product.kind !== 'external')) {
    const files = block.entry.apis.map((a) => apiDocumentRef(a)?.file).filter((f): f is string => !!f);
    if (block.product.kind === 'image') files.push(...(block.product.documents?.files ?? []).map((d) => d.file));
    for (const file of files) {
      if (`${block.id}/${file}` === skip) continue;
      mkdirSync(path.dirname(path.join(dir, block.id, file)), { recursive: true });
      writeFileSync(
        path.join(dir, block.id, file),
        `{"openapi":"3.0.0","info":{"title":"${block.id} ${file}","version":"1"},"paths":{}}\n`,
      );
    }
  }
}

const upstream = model(sandboxFile);
const hosted = (m: DeploymentModel) => xroadConfiguration(m).subsystems.filter((s) => s.securityServer);
const serverEdges = (m: DeploymentModel) =>
  m.connections.filter(
    (c) =>
      isPods(c.from) &&
      c.from.component.startsWith('security-server/') &&
      (c.id.endsWith('->service-descriptions') || c.id.endsWith('->document-server')),
  );

describe("service descriptions at the blueprint's document source |", () => {
  test("upstream: GitHub's raw host, one egress per security server on 443, no document server", () => {
    const urls = hosted(upstream).flatMap((s) => s.services.map((x) => x.specUrl));
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^https:\/\/raw\.githubusercontent\.com\/GovStackWorkingGroup\/bb-[a-z-]+\/[0-9a-f]{40}\//);
    const edges = serverEdges(upstream);
    expect(edges.map((c) => c.id).sort()).toEqual(
      upstream.mediator.securityServers.map((s) => `egress:security-server/${s.name}->service-descriptions`).sort(),
    );
    for (const c of edges)
      expect({ to: c.to, ports: c.ports.map((p) => p.port) }).toEqual({
        to: { name: 'service-descriptions', cidrs: ['0.0.0.0/0'] },
        ports: [443],
      });
    expect(xroadReleaseValues(upstream, { serviceAccountName: 'mediator', waits: true }).documents).toBeUndefined();
  });

  test("mirror at an address: the mirror's URLs, egress to exactly that address and port", () => {
    const m = model(overlay('mirror-ip', '    source: mirror\n    mirror: https://10.20.30.40:8443/raw/\n'));
    const before = hosted(upstream).flatMap((s) => s.services.map((x) => x.specUrl));
    expect(hosted(m).flatMap((s) => s.services.map((x) => x.specUrl))).toEqual(
      before.map((u) => u.replace('https://raw.githubusercontent.com/', 'https://10.20.30.40:8443/raw/')),
    );
    const edges = serverEdges(m);
    expect(edges).toHaveLength(m.mediator.securityServers.length);
    for (const c of edges)
      expect({ to: c.to, ports: c.ports.map((p) => p.port), why: c.why }).toEqual({
        to: { name: 'service-descriptions', cidrs: ['10.20.30.40/32'] },
        ports: [8443],
        why: expect.stringContaining('10.20.30.40:8443'),
      });
    // The mocks fetch from the same mirror, with the same narrow egress.
    const mock = m.buildingBlocks.find((b) => b.product.id === 'mock')!;
    expect(mock.egress.find((e) => e.name === 'document-download')).toMatchObject({ cidrs: ['10.20.30.40/32'], ports: [8443] });
  });

  test("mirror by host name: any address (a NetworkPolicy cannot name a host) on the mirror's port only, the host in the reason", () => {
    const m = model(overlay('mirror-host', '    source: mirror\n    mirror: https://docs.mirror.example:9443/raw/\n'));
    for (const c of serverEdges(m)) {
      expect({ to: c.to, ports: c.ports.map((p) => p.port) }).toEqual({
        to: { name: 'service-descriptions', cidrs: ['0.0.0.0/0'] },
        ports: [9443],
      });
      expect(c.justification).toContain('docs.mirror.example:9443');
    }
  });

  describe('bundled |', () => {
    const bundle = path.join(work, 'bundle');
    bundleFor(upstream, bundle);
    const file = overlay('bundled', `    source: bundled\n    bundle: [${bundle}]\n`);
    const m = model(file);

    test("descriptions are served by the document server: its address, the file under the block's key", () => {
      for (const s of hosted(m)) {
        const block = m.buildingBlocks.find((b) => b.id === s.buildingBlock)!;
        for (const svc of s.services)
          expect(svc.specUrl).toBe(`${documentServerUrl(m.mediator.namespace)}/${block.id}/${apiDocumentKey(svc.api)}`);
      }
      expect(documentServerUrl(m.mediator.namespace)).toBe(
        `http://xroad-documents.${m.mediator.namespace}.svc.cluster.local:${documentServerPort.port}`,
      );
    });

    test("each security server has one edge to the document server's Pod port, and no egress for descriptions", () => {
      const edges = serverEdges(m);
      expect(edges.map((c) => c.id).sort()).toEqual(
        m.mediator.securityServers.map((s) => `control:security-server/${s.name}->document-server`).sort(),
      );
      for (const c of edges) {
        expect(c.to).toEqual({ component: 'document-server', namespace: m.mediator.namespace, podLabels: documentServerPods });
        expect(c.ports).toEqual([documentServerPort]);
      }
      // Nothing leaves the cluster to fetch a document: no download egress anywhere.
      expect(m.connections.filter((c) => c.id.endsWith('->service-descriptions') || c.id.endsWith('->document-download'))).toEqual([]);
    });

    test("the chart receives exactly the bundled files, the server's name and labels", () => {
      const values = xroadReleaseValues(m, { serviceAccountName: 'mediator', waits: true }) as {
        documents: { serviceName: string; podLabels: unknown; files: Record<string, Record<string, string>> };
      };
      expect(values.documents.serviceName).toBe('xroad-documents');
      expect(values.documents.podLabels).toEqual(documentServerPods);
      const expected: Record<string, Record<string, string>> = {};
      for (const s of hosted(m)) {
        for (const svc of s.services) {
          (expected[s.buildingBlock] ??= {})[apiDocumentKey(svc.api)] = readFileSync(path.join(bundle, s.buildingBlock, svc.api), 'utf8');
        }
      }
      // Every API file of a hosted block is carried (a service is one per distinct API; the rest are its JSON/YAML twins).
      for (const [block, files] of Object.entries(expected)) expect(values.documents.files[block]).toMatchObject(files);
      expect(Object.keys(values.documents.files).sort()).toEqual(Object.keys(expected).sort());
    });

    test('the synthesised stack audits with no network FAIL and passes the document server in the release values', () => {
      const { json, model: sm } = synth(file);
      const failing = runChecks(sm, json as TerraformJson)
        .filter((r) => r.status === 'FAIL')
        .map((r) => r.id);
      expect(failing.filter((id) => id.startsWith('network') || id === 'api-only')).toEqual([]);
      const release = resourcesOf(json, 'helm_release').find((r) => r.body.chart?.includes?.('govstack-xroad') || r.body.name === 'xroad')!;
      expect(Object.keys(releaseValues(release.body).documents.files).length).toBeGreaterThan(0);
      const policies = resourcesOf(json, 'kubernetes_network_policy_v1').map((p) => p.body.metadata.name as string);
      expect(policies.filter((n) => n.includes('document-server'))).toHaveLength(2 * sm.mediator.securityServers.length);
    });

    test('an API file missing from the bundle is an input problem naming it', () => {
      const partial = path.join(work, 'partial');
      const block = hosted(upstream).find((s) => s.services.length > 0)!;
      const missing = `${block.buildingBlock}/${block.services[0].api}`;
      bundleFor(upstream, partial, missing);
      const f = overlay('partial', `    source: bundled\n    bundle: [${partial}]\n`);
      expect(() => model(f)).toThrow(
        new RegExp(`/deployment/documents/bundle .*no bundle folder holds ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    });
  });
});

describe('the document server (charts/govstack-xroad/files/serve-documents.js, run) |', () => {
  const script = path.join(root, 'charts', 'govstack-xroad', 'files', 'serve-documents.js');
  const docs = path.join(work, 'served');
  mkdirSync(path.join(docs, 'identity'), { recursive: true });
  writeFileSync(path.join(docs, 'identity', 'api_enrollment.yaml'), 'openapi: 3.0.0\n');
  writeFileSync(path.join(work, 'secret.txt'), 'outside the root\n');
  let child: ReturnType<typeof spawn>;
  let port = 0;
  beforeAll(async () => {
    child = spawn(process.execPath, [script, docs, '0', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => {
        const m = /on port (\d+)/.exec(b.toString());
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`serve-documents exited ${code}`)));
    });
  });
  afterAll(() => child.kill('SIGTERM'));
  const get = (p: string, method = 'GET') =>
    new Promise<{ status: number; type?: string; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: p, method }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
      });
      req.on('error', reject);
      req.end();
    });

  test("serves a block's document with its type, and its health path", async () => {
    expect(await get('/identity/api_enrollment.yaml')).toEqual({ status: 200, type: 'application/yaml', body: 'openapi: 3.0.0\n' });
    expect((await get('/healthz')).status).toBe(200);
  });

  test('refuses what is not a document under the root: traversal, hidden names, other depths, writes', async () => {
    for (const p of [
      '/identity/..%2F..%2Fsecret.txt',
      '/../secret.txt',
      '/identity/../../secret.txt',
      '/identity/.hidden',
      '/identity',
      '/a/b/c',
      '/identity/missing.yaml',
    ]) {
      expect([p, (await get(p)).status]).toEqual([p, 404]);
    }
    expect((await get('/identity/api_enrollment.yaml', 'POST')).status).toBe(405);
  });
});

describe('addresses X-Road refuses are input problems |', () => {
  test('a mirror whose description addresses exceed 255 characters is refused at its pointer', () => {
    const long = `https://mirror.example/${'a'.repeat(200)}/`;
    const f = overlay('mirror-long', `    source: mirror\n    mirror: ${long}\n`);
    expect(() => model(f)).toThrow(/\/deployment\/documents\/mirror .*longer than the 255 characters X-Road takes/);
  });
});
