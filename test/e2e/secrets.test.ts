import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { loadModels } from '../../src/model/load-models';
import { synthesize } from '../../src/synth/synthesize';
import { configureStateBackend } from '../../src/constructs/state-backend';
import { packageRoot } from '../../src/paths';
import { Cluster } from './cluster';
import { controlPlaneForTests } from './control-plane';
import { profileBases, run, writeTestProfile } from './harness';

/**
 * Secrets, for real. (1) The minimal deployment is applied to a real control plane; the
 * credentials its charts generate in-cluster (X-Road admin passwords and token PINs,
 * datastore passwords) are read back with kubectl, and none of them, plain or base64, is in
 * the Terraform state. (2) OpenTofu state encryption as the blueprint field
 * `state.encryption` configures it: the same stack's plaintext state is migrated to encrypted
 * state, which then opens only with the passphrase; and a tiny stack from the state-backend
 * construct alone shows the file is unreadable without the key.
 */
const { work, env, plane } = controlPlaneForTests('secrets');
const cluster = new Cluster(plane.kubeconfig, env);
const passphrase = 'e2e-only passphrase, 16+ characters';
// The gateway and monitoring charts require their CRDs (requireCrds): install them first.
beforeAll(() => plane.installCrds(), 300_000);

function tofu(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}, okCodes: number[] = []) {
  return run('tofu', [...args, '-no-color'], { cwd: dir, env: { ...env, ...extraEnv }, okCodes });
}

/** tofu's exit code and output without throwing, for the commands that must fail. */
function tofuFails(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  try {
    tofu(dir, args, extraEnv);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`tofu ${args.join(' ')} succeeded but must fail`);
}

function stateFile(dir: string): string {
  const file = readdirSync(dir).find((f) => f.endsWith('.tfstate'));
  if (!file) throw new Error(`no state file in ${dir}`);
  return path.join(dir, file);
}

describe('the minimal deployment on a real control plane |', () => {
  const blueprint = path.join(packageRoot, 'test', 'fixtures', 'valid', 'minimal.yaml');
  let stackDir = '';
  let namespaces: string[] = [];

  test('applies; no chart-generated secret value is in the Terraform state', () => {
    const profile = writeTestProfile(blueprint, plane.kubeconfig, work);
    const [stack] = synthesize(loadModels([profile], profileBases), path.join(work, 'plain'));
    stackDir = path.dirname(stack.file);
    tofu(stackDir, ['init', '-input=false']);
    tofu(stackDir, ['apply', '-input=false', '-auto-approve']);

    const json = JSON.parse(readFileSync(stack.file, 'utf8'));
    namespaces = Object.values(json.resource.kubernetes_namespace_v1 as Record<string, any>).map((n) => n.metadata.name);
    const secrets = cluster
      .list('secrets')
      .filter((s) => namespaces.includes(s.metadata.namespace))
      // Helm's own release records and token Secrets are not what the charts generate.
      .filter((s) => s.type !== 'helm.sh/release.v1' && s.type !== 'kubernetes.io/service-account-token');
    const values = secrets.flatMap((s) =>
      Object.entries<string>(s.data ?? {}).map(([key, encoded]) => ({
        secret: `${s.metadata.namespace}/${s.metadata.name}`,
        key,
        encoded,
        plain: Buffer.from(encoded, 'base64').toString('utf8'),
      })),
    );
    const generated = values.filter((v) => v.plain.length >= 16);
    process.stdout.write(
      `[e2e secrets] ${secrets.length} chart-generated Secrets, ${generated.length} generated values: ${[...new Set(generated.map((v) => v.secret))].join(', ')}\n`,
    );
    // The X-Road chart generates admin passwords, token PINs and database passwords.
    expect(generated.length).toBeGreaterThanOrEqual(3);

    const state = readFileSync(stateFile(stackDir), 'utf8');
    expect(JSON.parse(state).resources.length).toBeGreaterThan(10); // a real, plaintext state
    for (const v of generated) {
      expect([v.secret, v.key, state.includes(v.plain)]).toEqual([v.secret, v.key, false]);
      expect([v.secret, v.key, state.includes(v.encoded)]).toEqual([v.secret, v.key, false]);
    }
  });

  test('state.encryption migrates that state to encrypted, which then opens only with the passphrase', () => {
    const withKey = { TF_VAR_state_encryption_passphrase: passphrase };
    const migrate = path.join(work, 'migrate.yaml');
    writeFileSync(
      migrate,
      `extends: [${JSON.stringify(writeTestProfile(blueprint, plane.kubeconfig, work))}]\nstate:\n  backend: local\n  encryption:\n    keyProvider: pbkdf2\n    migrate: true\n`,
    );
    const enforced = path.join(work, 'enforced.yaml');
    writeFileSync(enforced, `extends: [${JSON.stringify(migrate)}]\nstate:\n  encryption:\n    migrate: null\n`);

    // The operator's existing plaintext state goes with the stack re-synthesised with encryption.
    const [encryptedStack] = synthesize(loadModels([migrate], profileBases), path.join(work, 'encrypted'));
    const encDir = path.dirname(encryptedStack.file);
    copyFileSync(stateFile(stackDir), path.join(encDir, path.basename(stateFile(stackDir))));
    tofu(encDir, ['init', '-input=false'], withKey);
    expect(tofuFails(encDir, ['plan', '-input=false'])).toMatch(/state_encryption_passphrase|No value for required variable/);
    tofu(encDir, ['apply', '-input=false', '-auto-approve'], withKey);
    const encrypted = readFileSync(stateFile(encDir), 'utf8');
    expect(JSON.parse(encrypted)).toEqual(expect.objectContaining({ encrypted_data: expect.any(String) }));
    for (const ns of namespaces) expect(encrypted).not.toContain(ns);

    // Then encryption enforced (migrate removed): no changes with the key, refused without it.
    const [enforcedStack] = synthesize(loadModels([enforced], profileBases), path.join(work, 'enforced'));
    const enfDir = path.dirname(enforcedStack.file);
    copyFileSync(stateFile(encDir), path.join(enfDir, path.basename(stateFile(encDir))));
    tofu(enfDir, ['init', '-input=false'], withKey);
    const replan = tofu(enfDir, ['plan', '-input=false', '-detailed-exitcode'], withKey, [2]);
    expect(replan.stdout).toContain('No changes.');
    expect(tofuFails(enfDir, ['plan', '-input=false'], { TF_VAR_state_encryption_passphrase: 'a wrong passphrase, 16+ chars' })).toMatch(
      /decrypt|authentication failed/i,
    );

    tofu(enfDir, ['destroy', '-input=false', '-auto-approve'], withKey);
  });
});

