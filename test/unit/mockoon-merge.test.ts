/**
 * A mock serves every document of its building block on one port: the catalog derives the
 * documents (`mockDocuments`), the chart's init container merges them with Mockoon's own
 * importer (charts/govstack-building-block/files/merge-mockoon.js). Run here on the real
 * @mockoon/cli (the toolchain's, `GOVSTACK_MOCKOON_CLI`) and GovStack's documents (../shared).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { distinctApis, findBuildingBlock, mockDocuments, mockoonCli } from '../../src/catalog';
import { ApiDescription } from '../../src/catalog/types';
import { mergeScript, startMock } from '../../src/compliance/host';
import * as yaml from 'yaml';
import { xroadConfiguration } from '../../src/mediator/xroad-config';
import { model, root } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { merge, routeKey, sampleRequest, duplicateKeysOf } = require(mergeScript) as {
  duplicateKeysOf: (yamlModule: typeof yaml, text: string) => { pointer: string; lines: number[] }[] | undefined;
  merge: (imported: { name: string; environment: object }[]) => {
    environment: MockoonEnvironment;
    report: { document: string; routes: number; alreadyServed: number; sample?: { method: string; path: string } }[];
  };
  routeKey: (method: string, endpoint: string) => string;
  sampleRequest: (routes: { method: string; endpoint: string }[]) => { method: string; path: string } | undefined;
};

interface MockoonEnvironment {
  endpointPrefix: string;
  headers: { key: string; value: string }[];
  routes: { uuid: string; method: string; endpoint: string; responses: { headers: { key: string; value: string }[] }[] }[];
  data: { id: string; uuid: string }[];
  callbacks: { id: string; uuid: string }[];
  rootChildren: { type: string; uuid: string }[];
  latency: number;
}

const shared = path.resolve(root, '..', 'shared', 'govstack');
const toolchain = readFileSync(path.join(root, 'scripts', 'toolchain.sh'), 'utf8');
const pinnedMockoon = /^MOCKOON_VERSION=(\S+)/m.exec(toolchain)![1];
const cliPath =
  process.env.GOVSTACK_MOCKOON_CLI ??
  path.join(
    process.env.GOVSTACK_TOOLS ?? path.join(process.env.HOME ?? '', '.cache', 'govstack-blueprint'),
    `mockoon-cli-${pinnedMockoon}`,
    'node_modules',
    '.bin',
    'mockoon-cli',
  );
const haveReal = existsSync(shared) && existsSync(cliPath);
if (!haveReal)
  process.stderr.write(
    `mockoon-merge.test: SKIPPED the runs of the real Mockoon importer and server (needs ${shared} and ${cliPath}: scripts/toolchain.sh --only mockoon)\n`,
  );
const withReal = haveReal ? describe : describe.skip;

type RouteSketch = { method: string; endpoint: string };
/** An environment as Mockoon's importer writes one, reduced to what the merge reads. */
const env = (o: { endpointPrefix?: string; latency?: number; headers?: MockoonEnvironment['headers']; routes: RouteSketch[] }): object => ({
  endpointPrefix: '',
  headers: [],
  data: [],
  callbacks: [],
  latency: 0,
  ...o,
  routes: o.routes.map((r, i) => ({ ...r, uuid: `${r.method}-${r.endpoint}-${i}`, responses: [{ headers: [] }] })),
});

