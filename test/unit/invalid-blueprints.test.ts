import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fixture, runCli } from './support';

/**
 * The bad-input corpus: every file under test/fixtures/invalid, the exact problem lines the
 * CLI must print for it (`file:line  /pointer  message`), exit code 2, no stack trace, and
 * nothing written by `synth`. Most files extend a base in ../valid or ../overlay, outside their
 * own folder, so the corpus runs with `--extends-root test/fixtures` as a user would.
 */
const roots = ['--extends-root', 'test/fixtures'];
const expected: Record<string, string[]> = {
  'alias-bomb.yaml': ['alias-bomb.yaml  /  more than 50000 values after expanding aliases'],
  'bad-country.yaml': ['bad-country.yaml:3  /metadata/country  "XX" is not allowed'],
  'bad-domain.yaml': ['bad-domain.yaml:4  /gateway/domains/external  "not a domain" is not valid'],
  'bad-environment.yaml': ['bad-environment.yaml:3  /metadata/environment  "production" is not one of: dev, test, staging, prod'],
  'bad-exposure.yaml': ['bad-exposure.yaml:4  /buildingBlocks/identity/exposure  "public" is not one of: external, internal, none'],
  'bad-member-class.yaml': [
    'bad-member-class.yaml:3  /mediator/memberClasses/0  "gov" is not valid: must be an X-Road member class: 2-16 upper-case letters and digits, starting with a letter, e.g. "GOV"',
  ],
  'bad-memory-quantity.yaml': [
    'bad-memory-quantity.yaml:5  /buildingBlocks/identity/resources/requests/memory  "1GB" is not valid: must be a Kubernetes quantity: a number with an optional unit (m for thousandths, Ki/Mi/Gi/Ti, k/M/G/T), e.g. "500m", "1", "256Mi" or "1Gi"',
  ],
  'bad-cpu-quantity.yaml': [
    'bad-cpu-quantity.yaml:5  /buildingBlocks/identity/resources/requests/cpu  "2 cores" is not valid: must be a Kubernetes quantity',
  ],
  'bad-replicas.yaml': ['bad-replicas.yaml:4  /buildingBlocks/identity/replicas  must be >= 1'],
  'bad-version.yaml': [
    'bad-version.yaml:4  /buildingBlocks/identity/version  "latest" is not valid: must be a pinned version number (no "latest"), e.g. "1.2.3" or "v1.2.3"',
  ],
  'custom-product-chart-fields.yaml': [
    'custom-product-chart-fields.yaml:4  /customProducts/identity/national-id  missing required property "service"',
    'custom-product-chart-fields.yaml:8  /customProducts/identity/national-id/chart/version  "4.2" is not valid: must be an exact chart version, major.minor.patch, e.g. "4.2.0"',
    'custom-product-chart-fields.yaml:9  /customProducts/identity/national-id/containerPort  unknown property "containerPort"',
  ],
  'custom-product-collision.yaml': [
    'custom-product-collision.yaml:4  /customProducts/identity/mock  "mock" is not allowed as a name here: must be a DNS label that is not a catalog product of identity (mock, esignet, external)',
  ],
  'custom-product-unknown.yaml': [
    'custom-product-unknown.yaml:12  /buildingBlocks/identity/product  "national-idd" is not one of: mock, esignet, external, national-id (did you mean "national-id"?); a country\'s own product is declared under /customProducts/identity',
  ],
  'deep-nesting.yaml': [
    'deep-nesting.yaml:3  /metadata/description/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0  nesting deeper than 64 levels',
  ],
  'direct-to-external.yaml': [
    'direct-to-external.yaml:8  /buildingBlocks/registration/consumes/0/via  a direct flow needs both blocks co-located; identity runs elsewhere (external), so use the mediator',
  ],
  'duplicate-host.yaml': [
    'minimal.yaml:22  /buildingBlocks/registration/hostname  host registration.api.test.example is already used by identity',
  ],
  'cpu-number-below-request.yaml': [
    'cpu-number-below-request.yaml:7  /buildingBlocks/identity/resources/limits/cpu  cpu limit 1 is below the request 1.5; Kubernetes refuses such a container',
  ],
  'duplicate-keys.yaml': ['duplicate-keys.yaml:4  /  YAML syntax: a key appears twice in one mapping near "name"; keep one of them'],
  'encryption-migrate-and-rotate.yaml': [
    'encryption-migrate-and-rotate.yaml:7  /state/encryption/rotate  migrate and rotate cannot be combined',
  ],
  'encryption-rotate-same-generation.yaml': [
    'encryption-rotate-same-generation.yaml:6  /state/encryption/rotate  rotate moves the state to the next key generation, but generation is 1 (the default): set generation: 2 next to rotate',
  ],
  'duplicate-member-code.yaml': [
    'duplicate-member-code.yaml:6  /mediator/organisations/2/code  member GOV/1001 is already organisation "ministry-a"',
  ],
  'eks-missing-region.yaml': ['eks-missing-region.yaml:2  /target  missing required property "region"'],
  'empty.yaml': ['empty.yaml:1  /  the document is empty'],
  'extends-cycle-a.yaml': [
    'extends-cycle-b.yaml:1  /extends  extends cycle: test/fixtures/invalid/extends-cycle-a.yaml -> test/fixtures/invalid/extends-cycle-b.yaml -> test/fixtures/invalid/extends-cycle-a.yaml',
  ],
  'extends-cycle-b.yaml': [
    'extends-cycle-a.yaml:1  /extends  extends cycle: test/fixtures/invalid/extends-cycle-b.yaml -> test/fixtures/invalid/extends-cycle-a.yaml -> test/fixtures/invalid/extends-cycle-b.yaml',
  ],
  'extends-missing-file.yaml': ['extends-missing-file.yaml:1  /  cannot read test/fixtures/valid/nope.yaml: no such file'],
  'extends-outside-tree.yaml': [
    'extends-outside-tree.yaml:3  /extends  extends names blueprints/sandbox.yaml, which is outside test/fixtures/invalid and test/fixtures (after following symlinks); move the base inside, or allow its folder with --extends-root blueprints',
  ],
  'extends-not-a-blueprint.yaml': [
    'extends-not-a-blueprint.yaml:2  /extends  test/fixtures/overlay/not-a-blueprint.yaml is not a blueprint (its top level is not blueprint sections); nothing of it is shown',
  ],
  'external-exposed.yaml': [
    'external-exposed.yaml:5  /buildingBlocks/identity/exposure  an external building block is exposed where it runs, not through this gateway',
  ],
  'flow-bad-via.yaml': [
    'flow-bad-via.yaml:6  /buildingBlocks/registration/consumes/0/via  "carrier-pigeon" is not one of: mediator, direct',
  ],
  'flow-to-disabled.yaml': [
    'flow-to-disabled.yaml:7  /buildingBlocks/registration/consumes/0/to  registration consumes identity, which is disabled',
  ],
  'flow-to-self.yaml': ['flow-to-self.yaml:5  /buildingBlocks/registration/consumes/1/to  registration cannot consume itself'],
  'flow-to-undeclared.yaml': [
    'flow-to-undeclared.yaml:5  /buildingBlocks/registration/consumes/1/to  registration consumes payments, which is not declared in /buildingBlocks',
  ],
  'gateway-same-domains.yaml': [
    'gateway-same-domains.yaml:5  /gateway/domains/internal  the internal domain is the external one (api.test.example)',
  ],
  'invalid-utf8.yaml': ['invalid-utf8.yaml:3  /  not valid UTF-8 (byte 61)'],
  'kubeconfig-missing-path.yaml': ['kubeconfig-missing-path.yaml:2  /target  missing required property "path"'],
  'limits-below-requests.yaml': [
    'limits-below-requests.yaml:5  /buildingBlocks/identity/resources/limits/cpu  cpu limit 500m is below the request 2; Kubernetes refuses such a container: raise the limit to at least 2 or lower the request',
    'limits-below-requests.yaml:5  /buildingBlocks/identity/resources/limits/memory  memory limit 1Gi is below the request 4Gi',
  ],
  'member-class-undeclared.yaml': [
    'member-class-undeclared.yaml:5  /mediator/organisations/2/class  member class "COM" is not in /mediator/memberClasses (GOV)',
  ],
  'missing-gateway.yaml': ['missing-gateway.yaml:2  /  missing required property "gateway"'],
  'name-not-dns-label.yaml': [
    'name-not-dns-label.yaml:3  /metadata/name  "My_Country" is not valid: must be a DNS label: 1-32 lower-case letters, digits and dashes, starting with a letter and not ending with a dash, e.g. "ke-prod" (Deployment name; also the Terraform stack name)',
  ],
  'name-path-traversal.yaml': ['name-path-traversal.yaml:3  /metadata/name  "../etc" is not valid: must be a DNS label'],
  'no-building-blocks-enabled.yaml': ['no-building-blocks-enabled.yaml:2  /buildingBlocks  no building block is enabled'],
  'non-string-key.yaml': ['non-string-key.yaml:3  /metadata  every key must be a plain string'],
  'not-a-mapping.yaml': ['not-a-mapping.yaml:1  /  a blueprint must be a mapping (key: value)'],
  'override-bad-value.yaml': ['override-bad-value.yaml:6  /security/overrides/0/value  "lax" is not one of: baseline, privileged'],
  'override-no-justification.yaml': [
    'override-no-justification.yaml:7  /security/overrides/0/justification  must NOT have fewer than 20 characters',
  ],
  'override-unknown-target.yaml': [
    'override-unknown-target.yaml:5  /security/overrides/0/target  pod-security cannot apply to "payments" (an enabled building block or one of gateway, mediator, observability)',
  ],
  'owner-not-organisation.yaml': [
    'owner-not-organisation.yaml:4  /buildingBlocks/identity/owner  owner "ministry-z" is not an organisation in /mediator/organisations',
  ],
  'remove-marker-in-single-file.yaml': [
    'remove-marker-in-single-file.yaml:7  /buildingBlocks/registration/consumes/0/$remove  unknown property "$remove"',
  ],
  'prod-single-replica.yaml': [
    'prod-single-replica.yaml:5  /buildingBlocks/identity  identity runs 1 replica in prod; use 2 or more (govstack-cfr-deployment#req-9) or add a justified min-replicas override',
  ],
  'proto-key.yaml': ['proto-key.yaml:3  /metadata/__proto__  unknown property "__proto__"'],
  'resources-missing-limits.yaml': [
    'resources-missing-limits.yaml:4  /buildingBlocks/identity/resources  missing required property "limits"',
  ],
  's3-missing-bucket.yaml': ['s3-missing-bucket.yaml:2  /state  missing required property "bucket"'],
  'tls-both-options.yaml': ['tls-both-options.yaml:3  /gateway/tls  Exactly one of clusterIssuer or certificateSecret.'],
  'unknown-building-block.yaml': [
    'unknown-building-block.yaml:3  /buildingBlocks/identty  unknown property "identty" (did you mean "identity"?)',
  ],
  'unknown-product.yaml': ['unknown-product.yaml:4  /buildingBlocks/identity/product  "keycloak" is not one of:'],
  'unknown-target-kind.yaml': ['unknown-target-kind.yaml:3  /target/kind  "openshift" is not one of: kubeconfig, eks, aks, gke'],
  'unknown-top-level-key.yaml': ['unknown-top-level-key.yaml:2  /metdata  unknown property "metdata" (did you mean "metadata"?)'],
  'yaml-syntax-error.yaml': [
    'yaml-syntax-error.yaml:4  /  YAML syntax: the [ after "name" is not closed; end it with ] on the same line, or quote the value ("…") if the [ is part of the text',
  ],
  'yaml-tab-indent.yaml': ['yaml-tab-indent.yaml:2  /  YAML syntax: a tab is used for indentation near "name"; indent with spaces'],
  'yaml-unclosed-quote.yaml': ['yaml-unclosed-quote.yaml:4  /  YAML syntax: a bracket, brace or quote is not closed near "description"'],
};

