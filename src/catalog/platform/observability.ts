import { ObservabilityEntry } from '../platform-types';

/** kube-prometheus-stack at its 88.5.3 release tag (2026-08-21). */
const kps = 'prometheus-community/helm-charts@ea930baeebeba39f56d6b44e351f23b2a072a600:charts/kube-prometheus-stack';
/** Loki's OSS chart moved to grafana-community; release tag loki-18.11.0 (2026-08-20). */
const loki = 'grafana-community/helm-charts@3386a1156177c6bcd7fdb1ad4c6b1dda094296e0:charts/loki';
/** Tempo's chart moved to grafana-community; release tag tempo-2.2.4 (2026-08-13). */
const tempo = 'grafana-community/helm-charts@7d2a00b35a277517aca7f815f7c84220e5dacf1e:charts/tempo';
/** Alloy's chart lives in the Alloy repository; tag helm-chart/1.11.1, published to grafana.github.io/helm-charts. */
const alloy = 'grafana/alloy@233907cff225ce253f812bdfc14138dac1fa0cd2:operations/helm/charts/alloy';

/** Service name and HTTP port of the log store (Loki's `fullnameOverride`, `loki.server.http_listen_port`). */
const logsService = 'logs';
const lokiHttpPort = 3100;

/**
 * A retention such as `15d` as a Go duration (`360h`): Tempo parses retention with Go's
 * time.ParseDuration, which has no day or week unit. Prometheus and Loki accept `d` as given.
 */
export function goDuration(retention: string): string {
  const match = /^(\d+)([smhdw])$/.exec(retention);
  if (!match) throw new Error(`not a retention such as 7d or 72h: ${retention}`);
  const n = Number(match[1]);
  switch (match[2]) {
    case 'd':
      return `${n * 24}h`;
    case 'w':
      return `${n * 24 * 7}h`;
    default:
      return retention;
  }
}

