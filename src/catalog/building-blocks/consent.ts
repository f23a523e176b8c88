import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-consent';
const commit = '3c28802f8fec13b10ef7010389d201dd31651929';
const api = apiDescriber(repo, commit);

/** iGrant.io's chart repository, read at the commit that published 2023.12.4. */
const chartRepo = 'decentralised-dataexchange/bb-consent-infrastructure@b68fe26cba5c656731e4d7e9e6c2131193e16077';
/** The API image the chart pins (`igrantio/bb-consent-api:2023.12.2`), read at that tag. */
const apiTag = 'decentralised-dataexchange/bb-consent-api@3244c884626471c1c4127c172760db5ccf179b8f';

/** Namespace the chart writes its objects to: `gs-` (the model's default prefix) + the building-block id. */
const namespace = 'gs-consent';
const prefix = 'govstack';

const apis = [
  api('api/consent-openapi.yaml', '3.0.0', '1.1.0-rc1', ['/audit', '/config', '/service'], {
    serverPath: '/apis/GovStack/consent-management-bb',
  }),
];

/**
 * Consent. Spec 1.0.0 (1.1.0 in development; `spec/1-version-history.md`). The API file is
 * info.version 1.1.0-rc1.
 *
 * The spec file's `servers[0].url` is `https://app.swaggerhub.com/apis/GovStack/consent-management-bb/`,
 * so the Mockoon mock serves every path under `/apis/GovStack/consent-management-bb`.
 *
 * iGrant.io's `consentbb` chart 2023.12.4 (the sandbox's version, govstack.md §1.3; newest entry
 * of `stable/index.yaml`): `helm repo add consentbb
 * https://decentralised-dataexchange.github.io/bb-consent-infrastructure/stable/` (README.md).
 * From its templates and values at that commit:
 * - every object is created in `.Values.namespace` and named `<namespace>-<prefix>-…`; the API
 *   Service is `<namespace>-<prefix>-api-svc`, port 80 (templates/api/svc.yaml). The values
 *   below assume the model's default namespace (`gs-consent`); another prefix needs them changed.
 * - it bundles MongoDB (`bitnami/mongodb:7.0`), PostgreSQL (`bitnami/postgresql:14.10.0`) and
 *   Keycloak (`bitnami/keycloak:22.0.2-debian-11-r0`), each PVC 10Gi with storageClassName
 *   `standard` by default (templates/mongo/pvc.yaml, templates/postgres/pvc.yaml, values.yaml).
 * - pod `securityContext` defaults to `runAsUser: 0` (values.yaml).
 * - database, Keycloak and admin credentials and the API secret key are chart values rendered
 *   into a ConfigMap (templates/api/configmap.yaml).
 * The API (image 2023.12.2) listens on :80 and mounts its routes under `/v2` unless TestMode is
 * set (internal/cmd/start_api.go); `GET /v2/service/organisation` needs no credentials
 * (internal/http_path/v2/routes.go).
 */
export const consent: BuildingBlockEntry = {
  id: 'consent',
  title: 'Consent',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.0.0' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: '/apis/GovStack/consent-management-bb/config/policies/',
    }),
    {
      kind: 'chart',
      id: 'igrant',
      title: 'iGrant.io Consent BB',
      source: `https://decentralised-dataexchange.github.io/bb-consent-infrastructure/stable/index.yaml; ${chartRepo}:Chart.yaml; ${chartRepo}:values.yaml; ${apiTag}:internal/cmd/start_api.go`,
      chart: {
        name: 'consentbb',
        version: '2023.12.4',
        repository: 'https://decentralised-dataexchange.github.io/bb-consent-infrastructure/stable/',
      },
      values: { namespace, prefix },
      podSecurity: {
        level: 'baseline',
        reason:
          'The consentbb chart gives every container the one securityContext value (default runAsUser 0) and no pod-level context, and its API and dashboards listen on port 80 in images built to run as root; ' +
          'nothing asks for host access or privilege, so Pod Security "baseline" admits it and "restricted" rejects every pod.',
        source: `${chartRepo}:values.yaml; ${chartRepo}:templates/api/deploy.yaml; ${chartRepo}:templates/mongo/deploy.yaml`,
      },
      // templates/mongo/pvc.yaml and templates/postgres/pvc.yaml: storageClassName {{ .Values.storageClassName }}
      // ("" renders no class, so the cluster default applies).
      storageClassKey: 'storageClassName',
      service: { name: `${namespace}-${prefix}-api-svc`, port: 80 },
      pods: { labels: { app: `${namespace}-api` }, port: { port: 80 }, source: `${chartRepo}:templates/api/deploy.yaml` },
      healthPath: '/v2/service/organisation',
      apiPathPrefix: '/v2',
      storage: { kind: 'mongodb', size: '10Gi' },
      caveats: [
        `writes every object to .Values.namespace, which must equal the release namespace (${chartRepo}:templates/api/deploy.yaml)`,
        `runs its pods as root by default (securityContext.runAsUser 0), which Pod Security "restricted" rejects (${chartRepo}:values.yaml)`,
        `takes database, Keycloak and admin passwords and the API secret as chart values and renders them into a ConfigMap, so they would appear in the Terraform output (${chartRepo}:templates/api/configmap.yaml)`,
        `its PVCs default to storageClassName "standard"; the project passes deployment.storageClass, or "" for the cluster default (${chartRepo}:values.yaml)`,
        `pulls images with imagePullPolicy Always (${chartRepo}:templates/api/deploy.yaml)`,
      ],
    },
    externalProduct,
  ],
};