const dir = fixture('invalid');
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

test('the corpus has at least 40 invalid blueprints, each with its expected problems', () => {
  expect(files.length).toBeGreaterThanOrEqual(40);
  expect(Object.keys(expected).sort()).toEqual(files);
});

describe.each(files)('%s |', (file) => {
  test('validate prints the expected problem lines and exits 2 without a stack trace', async () => {
    const result = await runCli(['validate', path.join('test/fixtures/invalid', file), ...roots]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^\d+ problems?; nothing was written$/);
    for (const want of expected[file]) {
      expect(lines.some((line) => line.includes(want))).toBe(true);
    }
    expect(result.stderr).not.toMatch(/\n\s+at /);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^\S+(:\d+)?  \/\S*  .+$/);
  });
});

test('synth of any invalid blueprint writes nothing', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'govstack-invalid-')), 'out');
  const sample = ['bad-country.yaml', 'flow-to-disabled.yaml', 'yaml-syntax-error.yaml', 'alias-bomb.yaml'];
  for (const file of sample) {
    const result = await runCli(['synth', path.join('test/fixtures/invalid', file), ...roots, '--out', out]);
    expect(result.code).toBe(2);
  }
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(path.dirname(out))).toEqual([]);
});

test("a base outside the blueprint's folder tree is read once its folder is allowed explicitly", async () => {
  const refused = await runCli(['validate', 'test/fixtures/invalid/extends-outside-tree.yaml']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe(
    'test/fixtures/invalid/extends-outside-tree.yaml:3  /extends  extends names blueprints/sandbox.yaml, which is outside test/fixtures/invalid (after following symlinks); move the base inside, or allow its folder with --extends-root blueprints\n1 problem; nothing was written\n',
  );
  const allowed = await runCli(['validate', 'test/fixtures/invalid/extends-outside-tree.yaml', '--extends-root', 'blueprints']);
  expect(allowed.stderr.split('\n').filter((l) => l && !l.startsWith('warning: '))).toEqual([]);
  expect(allowed.code).toBe(0);
});
