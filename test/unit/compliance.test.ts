import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runChecks } from '../../src/audit/report';
import { healthProbes } from '../../src/audit/checks/workloads';
import { TerraformJson } from '../../src/audit/terraform';
import { findBuildingBlock } from '../../src/catalog';
import { runManifests } from '../../src/compliance/job';
import { parseBehaveJson, parseCucumberJson, summarise, formatTable } from '../../src/compliance/results';
import { complianceSuites, findSuite } from '../../src/compliance/suites';
import { plan } from '../../src/compliance/run';
import { bundledDocumentsPath, documentUrl, mergedEnvironmentFile, resolveDocuments } from '../../src/model/documents';
import { cli, fixtureBaseArgs, model, releaseValues, resourcesOf, root, synth } from './support';

const sharedCompliance = path.resolve(root, '..', 'shared', 'govstack', 'compliance');
const sharedApi = path.resolve(root, '..', 'shared', 'govstack', 'api');
const haveShared = existsSync(sharedCompliance) && existsSync(sharedApi);
if (!haveShared)
  process.stderr.write(`compliance.test: SKIPPED the tests that read GovStack's suites and examples (${sharedCompliance} absent)\n`);
const withShared = haveShared ? describe : describe.skip;

const identityDoc = findBuildingBlock('identity')!.products.find((p) => p.id === 'mock')!;

