import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fixture, fixtureBaseArgs, root, runCli, synth, TfJson } from './support';
import { runChecks } from '../../src/audit/report';
import { checks } from '../../src/audit/registry';
import { CheckResult } from '../../src/audit/types';
import { TerraformJson } from '../../src/audit/terraform';

const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const weak = fixture('audit', 'weak.yaml');
const waived = fixture('audit', 'waived.yaml');

const failing = (results: readonly CheckResult[]) =>
  results
    .filter((r) => r.status === 'FAIL')
    .map((r) => r.id)
    .sort();
const result = (results: readonly CheckResult[], id: string) => results.find((r) => r.id === id)!;
const clone = (json: TfJson): TfJson => JSON.parse(JSON.stringify(json));

function schemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(root, 'src', 'audit', 'report.schema.json'), 'utf8')));
}

describe('audit checks on the sandbox |', () => {
  const { json, model } = synth(sandbox);
  const results = runChecks(model, json as TerraformJson);

  test('the sandbox audits with zero FAIL', () => {
    expect(failing(results)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
  });

  test('every requirement named in the issue is covered by a check', () => {
    const covered = new Set(results.flatMap((r) => r.requirements));
    const wanted = [
      'govstack-cfr-security#req-1',
      'govstack-cfr-security#req-4',
      'govstack-cfr-security#req-5',
      'govstack-cfr-security#req-7',
      'govstack-cfr-security#req-8',
      'govstack-cfr-security#req-9',
      'govstack-cfr-security#req-14',
      'govstack-cfr-deployment#req-1',
      'govstack-cfr-deployment#req-2',
      'govstack-cfr-deployment#req-9',
      'govstack-cfr-deployment#req-11',
      'govstack-cfr-architecture#req-1',
      'govstack-cfr-architecture#req-2',
      'govstack-cfr-architecture#req-13',
      'govstack-cfr-architecture#req-15',
      'govstack-im-6.6',
      'govstack-im-6.7',
      'govstack-security-8.1.1',
      'govstack-security-8.1.10',
      'govstack-security-8.1.12',
    ];
    expect(wanted.filter((r) => !covered.has(r))).toEqual([]);
  });

  test("the project's own relaxations are WAIVED with the reason the namespace carries", () => {
    const ps = result(results, 'pod-security');
    expect(ps.status).toBe('WAIVED');
    const waivedNs = ps.findings.filter((f) => f.status === 'WAIVED');
    expect(waivedNs.map((f) => f.subject)).toEqual([
      'namespace gs-mediator (mediator)',
      'namespace gs-observability-collector (log-collector)',
    ]);
    expect(waivedNs[0].justification).toBe(model.mediator.podSecurityJustification);
    expect(waivedNs[1].justification).toMatch(/reads container logs from the host/);
  });

  test('NetworkPolicy findings cover every declared flow and point at its blueprint line', () => {
    const flows = result(results, 'network-declared-flows');
    expect(flows.status).toBe('PASS');
    const registration = model.buildingBlocks.find((b) => b.id === 'registration')!;
    // Findings are per edge of the connection graph (graph's change): both ends' Pods and the Pod port.
    const direct = flows.findings.find((f) =>
      f.subject.startsWith(`${registration.namespace}/registration -> gs-workflow/workflow port `),
    )!;
    expect(direct.message).toContain('flow registration->workflow (direct)');
    const line =
      readFileSync(sandbox, 'utf8')
        .split('\n')
        .findIndex((l) => /- to: workflow/.test(l)) + 1;
    expect(direct.evidence).toContainEqual({
      kind: 'blueprint',
      file: 'blueprints/sandbox.yaml',
      line,
      pointer: expect.stringMatching(/^\/buildingBlocks\/registration\/consumes\/\d+$/),
    });
    expect(direct.evidence.filter((e) => e.kind === 'terraform').length).toBe(2);
  });

  test('MANUAL findings say what to ask for; WAIVED ones carry a justification', () => {
    for (const r of results)
      for (const f of r.findings) {
        if (f.status === 'MANUAL') expect(f.askFor?.length).toBeGreaterThan(0);
        if (f.status === 'WAIVED') expect((f.justification ?? '').length).toBeGreaterThanOrEqual(20);
      }
    expect(result(results, 'backup-restore').status).toBe('MANUAL');
    expect(result(results, 'backup-restore').findings.map((f) => f.subject)).toContain('ministry-of-interior');
  });
});

describe('audit checks on a weak deployment |', () => {
  const { json, model } = synth(weak);
  const run = (tf: TfJson) => failing(runChecks(model, tf as TerraformJson));
  const nsKey = (tf: TfJson, name: string) =>
    Object.keys(tf.resource.kubernetes_namespace_v1).find((k) => (tf.resource.kubernetes_namespace_v1[k] as any).metadata.name === name)!;
  const editValues = (tf: TfJson, release: string, edit: (v: any) => void) => {
    const body = Object.values(tf.resource.helm_release).find((r) => r.name === release) as any;
    const values = JSON.parse(body.values[0]);
    edit(values);
    body.values[0] = JSON.stringify(values);
  };
  const policy = (namespace: string, spec: Record<string, unknown>) => ({
    metadata: { name: 'injected', namespace },
    spec: { pod_selector: {}, ...spec },
  });
  const peer = (ns: string) => ({ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': ns } } });

  /** Each weakness injected into the synthesised Terraform, and the checks it must fail. */
  const weaknesses: [string, string[], (tf: TfJson) => void][] = [
    [
      'an undeclared flow (identity -> digital-registries) allowed on both ends, on the Service port',
      ['network-declared-flows', 'network-pod-ports'],
      (tf) => {
        tf.resource.kubernetes_network_policy_v1.InjectedEgress = policy('gs-identity', {
          policy_types: ['Egress'],
          egress: [{ to: [peer('gs-digital-registries')], ports: [{ port: '8080', protocol: 'TCP' }] }],
        });
        tf.resource.kubernetes_network_policy_v1.InjectedIngress = policy('gs-digital-registries', {
          policy_types: ['Ingress'],
          ingress: [{ from: [peer('gs-identity')], ports: [{ port: '8080', protocol: 'TCP' }] }],
        });
      },
    ],
    [
      'an ingress rule without peers (admits everyone), on the Service port',
      ['network-declared-flows', 'network-pod-ports'],
      (tf) => {
        tf.resource.kubernetes_network_policy_v1.InjectedOpen = policy('gs-identity', {
          policy_types: ['Ingress'],
          ingress: [{ ports: [{ port: '8080', protocol: 'TCP' }] }],
        });
      },
    ],
    ['an image tagged latest', ['images-pinned'], (tf) => editValues(tf, 'identity', (v) => (v.image.tag = 'latest'))],
    [
      'a literal password in the values',
      ['no-secret-values'],
      (tf) => editValues(tf, 'registration', (v) => (v.env.DB_PASSWORD = 'correct-horse-battery')),
    ],
    [
      'a private key in the values',
      ['no-secret-values'],
      (tf) =>
        editValues(
          tf,
          'registration',
          (v) => (v.config.TLS_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'),
        ),
    ],
    [
      'a namespace relaxed to privileged without justification',
      ['pod-security'],
      (tf) => {
        (tf.resource.kubernetes_namespace_v1[nsKey(tf, 'gs-identity')] as any).metadata.labels['pod-security.kubernetes.io/enforce'] =
          'privileged';
      },
    ],
    ['a container without limits', ['resources-declared'], (tf) => editValues(tf, 'digital-registries', (v) => delete v.resources.limits)],
    [
      'a rate limit shared by all clients (no per-client ranges)',
      ['gateway-rate-limit'],
      (tf) => editValues(tf, 'govstack-gateway', (v) => delete v.rateLimit.clientCidrs),
    ],
    [
      'IPv6 clients sharing one bucket',
      ['gateway-rate-limit'],
      (tf) => editValues(tf, 'govstack-gateway', (v) => (v.rateLimit.clientCidrs = ['0.0.0.0/0'])),
    ],
    [
      'the internal gateway open to the Internet',
      ['gateways-segregated', 'network-egress-beyond-cluster'],
      (tf) => {
        const p = Object.values(tf.resource.kubernetes_network_policy_v1).find(
          (b: any) => b.metadata.name === 'ingress-route-clients-to-gateway-internal',
        ) as any;
        p.spec.ingress[0].from = [{ ip_block: { cidr: '0.0.0.0/0' } }];
      },
    ],
    [
      'a consumer wired to an undeclared port of its provider',
      ['api-only', 'network-declared-flows', 'network-pod-ports'],
      (tf) => {
        const p = Object.values(tf.resource.kubernetes_network_policy_v1).find(
          (b: any) => b.metadata.annotations?.['govstack.global/flow'] === 'registration->digital-registries' && b.spec.egress,
        ) as any;
        p.spec.egress[0].ports.push({ port: '5432', protocol: 'TCP' });
      },
    ],
  ];

  test('a building block simulated in prod is MANUAL with what the auditor must ask; the same in dev is PASS', () => {
    const products = result(runChecks(model, json as TerraformJson), 'real-products');
    const mocks = model.buildingBlocks.filter((b) => b.product.id === 'mock').map((b) => b.id);
    expect(mocks.length).toBeGreaterThan(0);
    expect(products.findings.filter((f) => f.status === 'MANUAL').map((f) => f.subject)).toEqual(mocks);
    expect(products.findings.find((f) => f.status === 'MANUAL')?.askFor?.[0]).toMatch(/why .+ is simulated in production/);
    const dev = synth(sandbox);
    const inDev = result(runChecks(dev.model, dev.json as TerraformJson), 'real-products');
    expect(inDev.findings.every((f) => f.status === 'PASS')).toBe(true);
  });

  test('as synthesised, it fails exactly in-cluster-tls (a direct flow in plain HTTP in prod)', () => {
    expect(run(json)).toEqual(['in-cluster-tls']);
    const tls = result(runChecks(model, json as TerraformJson), 'in-cluster-tls');
    expect(tls.findings.filter((f) => f.status === 'FAIL').map((f) => f.subject)).toEqual([
      'flow registration -> digital-registries (direct)',
    ]);
  });

  test.each(weaknesses.map(([name, ids, inject]) => [name, ids, inject] as const))('%s fails exactly %j', (_name, ids, inject) => {
    const tf = clone(json);
    inject(tf);
    expect(run(tf)).toEqual(['in-cluster-tls', ...ids].sort());
  });

  test('all weaknesses together fail the union of their checks', () => {
    const tf = clone(json);
    for (const [, , inject] of weaknesses) inject(tf);
    expect(run(tf)).toEqual([...new Set(['in-cluster-tls', ...weaknesses.flatMap(([, ids]) => ids)])].sort());
  });
});

describe('audit checks on a deployment with justified overrides |', () => {
  const { json, model } = synth(waived);
  const results = runChecks(model, json as TerraformJson);
  const text = readFileSync(waived, 'utf8');
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  test('nothing fails; every override shows as WAIVED with its justification and blueprint line', () => {
    expect(failing(results)).toEqual([]);
    const expectations: [string, string, string][] = [
      ['gateway-tls13', 'Legacy tax-office clients', 'control: tls-min-version'],
      ['container-hardening', 'writes its spool under /var as root', 'control: run-as-root'],
      ['replicas-ha', 'licence allows one active instance', 'control: min-replicas'],
      ['pod-security', 'not admitted by restricted', 'control: pod-security'],
      ['network-egress-beyond-cluster', "central bank's switch", 'control: egress'],
    ];
    for (const [id, reason, declaredAt] of expectations) {
      const r = result(results, id);
      expect(r.status).toBe('WAIVED');
      const f = r.findings.find((x) => x.status === 'WAIVED' && x.justification?.includes(reason));
      expect(f).toBeDefined();
      expect(f!.evidence).toContainEqual(
        expect.objectContaining({ kind: 'blueprint', file: 'test/fixtures/audit/waived.yaml', line: lineOf(declaredAt) }),
      );
    }
  });

  test('an S3 state backend with encryption passes', () => {
    expect(result(results, 'state-encrypted-at-rest').status).toBe('PASS');
  });
});

describe('audit command |', () => {
  const validate = schemaValidator();

  test('JSON output validates against the published schema, sandbox and weak alike', async () => {
    for (const file of [sandbox, weak]) {
      const r = await runCli(['audit', file, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      const ok = validate(report);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
      expect(report.summary.FAIL).toBe(file === sandbox ? 0 : 1);
    }
  });

  test('the schema rejects a WAIVED finding without justification', async () => {
    const r = await runCli(['audit', waived, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const check = report.checks.find((c: any) => c.status === 'WAIVED');
    delete check.findings.find((f: any) => f.status === 'WAIVED').justification;
    expect(validate(report)).toBe(false);
  });

  test('two runs give byte-identical reports; hashes match the files and the synthesised Terraform', async () => {
    const first = await runCli(['audit', weak, '--format', 'json']);
    const second = await runCli(['audit', weak, '--format', 'json']);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const report = JSON.parse(first.stdout);
    expect(report.generatedAt).toBeUndefined();
    expect(report.inputs.blueprints).toEqual([
      { path: 'test/fixtures/audit/weak.yaml', sha256: createHash('sha256').update(readFileSync(weak)).digest('hex') },
    ]);
    const { text } = synth(weak);
    expect(report.inputs.terraform).toEqual({
      path: 'stacks/weak/cdk.tf.json',
      sha256: createHash('sha256').update(text).digest('hex'),
      resources: expect.any(Number),
    });
    for (const format of ['md', 'html']) {
      const a = await runCli(['audit', weak, '--format', format]);
      const b = await runCli(['audit', weak, '--format', format]);
      expect(a.code).toBe(0);
      expect(b.stdout).toBe(a.stdout);
    }
  });

  test('a blueprint and the bases it extends are all hashed', async () => {
    const country = fixture('overlay', 'country.yaml');
    const r = await runCli(['audit', country, '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.inputs.blueprints.length).toBeGreaterThan(1);
    for (const b of report.inputs.blueprints)
      expect(b.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(path.join(root, b.path)))
          .digest('hex'),
      );
  });

  test('--timestamp records the time, and only then', async () => {
    const before = Date.now();
    const r = await runCli(['audit', weak, '--format', 'json', '--timestamp']);
    const at = Date.parse(JSON.parse(r.stdout).generatedAt);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  test('Markdown shows the summary, the failure and each waiver with its justification', async () => {
    const weakMd = await runCli(['audit', weak]);
    expect(weakMd.stdout).toContain('**1 FAIL ·');
    expect(weakMd.stdout).toMatch(/## FAIL `in-cluster-tls`/);
    expect(weakMd.stdout).toMatch(
      /- \*\*FAIL\*\* flow registration -> digital-registries \(direct\): plaintext HTTP in a prod environment/,
    );
    const waivedMd = await runCli(['audit', waived, '--format', 'md']);
    expect(waivedMd.stdout).toContain('  - justification: Legacy tax-office clients cannot negotiate TLS 1.3 until their 2027 upgrade.');
    expect(waivedMd.stdout).toMatch(/`test\/fixtures\/audit\/waived\.yaml:\d+  \/security\/overrides\/0`/);
  });

  test('bad input exits 2 with file:line problems; oscal without --out is a usage problem', async () => {
    const bad = await runCli(['audit', fixture('invalid', 'bad-country.yaml'), ...fixtureBaseArgs]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^test\/fixtures\/invalid\/bad-country\.yaml:\d+  \/metadata\/country  /m);
    const oscal = await runCli(['audit', weak, '--format', 'oscal']);
    expect(oscal.code).toBe(2);
    expect(oscal.stderr).toContain('name a folder with --out');
  });
});
