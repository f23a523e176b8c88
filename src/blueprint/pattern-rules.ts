import { quantityPattern } from './schema-parts';

/**
 * Each schema pattern in words, with a valid example, so a pattern error tells a user what to
 * write instead of quoting a regular expression or the field's description. Keyed by the
 * pattern text as it appears in schema.ts; a pattern missing here is shown as the expression.
 */
const rules: Record<string, string> = {
  '^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$':
    'a DNS label: 1-32 lower-case letters, digits and dashes, starting with a letter and not ending with a dash, e.g. "ke-prod"',
  [quantityPattern]:
    'a Kubernetes quantity: a number with an optional unit (m for thousandths, Ki/Mi/Gi/Ti, k/M/G/T), e.g. "500m", "1", "256Mi" or "1Gi"',
  '^[0-9]+(h|d|w)$': 'a whole number of hours, days or weeks, e.g. "15d"',
  '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$': 'a lower-case DNS name with at least one dot, e.g. "api.example.org"',
  '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$': 'a Kubernetes object name: lower-case letters, digits, dashes and dots, e.g. "gateway-tls"',
  '^[a-z]{2}(-[a-z]+)+-[0-9]$': 'a cloud region, e.g. "eu-west-1"',
  '^https://[^\\s]+$': 'an https:// URL without spaces, e.g. "https://id.example.org"',
  '^[A-Z][A-Z0-9]{1,15}$': 'an X-Road member class: 2-16 upper-case letters and digits, starting with a letter, e.g. "GOV"',
  '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$': 'an X-Road instance: 1-32 letters, digits and dashes, e.g. "KE-PROD"',
  '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$': 'an X-Road member code: 1-64 letters, digits, dots, dashes and underscores, e.g. "70000001"',
  '^v?[0-9]+(\\.[0-9]+){0,2}([-+][0-9A-Za-z.-]+)?$': 'a pinned version number (no "latest"), e.g. "1.2.3" or "v1.2.3"',
  '^([a-z][-a-z0-9]{0,14}-)?$': 'empty, or up to 16 lower-case letters, digits and dashes ending with a dash, e.g. "gs-"',
  '^[^/][^\\0]*\\.tfstate$': 'a relative path ending in .tfstate, e.g. "state/terraform.tfstate"',
  '^(oci|https)://[^\\s]+$': 'an oci:// or https:// URL, e.g. "oci://registry.example.org/charts"',
  '^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$': 'an IPv4 CIDR, e.g. "203.0.113.0/24"',
  '^[^\\s@]+@[^\\s@]+$': 'an email address, e.g. "ops@example.org"',
  '^[^\\s:]+:[0-9]{1,5}$': 'host:port, e.g. "smtp.example.org:587"',
  '^#?[-_a-z0-9]{1,80}$': 'a Slack channel, e.g. "#govstack-alerts"',
  '^[-._a-zA-Z0-9]{1,253}$': 'a Secret key: letters, digits, dots, dashes and underscores, e.g. "password"',
  '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$': 'a bucket name: 3-63 lower-case letters, digits, dots and dashes, e.g. "ke-govstack-tfstate"',
  '^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$':
    'a bucket name: 3-63 lower-case letters, digits, dots, dashes and underscores, e.g. "ke-govstack-tfstate"',
  '^[a-z0-9]{3,24}$': 'a storage account name: 3-24 lower-case letters and digits, e.g. "kegovstackstate"',
  '^[a-z0-9](-?[a-z0-9]){2,62}$': 'a container name: 3-63 lower-case letters, digits and single dashes, e.g. "tfstate"',
  '^[-\\w._()]{1,90}$': 'a resource group name: 1-90 letters, digits, dashes, dots, underscores and parentheses, e.g. "rg-govstack"',
  '^[a-zA-Z0-9_.-]{3,255}$': 'a table name: 3-255 letters, digits, dots, dashes and underscores, e.g. "tf-locks"',
  '^[a-z_][a-z0-9_]{0,62}$': 'a PostgreSQL schema name: lower-case letters, digits and underscores, e.g. "govstack_ke"',
  '^[a-z]+-[a-z]+[0-9](-[a-z])?$': 'a Google Cloud location, e.g. "europe-west1" or "europe-west1-b"',
  '^[a-z][-a-z0-9]{4,28}[a-z0-9]$': 'a Google Cloud project id: 6-30 lower-case letters, digits and dashes, e.g. "govstack-ke"',
  '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$': 'an IAM role ARN, e.g. "arn:aws:iam::123456789012:role/govstack-deployer"',
  '^v?[0-9]+(\\.[0-9]+){2}([-+][0-9A-Za-z.-]+)?$': 'an exact chart version, major.minor.patch, e.g. "4.2.0"',
  '\\.(ya?ml|json)$': 'a path ending in .yaml, .yml or .json, e.g. "bases/social-protection.yaml"',
};

/** The rule of a schema pattern in words, with an example; the expression when none is written. */
export function patternRule(pattern: string): string {
  return rules[pattern] ?? `text matching ${pattern}`;
}

/** `"Tiny_Dev" is not valid: must be <rule> (<what the field is>)`. */
export function patternMessage(data: unknown, pattern: string, description?: string): string {
  const what = description ? ` (${description.replace(/\.$/, '')})` : '';
  return `${JSON.stringify(data)} is not valid: must be ${patternRule(pattern)}${what}`;
}
