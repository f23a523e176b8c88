import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fixture, root, synth, TfJson } from './support';

/**
 * No secret value in what synth emits: every string of every synthesised stack (and every
 * string inside the JSON documents that helm values are) is scanned for private keys, known
 * token formats, credentials in URLs, and password-like keys holding a value or a
 * high-entropy string. The detector is proven on planted secrets first, so a pass means
 * something. The e2e (test/e2e/secrets.test.ts) does the same for the Terraform state.
 */

export interface SecretFinding {
  readonly path: string;
  readonly rule: string;
  readonly excerpt: string;
}

const patterns: [string, RegExp][] = [
  ['private key', /-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/],
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['GitHub token', /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['Slack webhook', /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/],
  ['Teams webhook', /\.webhook\.office\.com\/webhookb2\//],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['credentials in a URL', /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"]+:[^/\s@"]+@/i],
  ['password assignment', /\b(password|passwd|pwd|secret|token|api[_-]?key)\s*[:=]\s*["']?[^\s"'${}]{6,}/i],
];

/** Keys whose value would be a secret (adminPassword, client_secret, tokenPin, api-key…). */
const secretKey = /(password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|credentials?|pin)$/i;
/** …and those that name a Secret or where one is, which are not secrets themselves. */
const referenceKey = /(name|ref|key|keys|path|file|secretname|id)$/i;

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** Kubernetes object names and Terraform references are what a secret-named key may hold. */
const looksLikeReference = (v: string) => v === '' || /^\$\{[^}]+\}$/.test(v) || /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(v);

export function findSecrets(value: unknown, at = '', key = ''): SecretFinding[] {
  const found: SecretFinding[] = [];
  const excerpt = (s: string) => (s.length > 12 ? `${s.slice(0, 4)}…(${s.length} chars)` : '…');
  const walk = (v: unknown, p: string, k: string): void => {
    if (typeof v === 'string') {
      // helm values are JSON documents inside a string: look inside too.
      if (/^\s*[[{]/.test(v)) {
        try {
          walk(JSON.parse(v), `${p}#`, k);
          return;
        } catch {
          /* not JSON: scan as text */
        }
      }
      for (const [rule, re] of patterns) if (re.test(v)) found.push({ path: p, rule, excerpt: excerpt(v) });
      if (secretKey.test(k) && !referenceKey.test(k)) {
        if (!looksLikeReference(v)) found.push({ path: p, rule: `value under secret-like key "${k}"`, excerpt: excerpt(v) });
        else if (!v.startsWith('${') && v.length >= 16 && entropy(v) >= 3.8)
          found.push({ path: p, rule: `high-entropy value under secret-like key "${k}"`, excerpt: excerpt(v) });
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${p}/${i}`, k));
    else if (v !== null && typeof v === 'object') for (const [kk, item] of Object.entries(v)) walk(item, `${p}/${kk}`, kk);
  };
  walk(value, at, key);
  return found;
}

describe('the detector finds planted secrets (so a clean result means something)', () => {
  const planted: [string, unknown][] = [
    ['private key', { data: { 'tls.key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEow…\n-----END RSA PRIVATE KEY-----' } }],
    ['private key', { values: [JSON.stringify({ config: { KEY: '-----BEGIN OPENSSH PRIVATE KEY-----' } })] }],
    ['AWS access key id', { env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' } }],
    ['GitHub token', { note: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' }],
    ['Slack webhook', { url: 'https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx' }],
    ['JSON web token', { header: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' }],
    ['credentials in a URL', { values: [JSON.stringify({ database: { url: 'postgres://app:s3cr3t-pw@db:5432/app' } })] }],
    ['password assignment', { annotation: 'jdbc settings password=hunter2hunter2' }],
    ['value under secret-like key "adminPassword"', { adminPassword: 'Tr0ub4dor&3' }],
    ['value under secret-like key "client_secret"', { client_secret: 'An0ther S3cret!' }],
    ['high-entropy value under secret-like key "token"', { token: 'q7x2k9v4m1z8p3w6r5t0y' }],
    ['value under secret-like key "passphrase"', { values: [JSON.stringify({ state: { passphrase: 'correct horse battery staple' } })] }],
  ];
  test.each(planted)('%s', (rule, doc) => {
    expect(findSecrets(doc).map((f) => f.rule)).toContain(rule);
  });

  test('references to Secrets, Terraform references and ordinary names are not findings', () => {
    const clean = {
      clientSecretName: 'gateway-oidc-client',
      certificateSecret: 'gouv-dj-wildcard',
      secretRef: { name: 'alertmanager-email', key: 'smtp-password' },
      passphrase: '${var.state_encryption_passphrase}',
      kms_key_id: 'alias/govstack-state',
      env: [{ name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
      description: 'Passwords are generated in-cluster; the token PIN is never a value.',
    };
    expect(findSecrets(clean)).toEqual([]);
  });
});

const blueprints = [
  path.join(root, 'blueprints', 'sandbox.yaml'),
  ...readdirSync(path.join(root, 'blueprints', 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(root, 'blueprints', 'examples', f)),
  fixture('valid', 'minimal.yaml'),
  fixture('hostile', 'declared-waiver.yaml'),
  fixture('hostile', 'state-encryption.yaml'),
];

describe.each(blueprints.map((f) => [path.relative(root, f), f]))('%s |', (_name, file) => {
  test('no secret value anywhere in the synthesised Terraform JSON', () => {
    const { json, text } = synth(file);
    expect(findSecrets(json)).toEqual([]);
    // Sensitive inputs are declared, never given a value.
    for (const [name, variable] of Object.entries((json as TfJson).variable ?? {})) {
      if (variable.sensitive) expect([name, variable.default]).toEqual([name, undefined]);
    }
    expect(text).not.toMatch(/"(password|token|secret)"\s*:\s*"[^"$]/i);
  });
});

test('state encryption takes its passphrase from a sensitive variable, never from the configuration', () => {
  const { json } = synth(fixture('hostile', 'state-encryption.yaml'));
  const encryption = (json.terraform as any).encryption;
  expect(encryption.key_provider.pbkdf2.govstack.passphrase).toBe('${var.state_encryption_passphrase}');
  expect(json.variable?.state_encryption_passphrase).toEqual(expect.objectContaining({ sensitive: true, type: 'string', nullable: false }));
  expect(json.variable?.state_encryption_passphrase.default).toBeUndefined();
  expect(encryption.state).toEqual({ method: 'method.aes_gcm.govstack', enforced: true });
  expect(encryption.plan).toEqual({ method: 'method.aes_gcm.govstack', enforced: true });
});

test('encryption.migrate reads an unencrypted state once (fallback) and is not enforced for state until removed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'govstack-secrets-'));
  try {
    const file = path.join(dir, 'migrate.yaml');
    writeFileSync(
      file,
      `extends: [${JSON.stringify(fixture('hostile', 'state-encryption.yaml'))}]\nstate:\n  encryption:\n    migrate: true\n`,
    );
    const encryption = (synth(file).json.terraform as any).encryption;
    expect(encryption.method.unencrypted).toEqual({ migrate: {} });
    expect(encryption.state).toEqual({ method: 'method.aes_gcm.govstack', fallback: { method: 'method.unencrypted.migrate' } });
    expect(encryption.plan).toEqual({ method: 'method.aes_gcm.govstack', enforced: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encryption.rotate keeps the old passphrase under the name that wrote the state and encrypts under the next generation', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'govstack-secrets-'));
  try {
    const rotating = path.join(dir, 'rotate.yaml');
    writeFileSync(
      rotating,
      `extends: [${JSON.stringify(fixture('hostile', 'state-encryption.yaml'))}]\nstate:\n  encryption:\n    generation: 2\n    rotate: true\n`,
    );
    const { json } = synth(rotating);
    const encryption = (json.terraform as any).encryption;
    expect(encryption.key_provider.pbkdf2).toEqual({
      govstack: { passphrase: '${var.state_encryption_previous_passphrase}' },
      govstack_2: { passphrase: '${var.state_encryption_passphrase}' },
    });
    expect(encryption.method.aes_gcm).toEqual({
      govstack: { keys: '${key_provider.pbkdf2.govstack}' },
      govstack_2: { keys: '${key_provider.pbkdf2.govstack_2}' },
    });
    expect(encryption.state).toEqual({
      method: 'method.aes_gcm.govstack_2',
      fallback: { method: 'method.aes_gcm.govstack' },
      enforced: true,
    });
    expect(json.variable?.state_encryption_previous_passphrase).toEqual(
      expect.objectContaining({ sensitive: true, type: 'string', nullable: false }),
    );

    // After the rotating apply: rotate and the old passphrase removed, the generation kept.
    const after = path.join(dir, 'after.yaml');
    writeFileSync(
      after,
      `extends: [${JSON.stringify(fixture('hostile', 'state-encryption.yaml'))}]\nstate:\n  encryption:\n    generation: 2\n`,
    );
    const later = synth(after).json;
    expect((later.terraform as any).encryption.key_provider.pbkdf2).toEqual({
      govstack_2: { passphrase: '${var.state_encryption_passphrase}' },
    });
    expect((later.terraform as any).encryption.state).toEqual({ method: 'method.aes_gcm.govstack_2', enforced: true });
    expect(later.variable?.state_encryption_previous_passphrase).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
