import { SizeProfile } from '../../blueprint/types';
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

/** Multiple of the `small` figures for each size profile (as for building blocks). */
const sizeScale: Record<SizeProfile, number> = { small: 1, medium: 2, large: 4 };

/** `cpu` in millicores and `memory` in MiB, requests and limits, for the `small` profile. */
interface Sizing {
  readonly requests: readonly [cpuMillis: number, memoryMiB: number];
  readonly limits: readonly [cpuMillis: number, memoryMiB: number];
}

/** Requests and limits scaled by the size profile, as Kubernetes quantities. */
export function scaledResources(sizing: Sizing, size: SizeProfile = 'small') {
  const k = sizeScale[size];
  const q = ([cpu, mem]: readonly [number, number]) => ({ cpu: `${cpu * k}m`, memory: `${mem * k}Mi` });
  return { requests: q(sizing.requests), limits: q(sizing.limits) };
}

/**
 * Requests and limits of every container the observability charts run, for the `small`
 * profile. Where the chart or the project documents a figure, it is the one used:
 * - Prometheus: 400Mi memory request (kube-prometheus-stack values.yaml, prometheusSpec.resources example);
 * - Prometheus Operator: 100m/100Mi requests, 200m/200Mi limits (values.yaml prometheusOperator.resources example);
 * - config reloader: 200m/50Mi (values.yaml prometheusConfigReloader.resources example);
 * - Grafana: 512 MB memory and one CPU as the minimum hardware (Grafana's installation requirements),
 *   so the limit is 1 CPU / 512Mi.
 * Other figures are the project's, sized for a sandbox-scale deployment and raised by the profile.
 */
export const observabilitySizing = {
  prometheus: { requests: [200, 400], limits: [1000, 2048] },
  prometheusOperator: { requests: [100, 100], limits: [200, 200] },
  configReloader: { requests: [200, 50], limits: [200, 50] },
  admissionPatch: { requests: [50, 64], limits: [100, 128] },
  alertmanager: { requests: [50, 64], limits: [200, 256] },
  grafana: { requests: [100, 256], limits: [1000, 512] },
  grafanaSidecar: { requests: [50, 64], limits: [100, 128] },
  kubeStateMetrics: { requests: [50, 128], limits: [200, 256] },
  loki: { requests: [200, 512], limits: [1000, 1536] },
  lokiSidecar: { requests: [50, 64], limits: [100, 128] },
  tempo: { requests: [100, 256], limits: [1000, 1024] },
  alloy: { requests: [50, 128], limits: [500, 512] },
  alloyReloader: { requests: [10, 32], limits: [50, 64] },
} satisfies Record<string, Sizing>;

/**
 * Data the stores keep per day for the `small` profile (scaled like resources), the basis of
 * their volume sizes: Prometheus needs retention × ingested samples/s × 1–2 bytes per sample
 * (Prometheus docs, "Storage: operational aspects"); 2 000 samples/s at 2 bytes is about
 * 0.35 GiB a day. Logs and traces: 1 GiB and 0.5 GiB a day, the project's assumption.
 */
const dailyGiB = { metrics: 0.35, logs: 1, traces: 0.5 };

/** Days in a retention such as `15d`, `2w` or `72h`. */
export function retentionDays(retention: string): number {
  const match = /^(\d+)([smhdw])$/.exec(retention);
  if (!match) throw new Error(`not a retention such as 7d or 72h: ${retention}`);
  const seconds = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return (Number(match[1]) * seconds) / 86400;
}

/** Volume size for a store: retention × daily volume × profile, plus 25 % headroom, at least 2Gi. */
export function volumeGiB(store: keyof typeof dailyGiB, retention: string, size: SizeProfile = 'small'): number {
  return Math.max(2, Math.ceil(retentionDays(retention) * dailyGiB[store] * sizeScale[size] * 1.25));
}

/** A PersistentVolumeClaim spec for an operator-managed store (storageSpec / storage). */
function claimTemplate(sizeGiB: number, storageClass: string | undefined) {
  return {
    volumeClaimTemplate: {
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: `${sizeGiB}Gi` } },
        ...(storageClass ? { storageClassName: storageClass } : {}),
      },
    },
  };
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
 * Grafana data sources besides the chart's own Prometheus and Alertmanager: Loki (a log line's
 * trace id links to Tempo) and Tempo (a span links to its logs in Loki). Provisioned by the
 * grafana chart's datasource file (kube-prometheus-stack values.yaml grafana.additionalDataSources).
 */