describe('merge-mockoon.js merge (rules)', () => {
  it('prefixes each route with its own endpointPrefix, keeps document order, leaves out a method and path already served', () => {
    const { environment, report } = merge([
      { name: 'example', environment: env({ latency: 7, routes: [{ method: 'get', endpoint: 'data/:registryname/:version' }] }) },
      {
        name: 'a.yaml',
        environment: env({
          endpointPrefix: 'v1/gisBB/query/',
          routes: [
            { method: 'get', endpoint: 'layerMetadata' },
            { method: 'post', endpoint: 'layerMetadata' },
          ],
        }),
      },
      {
        name: 'b.yaml',
        environment: env({
          routes: [
            // The same path as the example's, other parameter names and letter case: Mockoon would never reach it.
            { method: 'get', endpoint: 'Data/:name/:v/' },
            { method: 'put', endpoint: 'data/:name/:v' },
          ],
        }),
      },
    ]);
    expect(environment.endpointPrefix).toBe('');
    expect(environment.routes.map((r) => `${r.method} ${r.endpoint}`)).toEqual([
      'get data/:registryname/:version',
      'get v1/gisBB/query/layerMetadata',
      'post v1/gisBB/query/layerMetadata',
      'put data/:name/:v',
    ]);
    expect(environment.rootChildren.map((c) => c.uuid)).toEqual(environment.routes.map((r) => r.uuid));
    expect(environment.latency).toBe(7); // every other setting is the first document's
    expect(report.map((r) => [r.document, r.routes, r.alreadyServed])).toEqual([
      ['example', 1, 0],
      ['a.yaml', 2, 0],
      ['b.yaml', 1, 1],
    ]);
    // The sample of a document all of whose routes are already served still reaches its path.
    expect(report[2].sample).toEqual({ method: 'GET', path: '/Data/1/1/' });
  });

  it("copies a later document's environment headers onto its own responses (a response's own header wins), not the first's", () => {
    const cors = { key: 'Access-Control-Allow-Origin', value: '*' };
    const { environment } = merge([
      {
        name: 'first',
        environment: env({ headers: [{ key: 'Content-Type', value: 'application/json' }], routes: [{ method: 'get', endpoint: 'a' }] }),
      },
      {
        name: 'second',
        environment: {
          ...env({ headers: [cors, { key: 'content-type', value: 'text/plain' }], routes: [] }),
          routes: [
            { uuid: 'b', method: 'get', endpoint: 'b', responses: [{ headers: [{ key: 'Content-Type', value: 'application/xml' }] }] },
          ],
        },
      },
    ]);
    expect(environment.headers).toEqual([{ key: 'Content-Type', value: 'application/json' }]);
    expect(environment.routes[0].responses[0].headers).toEqual([]);
    expect(environment.routes[1].responses[0].headers).toEqual([{ key: 'Content-Type', value: 'application/xml' }, cors]);
  });

  it('keeps data buckets and callbacks, and refuses two with one id', () => {
    const bucket = { id: 'ab12', uuid: 'u1' };
    const ok = merge([
      { name: 'a', environment: { ...env({ routes: [] }), data: [bucket], callbacks: [{ id: 'c1', uuid: 'cu1' }] } },
      { name: 'b', environment: { ...env({ routes: [] }), data: [{ id: 'cd34', uuid: 'u2' }] } },
    ]);
    expect(ok.environment.data.map((d) => d.id)).toEqual(['ab12', 'cd34']);
    expect(ok.environment.callbacks.map((c) => c.id)).toEqual(['c1']);
    expect(() =>
      merge([
        { name: 'a', environment: { ...env({ routes: [] }), data: [bucket] } },
        { name: 'b', environment: { ...env({ routes: [] }), data: [{ id: 'ab12', uuid: 'u3' }] } },
      ]),
    ).toThrow('b: data bucket id ab12 is already used');
    expect(() => merge([])).toThrow('no environment to merge');
  });

  it('route keys ignore parameter names, letter case and slashes; samples prefer a GET and drop a query part', () => {
    expect(routeKey('GET', '/a//:x/b/')).toBe(routeKey('get', 'A/:y/B'));
    expect(routeKey('get', 'a/:x')).not.toBe(routeKey('post', 'a/:x'));
    expect(
      sampleRequest([
        { method: 'post', endpoint: 'beneficiaries?command=validate' },
        { method: 'get', endpoint: 'v1/bills/:billId' },
      ]),
    ).toEqual({ method: 'GET', path: '/v1/bills/1' });
    expect(sampleRequest([{ method: 'post', endpoint: 'beneficiaries?command=validate' }])).toEqual({
      method: 'POST',
      path: '/beneficiaries',
    });
    expect(sampleRequest([])).toBeUndefined();
  });
});

