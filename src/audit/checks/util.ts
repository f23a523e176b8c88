import { Evidence, Finding, Status } from '../types';

export function tf(address: string): Evidence {
  return { kind: 'terraform', address };
}

export function finding(
  status: Status,
  subject: string,
  message: string,
  evidence: readonly Evidence[],
  extra: { justification?: string; askFor?: readonly string[] } = {},
): Finding {
  return { status, subject, message, evidence, ...extra };
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Kubernetes quantity to a number (cores or bytes); NaN when it is not one. */
export function quantity(value: unknown): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value ?? ''));
  if (!m) return NaN;
  const factor: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return Number(m[1]) * factor[m[2] ?? ''];
}

/** `${...}` Terraform interpolation: a reference, never a literal value. */
export function isReference(value: string): boolean {
  return /^\$\{[^}]+\}$/.test(value.trim());
}
