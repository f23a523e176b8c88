import { Check } from './types';
import { apiCallLogging, gatewayAuthentication, gatewayRateLimit, gatewaysSegregated, gatewayTls13 } from './checks/gateway';
import { inClusterTls } from './checks/tls';
import { noSecretValues } from './checks/secrets';
import { containerHardening, podSecurity, serviceAccountNoToken } from './checks/isolation';
import { apiOnly, networkDeclaredFlows, networkDefaultDeny, networkEgressBeyondCluster, networkPodPorts } from './checks/network';
import { backupRestore, noSharedStorage, stateEncryptedAtRest, volumesEncryptedAtRest } from './checks/data';
import { imagesPinned } from './checks/images';
import { healthProbes, realProducts, replicasHa, resourcesDeclared } from './checks/workloads';
import { centralLogging, metricsObservability, securityEventLogs, tracing } from './checks/observability';
import { mediatorClientAuth, mediatorMessageLog, mediatorMonitoring } from './checks/mediator';
import { apiCompliance } from '../compliance/audit-check';

/**
 * Every audit check, in report order: security (CFR 6.5 and the Security guide §8.1),
 * deployment (CFR 6.2), architecture (CFR 6.3), then the information mediator (IM BB §6).
 */
export const checks: readonly Check[] = [
  gatewayTls13,
  inClusterTls,
  noSecretValues,
  centralLogging,
  securityEventLogs,
  apiCallLogging,
  podSecurity,
  networkDefaultDeny,
  networkDeclaredFlows,
  networkPodPorts,
  networkEgressBeyondCluster,
  serviceAccountNoToken,
  containerHardening,
  gatewaysSegregated,
  gatewayRateLimit,
  gatewayAuthentication,
  stateEncryptedAtRest,
  volumesEncryptedAtRest,
  imagesPinned,
  backupRestore,
  replicasHa,
  resourcesDeclared,
  healthProbes,
  noSharedStorage,
  apiOnly,
  tracing,
  metricsObservability,
  mediatorMessageLog,
  mediatorMonitoring,
  mediatorClientAuth,
  apiCompliance,
  realProducts,
];

/** Where each GovStack requirement ID is defined, for the reports. */
export function requirementSource(id: string): string {
  if (id.startsWith('govstack-cfr-')) {
    const category = /^govstack-cfr-([a-z]+)#/.exec(id)?.[1] ?? '';
    const file: Record<string, string> = { deployment: '6.2-deployment', architecture: '6.3-architecture', security: '6.5-security' };
    return `GovStack Architecture & CFR 2.x, ${file[category] ?? category}`;
  }
  if (id.startsWith('govstack-security-')) return `GovStack Security Requirements §${id.slice('govstack-security-'.length)}`;
  if (id.startsWith('govstack-im-')) return `GovStack Information Mediator BB §${id.slice('govstack-im-'.length)}`;
  return id;
}
