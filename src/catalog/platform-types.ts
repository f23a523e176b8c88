/**
 * Catalog facts for the platform components every deployment shares: the API gateway, the
 * information mediator (X-Road) and the observability stack. Like the building-block
 * entries, each fact carries the source it was read from.
 */
import { SizeProfile } from '../blueprint/types';
import { HelmChartRef, ImageRef, PodPort, ResourceProfile, Source } from './types';

/** The Kubernetes Gateway API implementation the gateway charts are written for. */
export interface GatewayEntry {
  /** Implementation, e.g. "Envoy Gateway v1.9.0". */
  readonly implementation: string;
  /** Controller chart (CRDs included). */
  readonly chart: HelmChartRef;
  /** Values the project always passes to the controller chart. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Gateway API release the implementation is built against, and the CRD channel its chart installs. */
  readonly gatewayApi: {
    readonly version: string;
    readonly channelInstalled: 'standard' | 'experimental';
    readonly source: Source;
  };
  /** Kubernetes minor versions the implementation release supports. */
  readonly kubernetesVersions: readonly string[];
  /** GatewayClass the project's charts create. */
  readonly gatewayClassName: string;
  /** `spec.controllerName` of that GatewayClass. */
  readonly controllerName: string;
  /** apiVersion of every kind the project's charts render, by kind. */
  readonly apiVersions: {
    readonly Gateway: string;
    readonly HTTPRoute: string;
    readonly ClientTrafficPolicy: string;
    readonly BackendTrafficPolicy: string;
    readonly SecurityPolicy: string;
    readonly EnvoyProxy: string;
  };
  /** Policy fields the security defaults rely on, each checked in the pinned CRDs. */
  readonly features: readonly { readonly field: string; readonly note: string; readonly source: Source }[];
  /** Listener ports of the project's Gateways. */
  readonly listenerPorts: { readonly https: number; readonly http: number };
  /** Where Envoy Gateway's Pods listen: what NetworkPolicies must open (never a Service port). */
  readonly pods: {
    /** Labels Envoy Gateway puts on every proxy Pod it runs for a Gateway. */
    readonly proxyLabels: Readonly<Record<string, string>>;
    /** The proxy's HTTPS listener: listener port + 10000 when the port is privileged (443 → 10443). */
    readonly proxyHttps: PodPort;
    /** The proxy's HTTP listener (80 → 10080). */
    readonly proxyHttp: PodPort;
    /** The proxy's Prometheus stats (`/stats/prometheus`). */
    readonly proxyStats: PodPort;
    /** The controller's xDS server, which every proxy dials. */
    readonly xds: PodPort;
    /** The controller's admission webhook (topology injector), called by the API server. */
    readonly webhook: PodPort;
    readonly source: Source;
  };
  /** Per cloud target, the proxy Service annotations that make a load balancer internal, and where each is documented. */
  readonly internalLoadBalancerAnnotations: Readonly<Record<'eks' | 'aks' | 'gke', { readonly annotations: Readonly<Record<string, string>>; readonly source: Source }>>;
  /**
   * How the gateways limit requests per client address: the source ranges whose every address
   * gets its own bucket (local rate limit, `sourceCIDR` type `Distinct`), how many distinct
   * clients a listener tracks, and why no global rate-limit service is needed.
   */
  readonly rateLimiting: {
    readonly clientCidrs: readonly string[];
    readonly maxTrackedClientsPerListener: number;
    readonly note: string;
    readonly source: Source;
  };
  readonly sources: readonly Source[];
}

/** Ports of an X-Road security server. */
export interface SecurityServerPorts {
  readonly admin: number;
  readonly clientHttp: number;
  readonly clientHttps: number;
  readonly messaging: number;
  readonly ocsp: number;
  readonly health: number;
}

/** Ports of an X-Road central server. */
export interface CentralServerPorts {
  readonly admin: number;
  readonly registration: number;
  readonly management: number;
  readonly globalConf: number;
  readonly testCaOcsp: number;
  readonly testCaTsa: number;
}

