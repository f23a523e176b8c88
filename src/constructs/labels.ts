import { PodSecurityLevel } from '../blueprint/types';

/** Label selecting a namespace by name; set by Kubernetes itself on every namespace. */
export const namespaceNameLabel = 'kubernetes.io/metadata.name';

/** Labels on everything the project creates. */
export function commonLabels(deployment: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'govstack-blueprint',
    'app.kubernetes.io/part-of': 'govstack',
    'govstack.global/deployment': deployment,
    'govstack.global/component': component,
  };
}

/**
 * Pod Security admission labels: enforce the level, and warn and audit at `restricted`
 * so a relaxed namespace still reports what it would violate.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
  };
}
