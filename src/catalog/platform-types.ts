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
    /** Gateway API release, e.g. `v1.6.1`. */
    readonly version: string;
    /** CRD channel (`standard` or `experimental`) the controller chart installs. */
    readonly channelInstalled: 'standard' | 'experimental';
    /** Where the release and channel were read: Envoy Gateway's compatibility matrix and the chart's CRDs. */
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
    /** Gateway API `Gateway`, e.g. `gateway.networking.k8s.io/v1`. */
    readonly Gateway: string;
    /** Gateway API `HTTPRoute`. */
    readonly HTTPRoute: string;
    /** Envoy Gateway `ClientTrafficPolicy` (TLS versions, timeouts). */
    readonly ClientTrafficPolicy: string;
    /** Envoy Gateway `BackendTrafficPolicy` (rate limit). */
    readonly BackendTrafficPolicy: string;
    /** Envoy Gateway `SecurityPolicy` (OIDC). */
    readonly SecurityPolicy: string;
    /** Envoy Gateway `EnvoyProxy` (proxy Deployment and Service settings). */
    readonly EnvoyProxy: string;
  };
  /** Policy fields the security defaults rely on, each checked in the pinned CRDs. */
  readonly features: readonly {
    /** `Kind spec.path` of the field, e.g. `BackendTrafficPolicy spec.rateLimit.local`. */
    readonly field: string;
    /** What the project uses it for, and any deprecation seen. */
    readonly note: string;
    /** The CRD file at the pinned version the field was found in. */
    readonly source: Source;
  }[];
  /** Listener ports of the project's Gateways. */
  readonly listenerPorts: {
    /** HTTPS listener port (443). */
    readonly https: number;
    /** HTTP listener port (80). */
    readonly http: number;
  };
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
    /** The controller chart's templates and Envoy Gateway's proxy code these were read from. */
    readonly source: Source;
  };
  /** Per cloud target, the proxy Service annotations that make a load balancer internal, and where each is documented. */
  readonly internalLoadBalancerAnnotations: Readonly<
    Record<
      'eks' | 'aks' | 'gke',
      {
        /** Annotation name to value, set on the internal proxy Service. */
        readonly annotations: Readonly<Record<string, string>>;
        /** The cloud's documentation page of the annotation. */
        readonly source: Source;
      }
    >
  >;
  /**
   * How the gateways limit requests per client address: the source ranges whose every address
   * gets its own bucket (local rate limit, `sourceCIDR` type `Distinct`), how many distinct
   * clients a listener tracks, and why no global rate-limit service is needed.
   */
  readonly rateLimiting: {
    /** Client address ranges, each with one bucket per address in it (IPv4 and IPv6 everything). */
    readonly clientCidrs: readonly string[];
    /** Distinct clients Envoy tracks per listener before it shares a bucket (Envoy Gateway's limit). */
    readonly maxTrackedClientsPerListener: number;
    /** The modes, their keys and the choice made. */
    readonly note: string;
    /** Envoy Gateway's release notes, CRD or code the note was read from. */
    readonly source: Source;
  };
  /** Every file or page the entry's facts were read from. */
  readonly sources: readonly Source[];
}

/** Ports of an X-Road security server. */
export interface SecurityServerPorts {
  /** Admin UI and REST API (4000), TLS. */
  readonly admin: number;
  /** Where client information systems send requests over plain HTTP (8080). */
  readonly clientHttp: number;
  /** The same over HTTPS (8443). */
  readonly clientHttps: number;
  /** Message exchange with other security servers (5500). */
  readonly messaging: number;
  /** OCSP responses served to other security servers (5577). */
  readonly ocsp: number;
  /** Health check endpoint (5588). */
  readonly health: number;
}

/** Ports of an X-Road central server. */
export interface CentralServerPorts {
  /** Admin UI and REST API (4000), TLS. */
  readonly admin: number;
  /** Registration service security servers send authentication certificate requests to (4001). */
  readonly registration: number;
  /** Management service for member and subsystem requests (4002). */
  readonly management: number;
  /** Global configuration distribution over HTTP (80), which security servers download. */
  readonly globalConf: number;
  /** The sandbox image's test CA: OCSP responder (8888). */
  readonly testCaOcsp: number;
  /** The sandbox image's test CA: timestamping authority (8899). */
  readonly testCaTsa: number;
}