/** The information mediator: X-Road. */
export interface MediatorEntry {
  readonly implementation: string;
  /** X-Road release the images are pinned to. */
  readonly version: string;
  /** The admin REST API descriptions the project reads, and the X-Road version they declare. */
  readonly adminApi: {
    readonly version: string;
    readonly released: boolean;
    readonly files: readonly string[];
    readonly source: Source;
  };
  readonly securityServer: {
    /** Full image: message log, operational and environmental monitoring included. */
    readonly image: ImageRef;
    /** Slim image: none of the three. */
    readonly slimImage: ImageRef;
    readonly ports: SecurityServerPorts;
    readonly health: { readonly port: number; readonly path: string };
    /** Memory the sidecar guide asks for, by image type. */
    readonly minimumMemory: { readonly full: string; readonly slim: string };
    /** The image starts its services with supervisord as root. */
    readonly runsAsRoot: boolean;
    readonly source: Source;
  };
  readonly centralServer: {
    /** Whether NIIS publishes a production container image of the central server. */
    readonly officialImage: false;
    /** What exists instead, and where that was read. */
    readonly note: string;
    /** The image GovStack's sandbox built on (X-Road 7.2.2): older than `version`, shown for reference only. */
    readonly sandboxBaseImage: ImageRef;
    /**
     * The image a self-contained (sandbox) instance runs, the only place its tag is written;
     * `verified` says whether the tag could be checked against NIIS's own sources.
     */
    readonly image: ImageRef & { readonly verified: boolean };
    readonly ports: CentralServerPorts;
    readonly health: { readonly port: number; readonly path: string };
    readonly source: Source;
  };
  /** External database for the servers. */
  readonly database: { readonly image: ImageRef; readonly majorVersion: number; readonly source: Source };
  /** Runtime of the chart's reconcile Job (its script needs Node.js 20 or later and nothing else). */
  readonly reconcileRuntime: { readonly image: ImageRef; readonly source: Source };
  /** Default requests and limits per server. */
  readonly resources: ResourceProfile;
  /** X-Road Metrics (operational data collector); absent as a deployable chart, see `note`. */
  readonly metrics: { readonly deployable: false; readonly note: string; readonly source: Source };
  readonly sources: readonly Source[];
}

/** Options the observability constructs pass when rendering a component's chart values. */
export interface ObservabilityValuesOptions {
  /** Retention such as `15d` or `72h`. */
  readonly retention?: string;
  /** Base URL of the log store, e.g. `http://logs.<ns>.svc.cluster.local:3100`. */
  readonly logsUrl?: string;
  /** Base URL of the trace store's query API, e.g. `http://traces.<ns>.svc.cluster.local:3200`. */
  readonly tracesUrl?: string;
  /** Size profile requests, limits and volumes scale with. @default 'small' */
  readonly size?: SizeProfile;
  /** StorageClass of the stores' volumes. @default - the cluster's default class */
  readonly storageClass?: string;
}

/** One upstream chart of the observability stack. */
export interface ObservabilityComponent {
  readonly title: string;
  readonly chart: HelmChartRef;
  /** Version of the software the chart installs. */
  readonly appVersion: string;
  /** Values for the chart: the project's settings plus the options given. */
  readonly valuesFor: (options: ObservabilityValuesOptions) => Record<string, unknown>;
  readonly source: Source;
}

export interface ObservabilityEntry {
  /** kube-prometheus-stack: Prometheus Operator, Prometheus, Alertmanager, Grafana, kube-state-metrics. */
  readonly metrics: ObservabilityComponent & {
    /** Labels the Prometheus Operator puts on the Pods it runs, by kind. */
    readonly podLabels: { readonly prometheus: Readonly<Record<string, string>>; readonly alertmanager: Readonly<Record<string, string>> };
    /** The operator's admission webhook (PrometheusRule validation), called by the API server. */
    readonly operatorWebhook: PodPort;
    readonly podSource: Source;
  };
  /** Log store. */
  readonly logs: ObservabilityComponent & { readonly serviceName: string; readonly pushPort: number; readonly pushPath: string };
  /** Node log collector (DaemonSet) shipping container logs to the log store. */
  readonly collector: ObservabilityComponent;
  /** Trace store. */
  readonly traces: ObservabilityComponent & {
    readonly serviceName: string;
    readonly otlpGrpcPort: number;
    readonly otlpHttpPort: number;
    /** Port of the query API Grafana reads traces from. */
    readonly queryPort: number;
  };
  /** Host and port of Slack's incoming webhooks (`https://hooks.slack.com/services/…`), where a Slack receiver delivers. */
  readonly slackWebhook: { readonly host: string; readonly port: number; readonly source: Source };
  /** apiVersion of the operator kinds the project renders itself, by kind. */
  readonly crdApiVersions: {
    readonly ServiceMonitor: string;
    readonly PrometheusRule: string;
    readonly AlertmanagerConfig: string;
  };
  readonly sources: readonly Source[];
}