describe('merge-mockoon.js duplicateKeysOf (which documents are re-read with later keys winning)', () => {
  it('lists each repeated key with its JSON pointer and lines; nothing for a valid document or one with any other error', () => {
    const text = [
      'paths:', //                      1
      '  /a/{id}:', //                  2
      '    post:', //                   3
      '      parameters: [1]', //       4
      '      responses: {}', //         5
      '      parameters: [2]', //       6
      'info: {}', //                    7
      'info: {}', //                    8
    ].join('\n');
    expect(duplicateKeysOf(yaml, text)).toEqual([
      { pointer: '/paths/~1a~1{id}/post/parameters', lines: [4, 6] },
      { pointer: '/info', lines: [7, 8] },
    ]);
    expect(duplicateKeysOf(yaml, 'a: 1\nb: 2\n')).toBeUndefined();
    expect(duplicateKeysOf(yaml, 'a: 1\na: 2\nb: [\n')).toBeUndefined();
  });
});

describe('catalog → the documents a mock serves', () => {
  const api = (file: string, parseIssue?: string): ApiDescription => ({
    file,
    openapi: '3.0.0',
    infoVersion: '1',
    basePaths: ['/x'],
    source: `o/r@abc:${file}`,
    ...(parseIssue ? { parseIssue } : {}),
  });

  it('the example first, then each API file once (the first of x.json / x.yaml), one that repeats mapping keys included', () => {
    const apis = [
      api('api/data.json'),
      api('api/data.yaml'),
      api('api/other/data.yaml'),
      api('api/dup.yml', 'duplicate keys'),
      api('api/b.yaml'),
    ];
    expect(distinctApis(apis).map((a) => a.file)).toEqual(['api/data.json', 'api/other/data.yaml', 'api/dup.yml', 'api/b.yaml']);
    expect(mockDocuments('o/r', 'abc', apis, 'examples/env.json')).toEqual([
      { repository: 'o/r', commit: 'abc', file: 'examples/env.json', kind: 'mockoon-environment' },
      { repository: 'o/r', commit: 'abc', file: 'api/data.json', kind: 'openapi' },
      { repository: 'o/r', commit: 'abc', file: 'api/other/data.yaml', kind: 'openapi' },
      { repository: 'o/r', commit: 'abc', file: 'api/dup.yml', kind: 'openapi' },
      { repository: 'o/r', commit: 'abc', file: 'api/b.yaml', kind: 'openapi' },
    ]);
    expect(mockDocuments('o/r', 'abc', [api('api/b.yaml')]).map((d) => d.kind)).toEqual(['openapi']);
  });

  it('per building block: files served of the files in the catalog', () => {
    const figures = Object.fromEntries(
      ['gis', 'digital-registries', 'payments', 'registration', 'identity', 'information-mediator', 'messaging', 'emarketplace'].map(
        (id) => {
          const bb = findBuildingBlock(id)!;
          const mock = bb.products.find((p) => p.id === 'mock')!;
          const files = mock.kind === 'image' ? (mock.documents?.files ?? []) : [];
          return [
            id,
            `${files[0]?.kind === 'mockoon-environment' ? 'example + ' : ''}${files.filter((f) => f.kind === 'openapi').length}/${bb.apis.length}`,
          ];
        },
      ),
    );
    expect(figures).toEqual({
      gis: '8/8',
      'digital-registries': 'example + 2/4', // data and database, each also published as a YAML copy
      payments: 'example + 35/35', // three of them repeat mapping keys: re-read with the later key winning
      registration: 'example + 2/2',
      identity: 'example + 2/2',
      'information-mediator': 'example + 3/3',
      messaging: 'example + 1/2', // swagger.json and its YAML copy
      emarketplace: '1/2', // swagger.json and its YAML copy
    });
  });

  it('the toolchain installs the Mockoon version the catalog runs', () => {
    expect(pinnedMockoon).toBe(mockoonCli.image.tag);
  });
});