function grafanaDataSources(logsUrl: string, tracesUrl: string) {
  return [
    {
      name: 'Loki',
      uid: 'loki',
      type: 'loki',
      access: 'proxy',
      url: logsUrl,
      jsonData: {
        derivedFields: [
          {
            name: 'TraceID',
            matcherType: 'regex',
            matcherRegex: '(?:trace_?id|traceparent)["=: ]+(?:00-)?([0-9a-f]{32})',
            url: '$${__value.raw}',
            datasourceUid: 'tempo',
          },
        ],
      },
    },
    {
      name: 'Tempo',
      uid: 'tempo',
      type: 'tempo',
      access: 'proxy',
      url: tracesUrl,
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: 'loki',
          spanStartTimeShift: '-5m',
          spanEndTimeShift: '5m',
          filterByTraceID: true,
          customQuery: false,
        },
        serviceMap: { datasourceUid: 'prometheus' },
        lokiSearch: { datasourceUid: 'loki' },
      },
    },
  ];
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
    valuesFor: ({ retention = '15d', size, storageClass, logsUrl, tracesUrl }) => {
      const r = (k: keyof typeof observabilitySizing) => scaledResources(observabilitySizing[k], size);
      const metricsGiB = volumeGiB('metrics', retention, size);
      return {
        // node-exporter needs hostNetwork, hostPID and hostPath mounts, which only Pod Security
        // "privileged" admits; the stack's namespace stays "restricted" (values.yaml nodeExporter.enabled).
        nodeExporter: { enabled: false },
        prometheusOperator: {
          resources: r('prometheusOperator'),
          prometheusConfigReloader: { resources: r('configReloader') },
          admissionWebhooks: { patch: { resources: r('admissionPatch') } },
        },
        'kube-state-metrics': { resources: r('kubeStateMetrics') },
        alertmanager: {
          alertmanagerSpec: {
            // AlertmanagerConfig routes apply to alerts from every namespace, not only the
            // AlertmanagerConfig's own (values.yaml alertmanagerConfigMatcherStrategy).
            alertmanagerConfigMatcherStrategy: { type: 'None' },
            resources: r('alertmanager'),
            // Silences and the notification log survive restarts (a few MiB).
            storage: claimTemplate(1, storageClass),
          },
        },
        prometheus: {
          prometheusSpec: {
            retention,
            // Prometheus drops the oldest blocks before the volume fills (80 % of it).
            retentionSize: `${Math.floor(metricsGiB * 0.8)}GB`,
            storageSpec: claimTemplate(metricsGiB, storageClass),
            resources: r('prometheus'),
            // Select the project's ServiceMonitors and PrometheusRules, not only the chart's own.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
          },
        },
        grafana: {
          // No adminPassword: the grafana chart generates one in-cluster (randAlphaNum 40, kept
          // across upgrades by lookup; templates/_helpers.tpl grafana.password) into Secret
          // "<release>-grafana", key admin-password. It never passes through Terraform.
          resources: r('grafana'),
          sidecar: { resources: r('grafanaSidecar') },
          ...(logsUrl && tracesUrl ? { additionalDataSources: grafanaDataSources(logsUrl, tracesUrl) } : {}),
        },
      };
    },
  },
  logs: {
    title: 'Grafana Loki (monolithic, filesystem storage)',
    chart: { name: 'loki', version: '18.11.0', repository: 'https://grafana-community.github.io/helm-charts' },
    appVersion: '3.7.6',
    source: `${loki}/Chart.yaml; ${loki}/ci/default-monolithic-filesystem-values.yaml`,
    serviceName: logsService,
    pushPort: lokiHttpPort,
    pushPath: '/loki/api/v1/push',
    valuesFor: ({ retention = '7d', size, storageClass }) => ({
      deploymentMode: 'Monolithic',
      fullnameOverride: logsService,
      loki: {
        // A single tenant: no X-Scope-OrgID header needed.
        auth_enabled: false,
        commonConfig: { replication_factor: 1 },
        storage: { type: 'filesystem' },
        schemaConfig: {
          configs: [
            {
              from: '2024-04-01',
              store: 'tsdb',
              object_store: 'filesystem',
              schema: 'v13',
              index: { prefix: 'loki_index_', period: '24h' },
            },
          ],
        },
        ...(retention
          ? {
              limits_config: { retention_period: retention },
              compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
            }
          : {}),
      },
      singleBinary: {
        replicas: 1,
        resources: scaledResources(observabilitySizing.loki, size),
        persistence: { enabled: true, size: `${volumeGiB('logs', retention, size)}Gi`, ...(storageClass ? { storageClass } : {}) },
      },
      // The rules sidecar runs beside Loki in the same pod.
      sidecar: { resources: scaledResources(observabilitySizing.lokiSidecar, size) },
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
    valuesFor: ({ logsUrl, size }) => {
      if (!logsUrl) throw new Error('the log collector needs the log store URL');
      return {
        controller: { type: 'daemonset' },
        alloy: {
          configMap: { create: true, content: alloyConfig(logsUrl) },
          mounts: { varlog: true },
          resources: scaledResources(observabilitySizing.alloy, size),
        },
        configReloader: { resources: scaledResources(observabilitySizing.alloyReloader, size) },
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
    queryPort: 3200,
    valuesFor: ({ retention = '3d', size, storageClass }) => ({
      fullnameOverride: 'traces',
      tempo: {
        retention: goDuration(retention),
        resources: scaledResources(observabilitySizing.tempo, size),
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
      persistence: {
        enabled: true,
        size: `${volumeGiB('traces', retention, size)}Gi`,
        ...(storageClass ? { storageClassName: storageClass } : {}),
      },
    }),
  },
  slackWebhook: { host: 'hooks.slack.com', port: 443, source: 'https://api.slack.com/messaging/webhooks' },
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