test('a tiny stack with state.encryption: the state file is encrypted and unreadable without the key', () => {
  const dir = path.join(work, 'tiny');
  mkdirSync(dir, { recursive: true });
  const app = new App({ outdir: dir, stackTraces: false });
  const stack = new TerraformStack(app, 'tiny');
  configureStateBackend(
    stack,
    { backend: 'local', path: 'tiny.tfstate', encryption: { keyProvider: 'pbkdf2' } },
    'govstack/xx/dev/tiny.tfstate',
  );
  new TerraformOutput(stack, 'marker', { value: 'plaintext-marker-0f3c9a' });
  app.synth();
  const stackDir = path.join(dir, 'stacks', 'tiny');
  const withKey = { TF_VAR_state_encryption_passphrase: passphrase };

  // Every command that reads or writes state needs the passphrase, init included.
  expect(tofuFails(stackDir, ['init', '-input=false'])).toMatch(/state_encryption_passphrase/);
  tofu(stackDir, ['init', '-input=false'], withKey);
  tofu(stackDir, ['apply', '-input=false', '-auto-approve'], withKey);
  const file = path.join(stackDir, 'tiny.tfstate');
  expect(existsSync(file)).toBe(true);
  const raw = readFileSync(file, 'utf8');
  expect(raw).not.toContain('plaintext-marker-0f3c9a');
  expect(JSON.parse(raw)).toEqual(
    expect.objectContaining({ encrypted_data: expect.any(String), meta: { 'key_provider.pbkdf2.govstack': expect.any(String) } }),
  );

  expect(tofu(stackDir, ['output', '-raw', 'marker'], withKey).stdout).toBe('plaintext-marker-0f3c9a');
  expect(tofuFails(stackDir, ['output', '-raw', 'marker'], { TF_VAR_state_encryption_passphrase: 'not the passphrase at all' })).toMatch(
    /decrypt|authentication failed/i,
  );
  expect(tofuFails(stackDir, ['output', '-raw', 'marker'])).toMatch(/state_encryption_passphrase|No value for required variable/);

  // Enforced: a plan file is encrypted too, and unencrypted state is refused.
  tofu(stackDir, ['plan', '-input=false', '-out=plan.tfplan'], withKey);
  expect(readFileSync(path.join(stackDir, 'plan.tfplan')).includes(Buffer.from('plaintext-marker-0f3c9a'))).toBe(false);
  writeFileSync(file, JSON.stringify({ version: 4, terraform_version: '1.12.6', serial: 9, lineage: 'x', outputs: {}, resources: [] }));
  expect(tofuFails(stackDir, ['plan', '-input=false'], withKey)).toMatch(/unencrypted|encrypt/i);
});