withReal('real @mockoon/cli: every document of a mock answers on its one port', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'govstack-merge-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('re-reads a document only when the importer refuses it for repeated keys alone; any other refusal fails the merge', () => {
    const doc = (extra: string) =>
      `openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {description: ok}\n${extra}`;
    const repeated = path.join(work, 'repeated.yaml');
    writeFileSync(repeated, doc("      responses:\n        '201': {description: later}\n"));
    const broken = path.join(work, 'broken.yaml');
    writeFileSync(broken, doc("      responses:\n        '201': {description: later}\n  /y: [\n"));
    const run = (...docs: string[]) =>
      spawnSync(process.execPath, [mergeScript, '--mockoon', cliPath, '--output', path.join(work, 'merged.json'), ...docs], {
        encoding: 'utf8',
        env: { ...process.env, HOME: work },
      });
    const ok = run(repeated);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({
      routes: 1,
      duplicateKeys: [{ pointer: '/paths/~1x/get/responses', lines: [6, 8] }],
    });
    // The later `responses` won: the route answers 201 only.
    const merged = JSON.parse(readFileSync(path.join(work, 'merged.json'), 'utf8')) as {
      routes: { responses: { statusCode: number }[] }[];
    };
    expect(merged.routes[0].responses.map((r) => r.statusCode)).toEqual([201]);
    const refused = run(repeated, broken);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^merge-mockoon: importing .*broken\.yaml failed/);
    expect(refused.stdout).toBe('');
  }, 120_000);
  const bundled = path.join(work, 'bundled.yaml');
  writeFileSync(
    bundled,
    `extends: [${path.join(root, 'blueprints', 'sandbox.yaml')}]\n` +
      `deployment:\n  documents:\n    source: bundled\n    bundle: [${path.join(shared, 'compliance')}, ${path.join(shared, 'api')}]\n`,
  );

  it.each(['gis', 'digital-registries', 'registration', 'payments', 'identity', 'information-mediator', 'messaging'])(
    '%s: each document imported and merged, one request of each answered',
    async (id) => {
      const block = model(bundled).buildingBlocks.find((b) => b.id === id)!;
      expect(block.product.id).toBe('mock');
      const mock = await startMock(block, cliPath);
      try {
        expect(mock.served.map((s) => s.document)).toEqual(block.servedDocuments);
        const answers: string[] = [];
        for (const [i, s] of mock.served.entries()) {
          // The example's own answers depend on its request rules: its health path is the request that must pass.
          const req =
            i === 0 && block.product.kind === 'image' && block.product.documents?.files[0].kind === 'mockoon-environment'
              ? { method: 'GET', path: block.product.healthPath }
              : s.sample!;
          const res = await fetch(`${mock.url}${req.path}`, {
            method: req.method,
            headers: { 'content-type': 'application/json' },
            body: ['GET', 'HEAD', 'DELETE'].includes(req.method) ? undefined : '{}',
          });
          answers.push(`${res.status} ${req.method} ${req.path}`);
        }
        process.stdout.write(`[mockoon-merge] ${id}: ${answers.join(', ')}\n`);
        // messaging's example answers 405 to a request without the headers its rules read (its probes are TCP).
        const ok = block.product.kind === 'image' && block.product.healthCheck ? /^[1-4]\d\d /u : /^2\d\d /u;
        expect(answers.filter((a) => !ok.test(a))).toEqual([]);
        // Through X-Road: the security server forwards `<service URL><spec path>`, so each API
        // file's answered request must lie under its own service's URL path (GIS: eight prefixes,
        // listed in mediator.test.ts).
        const files = block.product.kind === 'image' ? block.product.documents!.files : [];
        const services = xroadConfiguration(model(bundled)).subsystems.find((x) => x.buildingBlock === id)!.services;
        const outside = mock.served.flatMap((s, i) => {
          const svc = services.find((x) => x.api === files[i].file);
          if (files[i].kind !== 'openapi' || !svc) return [];
          const prefix = new URL(svc.serviceUrl).pathname.replace(/\/$/, '');
          return s.sample!.path.startsWith(`${prefix}/`) ? [] : [`${files[i].file}: ${s.sample!.path} is not under ${prefix}`];
        });
        expect(outside).toEqual([]);
        // Files that repeat mapping keys are served, re-read with the keys the catalog records.
        const repeated = mock.served.flatMap((s, i) => (s.duplicateKeys ? [{ file: files[i].file, keys: s.duplicateKeys }] : []));
        expect(repeated).toEqual(
          block.entry.apis
            .filter((a) => a.duplicateKeys)
            .map((a) => ({ file: a.file, keys: a.duplicateKeys!.map((d) => ({ pointer: d.pointer, lines: d.lines })) })),
        );
        if (id === 'payments') expect(repeated).toHaveLength(3);
        expect(mock.served.every((s) => s.routes + s.alreadyServed > 0)).toBe(true);
      } finally {
        mock.stop();
      }
    },
    // Payments imports 36 documents, one mockoon-cli process each: minutes on a loaded machine.
    600_000,
  );
});