/** Alloy configuration: tail this node's pod log files and push them to the log store. */
function alloyConfig(logsUrl: string): string {
  return [
    'discovery.kubernetes "pods" {',
    '  role = "pod"',
    '  selectors {',
    '    role  = "pod"',
    '    field = "spec.nodeName=" + coalesce(sys.env("HOSTNAME"), constants.hostname)',
    '  }',
    '}',
    '',
    'discovery.relabel "pods" {',
    '  targets = discovery.kubernetes.pods.targets',
    '  rule {',
    '    source_labels = ["__meta_kubernetes_namespace"]',
    '    target_label  = "namespace"',
    '  }',
    '  rule {',
    '    source_labels = ["__meta_kubernetes_pod_name"]',
    '    target_label  = "pod"',
    '  }',
    '  rule {',
    '    source_labels = ["__meta_kubernetes_pod_container_name"]',
    '    target_label  = "container"',
    '  }',
    '  rule {',
    '    source_labels = ["__meta_kubernetes_pod_label_govstack_global_building_block"]',
    '    target_label  = "building_block"',
    '  }',
    '  rule {',
    '    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]',
    '    separator     = "/"',
    '    target_label  = "__path__"',
    '    replacement   = "/var/log/pods/*$1/*.log"',
    '  }',
    '}',
    '',
    'local.file_match "pods" {',
    '  path_targets = discovery.relabel.pods.output',
    '}',
    '',
    'loki.source.file "pods" {',
    '  targets    = local.file_match.pods.targets',
    '  forward_to = [loki.process.pods.receiver]',
    '}',
    '',
    'loki.process "pods" {',
    '  stage.cri {}',
    '  forward_to = [loki.write.store.receiver]',
    '}',
    '',
    'loki.write "store" {',
    '  endpoint {',
    `    url = "${logsUrl}/loki/api/v1/push"`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * Observability: metrics and alerts (kube-prometheus-stack), logs (Loki, collected by Grafana
 * Alloy) and traces (Tempo). Versions are each chart's newest release in its repository's
 * index or tags, read 2026-08.
 *
 * - kube-prometheus-stack 88.5.3 (Prometheus Operator v0.93.1) bundles Alertmanager and Grafana;
 *   its Grafana dependency is grafana 12.11.1 from https://grafana-community.github.io/helm-charts
 *   (Chart.yaml). CRDs at that tag: ServiceMonitor and PrometheusRule served at
 *   monitoring.coreos.com/v1, AlertmanagerConfig at v1alpha1 (charts/crds/crds/crd-*.yaml).
 * - Loki: `grafana/helm-charts`' `loki` chart is now described as "Grafana Enterprise Logs"
 *   (7.x); the OSS chart continues as grafana-community `loki` 18.11.0 (Loki 3.7.6). Monolithic
 *   mode with filesystem storage follows the chart's own CI values
 *   (ci/default-monolithic-filesystem-values.yaml); its Service is named by `loki.fullname`
 *   (templates/monolithic/service.yaml), so `fullnameOverride` fixes it.
 * - Tempo: `grafana/helm-charts`' `tempo` is deprecated since 2026-01-30 and migrated to
 *   grafana-community; `tempo` 2.2.4 (Tempo 2.10.8), single binary. Its Service exposes OTLP
 *   gRPC 4317 and HTTP 4318 (templates/_ports.tpl) and HTTP 3200.
 * - Grafana Alloy chart 1.11.1 (Alloy v1.18.1) from https://grafana.github.io/helm-charts
 *   (index.yaml at grafana/helm-charts gh-pages 970fce783fe06c7be65d1aebd3979097013a5676). The
 *   configuration follows Alloy's "collect logs in Kubernetes" guide
 *   (docs/sources/collect/logs-in-kubernetes.md): file tailing of `/var/log/pods` via the chart's
 *   `alloy.mounts.varlog`, restricted to pods on the same node (the chart sets HOSTNAME to
 *   spec.nodeName, templates/containers/_agent.yaml). Fluent Bit's chart in grafana/helm-charts
 *   is deprecated (2.6.0, 2023).
 */
export const observabilityCatalog: ObservabilityEntry = {
  metrics: {
    title: 'kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager, Grafana)',
    chart: { name: 'kube-prometheus-stack', version: '88.5.3', repository: 'https://prometheus-community.github.io/helm-charts' },
    appVersion: 'v0.93.1',
    source: `${kps}/Chart.yaml`,
    podLabels: { prometheus: { 'app.kubernetes.io/name': 'prometheus' }, alertmanager: { 'app.kubernetes.io/name': 'alertmanager' } },
    operatorWebhook: { port: 10250, name: 'https' },
    podSource: `${kps}/values.yaml (prometheusOperator.tls.internalPort); prometheus-operator/prometheus-operator@v0.93.1:pkg/prometheus/statefulset.go, pkg/alertmanager/statefulset.go (app.kubernetes.io/name)`,
    valuesFor: ({ retention }) => ({
      // node-exporter needs hostNetwork, hostPID and hostPath mounts, which only Pod Security
      // "privileged" admits; the stack's namespace stays "restricted" (values.yaml nodeExporter.enabled).
      nodeExporter: { enabled: false },
      alertmanager: {
        alertmanagerSpec: {
          // AlertmanagerConfig routes apply to alerts from every namespace, not only the
          // AlertmanagerConfig's own (values.yaml alertmanagerConfigMatcherStrategy).
          alertmanagerConfigMatcherStrategy: { type: 'None' },
        },
      },
      prometheus: {
        prometheusSpec: {
          ...(retention ? { retention } : {}),
          // Select the project's ServiceMonitors and PrometheusRules, not only the chart's own.
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
        },
      },
    }),
  },
  logs: {
    title: 'Grafana Loki (monolithic, filesystem storage)',
    chart: { name: 'loki', version: '18.11.0', repository: 'https://grafana-community.github.io/helm-charts' },
    appVersion: '3.7.6',
    source: `${loki}/Chart.yaml; ${loki}/ci/default-monolithic-filesystem-values.yaml`,
    serviceName: logsService,
    pushPort: lokiHttpPort,
    pushPath: '/loki/api/v1/push',
    valuesFor: ({ retention }) => ({
      deploymentMode: 'Monolithic',
      fullnameOverride: logsService,
      loki: {
        // A single tenant: no X-Scope-OrgID header needed.
        auth_enabled: false,
        commonConfig: { replication_factor: 1 },
        storage: { type: 'filesystem' },
        schemaConfig: {
          configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }],
        },
        ...(retention
          ? {
              limits_config: { retention_period: retention },
              compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
            }
          : {}),
      },
      singleBinary: { replicas: 1 },
      // Zero every other mode's components, as the chart's monolithic-values.yaml does.
      read: { replicas: 0 },
      write: { replicas: 0 },
      backend: { replicas: 0 },
      ingester: { replicas: 0 },
      querier: { replicas: 0 },
      queryFrontend: { replicas: 0 },
      queryScheduler: { replicas: 0 },
      distributor: { replicas: 0 },
      compactor: { replicas: 0 },
      indexGateway: { replicas: 0 },
      gateway: { enabled: false },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
      lokiCanary: { enabled: false },
      test: { enabled: false },
      minio: { enabled: false },
    }),
  },
  collector: {
    title: 'Grafana Alloy (node log collector)',
    chart: { name: 'alloy', version: '1.11.1', repository: 'https://grafana.github.io/helm-charts' },
    appVersion: 'v1.18.1',
    source: `${alloy}/Chart.yaml; https://grafana.github.io/helm-charts/index.yaml`,
    valuesFor: ({ logsUrl }) => {
      if (!logsUrl) throw new Error('the log collector needs the log store URL');
      return {
        controller: { type: 'daemonset' },
        alloy: {
          configMap: { create: true, content: alloyConfig(logsUrl) },
          mounts: { varlog: true },
        },
      };
    },
  },
  traces: {
    title: 'Grafana Tempo (single binary)',
    chart: { name: 'tempo', version: '2.2.4', repository: 'https://grafana-community.github.io/helm-charts' },
    appVersion: '2.10.8',
    source: `${tempo}/Chart.yaml; ${tempo}/values.yaml`,
    serviceName: 'traces',
    otlpGrpcPort: 4317,
    otlpHttpPort: 4318,
    valuesFor: ({ retention }) => ({
      fullnameOverride: 'traces',
      tempo: {
        ...(retention ? { retention: goDuration(retention) } : {}),
        // The chart leaves the container securityContext empty; Pod Security "restricted" needs
        // these. /var/tempo and /tmp are volumes (templates/statefulset.yaml), so the root
        // filesystem can be read-only.
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
      persistence: { enabled: true, size: '10Gi' },
    }),
  },
  crdApiVersions: {
    ServiceMonitor: 'monitoring.coreos.com/v1',
    PrometheusRule: 'monitoring.coreos.com/v1',
    AlertmanagerConfig: 'monitoring.coreos.com/v1alpha1',
  },
  sources: [
    `${kps}/Chart.yaml`,
    `${kps}/charts/crds/crds/crd-servicemonitors.yaml`,
    `${kps}/charts/crds/crds/crd-prometheusrules.yaml`,
    `${kps}/charts/crds/crds/crd-alertmanagerconfigs.yaml`,
    `${loki}/Chart.yaml`,
    `${tempo}/Chart.yaml`,
    `${alloy}/Chart.yaml`,
    'grafana/helm-charts@7a0ab968961a165318ab95ff678908c3b9bc3240:charts/tempo/README.md',
  ],
};