/** The information mediator: X-Road. */
export interface MediatorEntry {
  /** Implementation name, e.g. "X-Road (NIIS)". */
  readonly implementation: string;
  /** X-Road release the images are pinned to. */
  readonly version: string;
  /** The admin REST API descriptions the project reads, and the X-Road version they declare. */
  readonly adminApi: {
    /** X-Road version the descriptions declare, e.g. `7.8.1`. */
    readonly version: string;
    /** Whether that version is released (false: read from the development branch). */
    readonly released: boolean;
    /** OpenAPI files in the X-Road repository. */
    readonly files: readonly string[];
    /** The repository commit the version was read at. */
    readonly source: Source;
  };
  /** The security server sidecar image one organisation runs. */
  readonly securityServer: {
    /** Full image: message log, operational and environmental monitoring included. */
    readonly image: ImageRef;
    /** Slim image: none of the three. */
    readonly slimImage: ImageRef;
    /** The ports its container listens on. */
    readonly ports: SecurityServerPorts;
    /** The health check the probes call. */
    readonly health: {
      /** Which of `ports` serves it (a key, so the number is written once). */
      readonly port: keyof SecurityServerPorts;
      /** HTTP path. */
      readonly path: string;
    };
    /** Memory the sidecar guide asks for, by image type. */
    readonly minimumMemory: {
      /** Full image, as a memory quantity (`4Gi`). */
      readonly full: string;
      /** Slim image, as a memory quantity (`3Gi`). */
      readonly slim: string;
    };
    /** The image starts its services with supervisord as root. */
    readonly runsAsRoot: boolean;
    /** NIIS's sidecar guide and build script, and the GovStack sandbox chart these were read from. */
    readonly source: Source;
  };
  /** The central server a self-contained instance runs (`mediator.centralServer`). */
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
    readonly image: ImageRef & {
      /** Whether the tag was traced to an NIIS source (false: used by the sandbox only, flagged in the audit). */
      readonly verified: boolean;
    };
    /** The ports its container listens on. */
    readonly ports: CentralServerPorts;
    /** The health check the probes call. */
    readonly health: {
      /** Which of `ports` serves it (a key, so the number is written once). */
      readonly port: keyof CentralServerPorts;
      /** HTTP path. */
      readonly path: string;
    };
    /** Where the image, its ports and its health check were read (NIIS sources and the GovStack sandbox chart). */
    readonly source: Source;
  };
  /** External database for the servers. */
  readonly database: {
    /** PostgreSQL image. */
    readonly image: ImageRef;
    /** PostgreSQL major version X-Road supports, e.g. 16; the image's tag must match it. */
    readonly majorVersion: number;
    /** Port the database listens on (the security server connects to it). */
    readonly port: number;
    /** The sidecar guide and the image's version list. */
    readonly source: Source;
  };
  /** Runtime of the chart's reconcile Job and document server (their scripts need Node.js 20 or later and nothing else). */
  readonly reconcileRuntime: {
    /** Node.js image. */
    readonly image: ImageRef;
    /** The registry page of the image. */
    readonly source: Source;
  };
  /** Default requests and limits per server. */
  readonly resources: ResourceProfile;
  /** X-Road Metrics (operational data collector); absent as a deployable chart, see `note`. */
  readonly metrics: {
    /** Always false: no public pinned image or chart exists. */
    readonly deployable: false;
    /** Why, and what was found. */
    readonly note: string;
    /** The vendor chart files read. */
    readonly source: Source;
  };
  /** Every file the entry's facts were read from. */
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
  /** Human name, e.g. "Loki". */
  readonly title: string;
  /** The pinned upstream chart. */
  readonly chart: HelmChartRef;
  /** Version of the software the chart installs. */
  readonly appVersion: string;
  /** Values for the chart: the project's settings plus the options given. */
  readonly valuesFor: (options: ObservabilityValuesOptions) => Record<string, unknown>;
  /** The chart's `Chart.yaml` and values at the pinned version. */
  readonly source: Source;
}

/** The observability stack: upstream charts for metrics, logs, log collection and traces. */
export interface ObservabilityEntry {
  /** kube-prometheus-stack: Prometheus Operator, Prometheus, Alertmanager, Grafana, kube-state-metrics. */
  readonly metrics: ObservabilityComponent & {
    /** Labels the Prometheus Operator puts on the Pods it runs, by kind. */
    readonly podLabels: {
      /** Labels of the Prometheus Pods. */
      readonly prometheus: Readonly<Record<string, string>>;
      /** Labels of the Alertmanager Pods. */
      readonly alertmanager: Readonly<Record<string, string>>;
    };
    /** The operator's admission webhook (PrometheusRule validation), called by the API server. */
    readonly operatorWebhook: PodPort;
    /** The Prometheus Operator code the Pod labels and webhook port were read from. */
    readonly podSource: Source;
  };
  /** Log store. */
  readonly logs: ObservabilityComponent & {
    /** Service name of the log store in the observability namespace. */
    readonly serviceName: string;
    /** Port of its push API. */
    readonly pushPort: number;
    /** HTTP path of its push API, `/loki/api/v1/push`. */
    readonly pushPath: string;
  };
  /** Node log collector (DaemonSet) shipping container logs to the log store. */
  readonly collector: ObservabilityComponent;
  /** Trace store. */
  readonly traces: ObservabilityComponent & {
    /** Service name of the trace store in the observability namespace. */
    readonly serviceName: string;
    /** OTLP gRPC receiver port (4317). */
    readonly otlpGrpcPort: number;
    /** OTLP HTTP receiver port (4318). */
    readonly otlpHttpPort: number;
    /** Port of the query API Grafana reads traces from. */
    readonly queryPort: number;
  };
  /** Host and port of Slack's incoming webhooks (`https://hooks.slack.com/services/…`), where a Slack receiver delivers. */
  readonly slackWebhook: {
    /** Host name, `hooks.slack.com`. */
    readonly host: string;
    /** HTTPS port, 443. */
    readonly port: number;
    /** Slack's documentation of incoming webhooks. */
    readonly source: Source;
  };
  /** apiVersion of the operator kinds the project renders itself, by kind. */
  readonly crdApiVersions: {
    /** `ServiceMonitor` (scrape targets). */
    readonly ServiceMonitor: string;
    /** `PrometheusRule` (alert rules). */
    readonly PrometheusRule: string;
    /** `AlertmanagerConfig` (receivers and routes). */
    readonly AlertmanagerConfig: string;
  };
  /** Every chart and page the entry's facts were read from. */
  readonly sources: readonly Source[];
}
