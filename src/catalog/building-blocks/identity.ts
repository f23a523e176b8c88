import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-identity';
const commit = '8e342936614d89316fbd586fb730761b213d31fb';
const api = apiDescriber(repo, commit);

/** MOSIP eSignet Helm chart, facts read at the esignet repository's v1.6.2 tag. */
const esignetTag = 'mosip/esignet@37bb188e58a0b3532c59a2b5f364dfd05e7c57b0';

const apis = [
  api('api/Identity-Provider.yaml', '3.1.0', '1.0', [
    '/.well-known',
    '/authorize',
    '/client-mgmt',
    '/linked-authorization',
    '/oauth',
    '/oidc',
    '/wallet-binding',
  ]),
  api('api/enrollment.yaml', '3.1.0', '1.0.0', ['/enrollment']),
];

/**
 * Identity. Spec 1.0.2 (`spec/1-version-history.md`, govstack.md §1.2).
 *
 * eSignet is the candidate GovStack's own identity tests run against: bb-identity's
 * `examples/esignet` suite calls `…/v1/esignet/` (examples/esignet/features/support/helpers/helpers.js).
 * Chart `esignet` 1.6.2 is the newest release in https://mosip.github.io/mosip-helm/index.yaml
 * (mosip/mosip-helm gh-pages @917d4bbdce3d82b7cf6d2f1276d18e939e912de9, created 2025-08-28).
 * From the chart at v1.6.2 (helm/esignet/): Service named by bitnami `common.names.fullname`
 * (so `fullnameOverride` fixes it) on port 80 → container 8088; probes on
 * `/v1/esignet/actuator/health`; default image `mosipid/esignet-with-plugins:1.6.2`;
 * `istio.enabled: true` by default, which renders an Istio VirtualService (disabled here, as
 * the project's gateway is the Gateway API).
 * MOSIP's own install script (deploy/esignet/install.sh) installs it into namespace `esignet`
 * after copying ConfigMaps and Secrets from the softhsm, postgres and redis installs and
 * asking for an authentication plugin URL; the chart alone does not bring those up.
 * The `mosip/mock-identity-system` chart (same repository) is an identity store eSignet
 * plugs into, not a provider of this API, so it is not listed.
 */
export const identity: BuildingBlockEntry = {
  id: 'identity',
  title: 'Identity',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.0.2' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: '/.well-known/openid-configuration',
      example: { file: 'examples/mock-identity/mockoon-bbidentity.json', healthPath: '/.well-known/openid-configuration' },
    }),
    {
      kind: 'chart',
      id: 'esignet',
      title: 'MOSIP eSignet',
      source: `https://mosip.github.io/mosip-helm/index.yaml; ${esignetTag}:helm/esignet/Chart.yaml; ${esignetTag}:helm/esignet/values.yaml`,
      chart: { name: 'esignet', version: '1.6.2', repository: 'https://mosip.github.io/mosip-helm' },
      values: { fullnameOverride: 'esignet', istio: { enabled: false } },
      podSecurity: {
        level: 'baseline',
        reason:
          "The esignet chart's cacerts init container runs as root (securityContext.runAsUser 0, image openjdk:11-jre) to write the JVM trust store, and the main container's securityContext is disabled by default; " +
          'no host access or privilege is asked for, so Pod Security "baseline" admits it and "restricted" rejects the pod.',
        source: `${esignetTag}:helm/esignet/values.yaml (initContainers, containerSecurityContext)`,
      },
      storageClassKey: 'persistence.storageClass',
      // Read from the chart's env (values.yaml extraEnvVars, extraEnvVarsCM, initContainers) and
      // MOSIP's installer, which copies them from the other installs (deploy/esignet/install.sh).
      unmetPrerequisites: {
        configMaps: ['esignet-global', 'esignet-softhsm-share', 'keycloak-host', 'postgres-config', 'redis-config'],
        secrets: ['db-common-secrets', 'esignet-misp-onboarder-key', 'esignet-softhsm', 'keycloak-client-secrets', 'redis'],
        createdBy: "MOSIP's softhsm, postgres, redis, keycloak and partner-onboarder installs",
        source: `${esignetTag}:helm/esignet/values.yaml; ${esignetTag}:deploy/esignet/install.sh`,
      },
      service: { name: 'esignet', port: 80 },
      // Bitnami common labels name the pods after the chart; the container port is `springServicePort`.
      pods: {
        labels: { 'app.kubernetes.io/name': 'esignet' },
        port: { port: 8088, name: 'spring-service' },
        source: `${esignetTag}:helm/esignet/templates/deployment.yaml; ${esignetTag}:helm/esignet/values.yaml (springServicePort)`,
      },
      healthPath: '/v1/esignet/actuator/health',
      apiPathPrefix: '/v1/esignet',
      // The chart deploys no database; eSignet needs MOSIP's PostgreSQL (postgres-config).
      // The size is a project default, not an upstream figure.
      storage: { kind: 'postgres', size: '5Gi' },
      caveats: [
        `needs the ConfigMaps and Secrets that MOSIP's softhsm, postgres and redis installs create, plus an esignet-global ConfigMap and an authentication plugin (${esignetTag}:deploy/esignet/install.sh)`,
        `its cacerts init container runs as root from docker.io/openjdk:11-jre with imagePullPolicy Always, which Pod Security "restricted" rejects (${esignetTag}:helm/esignet/values.yaml)`,
      ],
    },
    externalProduct,
  ],
};
