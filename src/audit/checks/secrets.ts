import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Check, Finding } from '../types';
import { finding, isReference, tf } from './util';

/** Values that are secrets whatever key holds them. */
const secretPatterns: readonly { name: string; pattern: RegExp }[] = [
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { name: 'credentials in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i },
];

/** Keys whose value is a secret when it is a literal. */
const secretKey =
  /(pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_]?key|client[-_]?key|access[-_]?key|credential|conn(ection)?[-_]?str(ing)?|pin)$/i;
/** Keys that name where a secret is kept, not the secret itself (e.g. `secretName`, `certificateSecret`: an existing Secret). */
const referenceKey = /(name|ref|reference|secretkey|keyref|existingsecret|certificatesecret|file|path|enabled|length)$/i;

interface Hit {
  readonly path: string;
  readonly what: string;
}

/** Every secret-looking literal under `value`, with its path. */
export function scanForSecrets(value: unknown, at: string, hits: Hit[] = []): Hit[] {
  if (typeof value === 'string') {
    for (const { name, pattern } of secretPatterns) if (pattern.test(value)) hits.push({ path: at, what: name });
    return hits;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => scanForSecrets(v, `${at}[${i}]`, hits));
    return hits;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '//') continue; // cdktf's own metadata
      const here = at ? `${at}.${k}` : k;
      if (typeof v === 'string' && v.trim() !== '' && secretKey.test(k) && !referenceKey.test(k) && !isReference(v))
        hits.push({ path: here, what: `literal value for "${k}"` });
      scanForSecrets(v, here, hits);
    }
  }
  return hits;
}

export const noSecretValues: Check = {
  id: 'no-secret-values',
  title: 'No secret value in the blueprint or the Terraform output',
  requirements: ['govstack-cfr-security#req-4', 'govstack-cfr-security#req-5'],
  scope:
    'Every string in cdk.tf.json (helm values parsed) and every blueprint file: private keys, well-known token formats, credentials in URLs, and literal values under password-, secret-, token- or key-like names. Secrets are referenced by Secret name or generated in-cluster; references and names of Secrets are not secrets.',
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const { resource, ...rest } = view.json;
    const tfHits: { address: string; hit: Hit }[] = [];
    for (const hit of scanForSecrets(rest, '')) tfHits.push({ address: hit.path.split('.').slice(0, 2).join('.'), hit });
    for (const [type, byName] of Object.entries(resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const address = `${type}.${name}`;
        const { values, ...others } = body as Record<string, unknown>;
        for (const hit of scanForSecrets(others, address)) tfHits.push({ address, hit });
        if (Array.isArray(values)) {
          values.forEach((doc, i) => {
            let parsed: unknown = doc;
            try {
              parsed = parseYaml(String(doc));
            } catch {
              // scanned as text
            }
            for (const hit of scanForSecrets(parsed, `${address}.values[${i}]`)) tfHits.push({ address, hit });
          });
        }
      }
    }
    for (const { address, hit } of tfHits) findings.push(finding('FAIL', hit.path, `${hit.what} in the Terraform output`, [tf(address)]));
    if (tfHits.length === 0)
      findings.push(finding('PASS', 'cdk.tf.json', 'no secret value in any resource, provider or backend block', []));

    for (const source of model.sources) {
      if (!existsSync(source.path)) {
        findings.push(
          finding('MANUAL', source.path, 'the blueprint file could not be read again to scan it', [], {
            askFor: [`${source.path} (sha256 ${source.sha256}) to scan for secrets`],
          }),
        );
        continue;
      }
      const text = readFileSync(source.path, 'utf8');
      let hits: Hit[] = [];
      try {
        hits = scanForSecrets(parseYaml(text), '');
      } catch {
        hits = scanForSecrets(text, '');
      }
      for (const hit of hits)
        findings.push(
          finding('FAIL', `${source.path} ${hit.path}`, `${hit.what} in the blueprint`, [
            blueprint(
              `/${hit.path
                .replace(/\[(\d+)\]/g, '.$1')
                .split('.')
                .join('/')}`,
            ),
          ]),
        );
      if (hits.length === 0)
        findings.push(
          finding('PASS', source.path, 'no secret value in the blueprint', [
            { kind: 'blueprint', file: source.path, line: 1, pointer: '' },
          ]),
        );
    }
    return findings;
  },
};