describe('document sources', () => {
  const doc = {
    repository: 'GovStackWorkingGroup/bb-payments',
    commit: 'abc',
    file: 'api/G2P API YAMLs/BatchDetails.yml',
    kind: 'openapi' as const,
  };
  const one = (r: ReturnType<typeof resolveDocuments>) => {
    if (Array.isArray(r)) throw new Error(r.join('; '));
    expect(r.locations).toHaveLength(1);
    return { ...r, location: r.locations[0] };
  };

  it('fetches upstream from raw.githubusercontent.com with an egress allow naming the host', () => {
    const r = one(resolveDocuments({ source: 'upstream' }, '.', 'payments', [doc]));
    expect(r.location).toBe(
      'https://raw.githubusercontent.com/GovStackWorkingGroup/bb-payments/abc/api/G2P%20API%20YAMLs/BatchDetails.yml',
    );
    expect(r.egress).toMatchObject({ ports: [443] });
    expect(r.egress!.reason).toContain('raw.githubusercontent.com');
    expect(r.bundled).toBeUndefined();
  });

  it("fetches from a mirror on the mirror's port, keeping the layout", () => {
    const r = one(resolveDocuments({ source: 'mirror', mirror: 'https://mirror.internal:8443/raw/' }, '.', 'payments', [doc]));
    expect(r.location).toBe(documentUrl('https://mirror.internal:8443/raw', doc));
    expect(r.location.startsWith('https://mirror.internal:8443/raw/GovStackWorkingGroup/bb-payments/abc/')).toBe(true);
    expect(r.egress).toMatchObject({ ports: [8443] });
    expect(r.egress!.reason).toContain('mirror.internal:8443');
  });

  it('carries a bundled document into the cluster with no egress, first folder that holds it wins', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-bundle-'));
    try {
      mkdirSync(path.join(dir, 'b', 'payments', 'api', 'G2P API YAMLs'), { recursive: true });
      writeFileSync(path.join(dir, 'b', 'payments', 'api', 'G2P API YAMLs', 'BatchDetails.yml'), 'openapi: 3.0.0\n');
      const r = one(resolveDocuments({ source: 'bundled', bundle: ['a', 'b'] }, dir, 'payments', [doc]));
      expect(r.egress).toBeUndefined();
      expect(r.bundled).toEqual({ 'BatchDetails.yml': 'openapi: 3.0.0\n' });
      expect(r.location).toBe(`${bundledDocumentsPath}/BatchDetails.yml`);
      const missing = resolveDocuments({ source: 'bundled', bundle: ['a'] }, dir, 'payments', [doc]);
      expect(missing).toEqual([expect.stringContaining('no bundle folder holds payments/api/G2P API YAMLs/BatchDetails.yml')]);
      // Two documents with one file name cannot share the ConfigMap.
      mkdirSync(path.join(dir, 'b', 'payments', 'other'), { recursive: true });
      writeFileSync(path.join(dir, 'b', 'payments', 'other', 'BatchDetails.yml'), 'openapi: 3.0.1\n');
      const clash = resolveDocuments({ source: 'bundled', bundle: ['b'] }, dir, 'payments', [
        doc,
        { ...doc, file: 'other/BatchDetails.yml' },
      ]);
      expect(clash).toEqual([expect.stringContaining('both named BatchDetails.yml')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the catalog names where the document is, never how it is fetched', () => {
    if (identityDoc.kind !== 'image') throw new Error('mock is an image');
    expect(identityDoc.documents?.files[0]).toMatchObject({
      kind: 'mockoon-environment',
      file: 'examples/mock-identity/mockoon-bbidentity.json',
    });
    expect((identityDoc.args ?? []).some((a) => a.includes('://'))).toBe(false);
    expect(identityDoc.egress ?? []).toEqual([]);
  });
});

describe('the redirect preload', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Runs a request in a child Node with the preload, as the runner does (asynchronously: the server lives in this process). */
  const request = (code: string) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--require', path.join(root, 'dist', 'src', 'compliance', 'redirect.js'), '-e', code],
        {
          env: {
            ...process.env,
            GOVSTACK_COMPLIANCE_REDIRECT: `localhost:3333=http://127.0.0.1:${port}/prefix,localhost:443=http://127.0.0.1:${port}`,
          },
          encoding: 'utf8',
        },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
  const get = (mod: string, url: string) =>
    `require('${mod}').get('${url}', (res) => { let b=''; res.on('data', (c) => b += c); res.on('end', () => process.stdout.write(res.statusCode + ' ' + b)); }).on('error', (e) => { process.stdout.write('error ' + e.code); });`;

  it("sends the suite's hard-coded base URL to the target, with its path prefix", async () => {
    expect(await request(get('http', 'http://localhost:3333/data/x?y=1'))).toBe('200 {"ok":true}');
    expect(seen.pop()).toBe(`GET /prefix/data/x?y=1 host=127.0.0.1:${port}`);
  });

  it("turns a hard-coded https:// into the target's plain HTTP", async () => {
    expect(await request(get('https', 'https://localhost/processes'))).toBe('200 {"ok":true}');
    expect(seen.pop()).toBe(`GET /processes host=127.0.0.1:${port}`);
  });

  it('leaves every other address alone', async () => {
    expect(await request(get('http', 'http://localhost:1/'))).toBe('error ECONNREFUSED');
  });

  const fetched = (input: string) =>
    `fetch(${input}).then(async (r) => process.stdout.write(r.status + ' ' + (await r.text())), (e) => process.stdout.write('error ' + e.message));`;

  it("redirects Node's global fetch too (workflow's steps call it), keeping a Request's method and body", async () => {
    expect(await request(fetched("'https://localhost/processes?x=1'"))).toBe('200 {"ok":true}');
    expect(seen.pop()).toBe(`GET /processes?x=1 host=127.0.0.1:${port}`);
    expect(
      await request(
        fetched(
          "new Request('https://localhost/processes/1/start', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })",
        ),
      ),
    ).toBe('200 {"ok":true}');
    expect(seen.pop()).toBe(`POST /processes/1/start host=127.0.0.1:${port}`);
    // Not redirected: port 1 refuses (undici reports it as "fetch failed"), and the server saw nothing.
    const before = seen.length;
    expect(await request(fetched("'http://127.0.0.1:1/'"))).toMatch(/^error /);
    expect(seen).toHaveLength(before);
  });
});

/** The Python the behave suites run on, if this machine has one (python3 on PATH). */
const python = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return 'python3';
  } catch {
    process.stderr.write('compliance.test: SKIPPED the Python redirect preload tests (no python3 on PATH)\n');
    return undefined;
  }
})();
(python ? describe : describe.skip)('the Python redirect preload (sitecustomize.py, for behave suites)', () => {
  const preload = path.join(root, 'src', 'compliance', 'python');
  // A stand-in for the requests package with its real entry point (Session.request), which
  // returns the URL it was given: what the preload does is all that is observed.
  const fake = mkdtempSync(path.join(tmpdir(), 'fake-requests-'));
  mkdirSync(path.join(fake, 'requests'));
  writeFileSync(path.join(fake, 'requests', '__init__.py'), '');
  writeFileSync(
    path.join(fake, 'requests', 'sessions.py'),
    'class Session:\n    def request(self, method, url, *args, **kwargs):\n        return method + " " + url\n',
  );
  afterAll(() => rmSync(fake, { recursive: true, force: true }));
  const call = (spec: string, url: string) =>
    execFileSync(python!, ['-c', `import requests.sessions; print(requests.sessions.Session().request("GET", ${JSON.stringify(url)}))`], {
      env: { ...process.env, PYTHONPATH: `${preload}:${fake}`, GOVSTACK_COMPLIANCE_REDIRECT: spec, PYTHONNOUSERSITE: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();

  it("sends the suite's https://host:port to the target's scheme, host and path prefix", () => {
    const spec = 'localhost:8888=http://consent.gs-consent.svc:8080/apis/GovStack/consent-management-bb';
    expect(call(spec, 'https://localhost:8888/service/policy/1/')).toBe(
      'GET http://consent.gs-consent.svc:8080/apis/GovStack/consent-management-bb/service/policy/1/',
    );
    expect(call(spec, 'https://LOCALHOST:8888/config/data-agreement/123!%40%23/?a=b')).toBe(
      'GET http://consent.gs-consent.svc:8080/apis/GovStack/consent-management-bb/config/data-agreement/123!%40%23/?a=b',
    );
  });

  it('leaves every other address alone, and refuses a malformed setting', () => {
    expect(call('localhost:8888=http://x:1', 'https://localhost:8443/a')).toBe('GET https://localhost:8443/a');
    expect(call('localhost:443=http://x:1', 'https://localhost/a')).toBe('GET http://x:1/a');
    expect(() => call('localhost:8888', 'https://localhost:8888/')).toThrow(/"localhost:8888" is not from=to/);
    expect(() => call('localhost:8888=ftp://x', 'https://localhost:8888/')).toThrow(/ftp:\/\/x is not an http\(s\) URL/);
  });
});

describe('results', () => {
  const report = JSON.stringify([
    {
      uri: 'features/oauth_token.feature',
      elements: [
        { type: 'background', line: 2, name: 'bg', steps: [{ result: { status: 'passed' } }] },
        { type: 'scenario', line: 10, name: 'ok', steps: [{ result: { status: 'passed' } }, { result: { status: 'passed' } }] },
        {
          type: 'scenario',
          line: 68,
          name: 'invalid input',
          steps: [{ result: { status: 'passed' } }, { result: { status: 'failed', error_message: 'AssertionError\n  + expected' } }],
        },
        { type: 'scenario', line: 90, name: 'undefined step', steps: [{ result: { status: 'undefined' } }] },
      ],
    },
  ]);
  const suite = findSuite('identity')!;

  it('reads scenarios, not backgrounds, and the first failing step', () => {
    const outcomes = parseCucumberJson(report);
    expect(outcomes.map((o) => [o.scenario, o.passed])).toEqual([
      ['features/oauth_token.feature:10', true],
      ['features/oauth_token.feature:68', false],
      ['features/oauth_token.feature:90', false],
    ]);
    expect(outcomes[1].error).toBe('AssertionError');
  });

  it('counts a listed failure as known only for the product it is known for', () => {
    const outcomes = parseCucumberJson(report);
    const onExample = summarise(suite, 'mock', 'example', outcomes);
    expect(onExample.passed).toBe(1);
    expect(onExample.knownFailing.map((k) => k.outcome.scenario)).toEqual(['features/oauth_token.feature:68']);
    expect(onExample.failed.map((f) => f.scenario)).toEqual(['features/oauth_token.feature:90']);
    expect(onExample.knownButPassed).toEqual([]);
    // The same failure on another product is a failure: the example mock's defect does not excuse it.
    const onProduct = summarise(suite, 'esignet', undefined, outcomes);
    expect(onProduct.failed.map((f) => f.scenario)).toEqual(['features/oauth_token.feature:68', 'features/oauth_token.feature:90']);
    const table = formatTable([onExample]);
    expect(table).toContain('KNOWN (example-mock-defect)  features/oauth_token.feature:68');
    expect(table).toContain('FAILED        features/oauth_token.feature:90');
  });

  it('reports a known failure that passed', () => {
    const passing = parseCucumberJson(report.replace('"failed", "error_message"', '"passed", "x"').replace(/"failed"/, '"passed"'));
    const r = summarise(
      suite,
      'mock',
      'example',
      passing.filter((o) => o.passed),
    );
    expect(r.knownButPassed).toEqual(['features/oauth_token.feature:68']);
  });

  it("reads behave's JSON report: scenarios and outline rows at their own lines, the exception as the error", () => {
    const behave = JSON.stringify([
      {
        location: 'features/data_agreement.feature:2',
        elements: [
          { type: 'background', location: 'features/data_agreement.feature:6', name: 'bg', steps: [{ result: { status: 'passed' } }] },
          {
            type: 'scenario',
            location: 'features/data_agreement.feature:18',
            name: 'valid -- @1.1',
            steps: [
              { result: { status: 'passed' } },
              { result: { status: 'failed', error_message: ['Traceback:', '  x', 'AssertionError: ID does not match', ''] } },
              {},
            ],
          },
          {
            type: 'scenario',
            location: 'features/data_agreement.feature:28',
            name: 'invalid -- @1.1',
            steps: [{ result: { status: 'passed' } }],
          },
        ],
      },
      {
        location: 'features/smoke.feature:3',
        elements: [{ type: 'scenario', location: 'features/smoke.feature:13', name: 'skipped', steps: [{}] }],
      },
    ]);
    expect(parseBehaveJson(behave)).toEqual([
      { scenario: 'features/data_agreement.feature:18', name: 'valid -- @1.1', passed: false, error: 'AssertionError: ID does not match' },
      { scenario: 'features/data_agreement.feature:28', name: 'invalid -- @1.1', passed: true },
      { scenario: 'features/smoke.feature:13', name: 'skipped', passed: false, error: 'not run' },
    ]);
    expect(() => parseBehaveJson('{}')).toThrow(/not a behave JSON report/);
  });

  it("applies a generated mock's known failure only when that mock answers", () => {
    const consent = findSuite('consent')!;
    const outcomes = [{ scenario: 'features/data_agreement.feature:28', name: 'invalid', passed: false, error: 'Expected 400, got 200' }];
    expect(summarise(consent, 'mock', 'openapi-import', outcomes).knownFailing.map((k) => k.reason.kind)).toEqual(['generated-mock']);
    expect(summarise(consent, 'mock', 'example', outcomes).failed).toHaveLength(1);
    expect(summarise(consent, 'igrant', undefined, outcomes).failed).toHaveLength(1);
  });
});

describe('probes of a product no HTTP probe can pass', () => {
  const { json, model: sandboxModel } = synth(path.join(root, 'blueprints', 'sandbox.yaml'));

  it("are TCP probes for the messaging mock's release only", () => {
    const values = resourcesOf(json, 'helm_release')
      .map((r) => releaseValues(r.body))
      .filter((v) => v.buildingBlock !== undefined);
    expect(values.filter((v) => v.probeType).map((v) => [v.buildingBlock, v.probeType])).toEqual([['messaging', 'tcp']]);
  });

  it('are WAIVED by the audit with the catalog reason; TCP probes without one FAIL', () => {
    const probes = (j: unknown, m = sandboxModel) =>
      runChecks(m, j as TerraformJson, { checks: [healthProbes] })[0].findings.filter((f) => f.subject === 'messaging');
    expect(probes(json).map((f) => [f.status, f.justification])).toEqual([
      ['WAIVED', expect.stringContaining('examples/mock/mockoon-messaging.json#L29')],
    ]);
    const noReason = {
      ...sandboxModel,
      buildingBlocks: sandboxModel.buildingBlocks.map((b) =>
        b.id === 'messaging' && b.product.kind === 'image' ? { ...b, product: { ...b.product, healthCheck: undefined } } : b,
      ),
    };
    expect(probes(json, noReason).map((f) => f.status)).toEqual(['FAIL']);
  });
});

describe('the in-cluster run', () => {
  const m = model(path.join(root, 'blueprints', 'sandbox.yaml'));

  it('lists every suite: run, or not run with its reason', () => {
    const { runs, skipped } = plan(m, []);
    expect(runs.map((r) => r.block.id).sort()).toEqual([
      'consent',
      'digital-registries',
      'identity',
      'information-mediator',
      'messaging',
      'payments',
      'registration',
      'workflow',
    ]);
    expect(skipped).toEqual([]);
    expect(runs.length + skipped.length).toBe(complianceSuites.length);
  });

  it("reaches each block through its Service (the policies are the stack's: compliance-runner.test.ts)", () => {
    const { runs } = plan(m, ['identity']);
    const objects = runManifests(m, runs, 600) as any[];
    expect(objects.map((o) => o.kind)).toEqual(['Job']);
    const job = objects[0];
    const block = m.buildingBlocks.find((b) => b.id === 'identity')!;
    expect(job.spec.template.spec.containers[0].command.slice(-2)).toEqual([
      'localhost:3333',
      `http://identity.${block.namespace}.svc:${block.servicePort}`,
    ]);
    expect(job.spec.template.spec.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
  });

  it("runs a behave suite with its own settings, against the API's route prefix", () => {
    const [job] = runManifests(m, plan(m, ['consent']).runs, 600) as any[];
    const container = job.spec.template.spec.containers[0];
    const block = m.buildingBlocks.find((b) => b.id === 'consent')!;
    expect(container.command).toEqual([
      'node',
      '/opt/govstack-compliance/entry.js',
      'behave',
      '/opt/govstack-compliance/suites/consent',
      'test/gherkin',
      'localhost:8888',
      `http://consent.${block.namespace}.svc:${block.servicePort}/apis/GovStack/consent-management-bb`,
    ]);
    expect(container.env).toEqual([
      { name: 'HOME', value: '/tmp' },
      { name: 'CONSENTBB_API_HOST', value: 'localhost:8888' },
      { name: 'CONSENTBB_API_PATH', value: '' },
    ]);
  });
});

withShared("facts against GovStack's repositories (../shared/govstack)", () => {
  it("every known failure points at lines that exist, in the suite's repository", () => {
    for (const suite of complianceSuites) {
      for (const k of suite.knownFailures.flatMap((f) => f.evidence)) {
        const m = /^(.+?)@([0-9a-f]{40}):(.+?)(?:#L(\d+))?$/.exec(k);
        expect(m).not.toBeNull();
        expect(m![1]).toBe(suite.repository);
        expect(m![2]).toBe(suite.commit);
        const base = m![3].startsWith('api/') ? sharedApi : sharedCompliance;
        const file = path.join(base, suite.buildingBlock, m![3]);
        expect(existsSync(file)).toBe(true);
        if (m![4]) expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThanOrEqual(Number(m![4]));
      }
      for (const k of suite.knownFailures)
        for (const s of k.scenarios)
          expect(existsSync(path.join(sharedCompliance, suite.buildingBlock, suite.dir, s.split(':')[0]))).toBe(true);
    }
  });

  it("messaging's TCP probes: the example environment's only GET needs a header name Kubernetes refuses in a probe, at the cited line", () => {
    const mock = findBuildingBlock('messaging')!.products.find((p) => p.id === 'mock')!;
    if (mock.kind !== 'image' || !mock.healthCheck) throw new Error('the messaging mock declares its TCP health check');
    const m = /^GovStackWorkingGroup\/bb-messaging@[0-9a-f]{40}:(examples\/mock\/mockoon-messaging\.json)#L(\d+); https:\/\//.exec(
      mock.healthCheck.source,
    );
    expect(m).not.toBeNull();
    expect(mock.documents?.files[0]).toMatchObject({ kind: 'mockoon-environment', file: m![1] });
    const file = path.join(sharedCompliance, 'messaging', m![1]);
    expect(readFileSync(file, 'utf8').split('\n')[Number(m![2]) - 1].trim()).toBe('"rules": [');
    const env = JSON.parse(readFileSync(file, 'utf8')) as {
      routes: { method: string; endpoint: string; responses: { statusCode: number; rules: { target: string; modifier: string }[] }[] }[];
    };
    const gets = env.routes.filter((r) => r.method === 'get');
    // Every GET needs headers to answer 2xx, and one of them is not a name a probe may send.
    const ok = gets.flatMap((r) => r.responses.filter((x) => x.statusCode < 300).map((x) => ({ route: r, rules: x.rules })));
    expect(ok.map((o) => `/${o.route.endpoint}`)).toEqual([mock.healthPath]);
    const headers = ok[0].rules.filter((r) => r.target === 'header').map((r) => r.modifier);
    expect(headers.filter((h) => !/^[-A-Za-z0-9]+$/.test(h))).toEqual(['api_key']);
  });

  it('a bundled sandbox needs no internet: documents in ConfigMaps, no download egress', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-bundled-'));
    try {
      const bp = path.join(dir, 'bundled.yaml');
      writeFileSync(
        bp,
        `extends: [${path.join(root, 'blueprints', 'sandbox.yaml')}]\ndeployment:\n  documents:\n    source: bundled\n    bundle: [${sharedCompliance}, ${sharedApi}]\n`,
      );
      const m = model(bp);
      for (const b of m.buildingBlocks.filter((x) => x.product.id === 'mock')) {
        expect(b.egress.filter((e) => e.name === 'document-download')).toEqual([]);
        const files = b.product.kind === 'image' ? (b.product.documents?.files ?? []) : [];
        expect(Object.keys(b.documents ?? {})).toHaveLength(files.length);
        expect(b.servedDocuments).toEqual(files.map((f) => `${bundledDocumentsPath}/${f.file.split('/').pop()}`));
        const args = b.product.kind === 'image' ? (b.product.args ?? []) : [];
        expect(args[args.indexOf('--data') + 1]).toBe(mergedEnvironmentFile);
      }
      const identity = m.buildingBlocks.find((b) => b.id === 'identity')!;
      expect(identity.documents!['mockoon-bbidentity.json']).toBe(
        readFileSync(path.join(sharedCompliance, 'identity', 'examples', 'mock-identity', 'mockoon-bbidentity.json'), 'utf8'),
      );
      // The default (upstream) opens exactly one download allow per mock.
      const upstream = model(path.join(root, 'blueprints', 'sandbox.yaml'));
      for (const b of upstream.buildingBlocks.filter((x) => x.product.id === 'mock'))
        expect(b.egress.filter((e) => e.name === 'document-download')).toHaveLength(1);
      // And the CLI validates it.
      expect(execFileSync(process.execPath, [cli, 'validate', bp, ...fixtureBaseArgs], { encoding: 'utf8' })).toContain('valid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
