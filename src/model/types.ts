import { BuildingBlockEntry, ProductOption } from '../catalog/types';
import {
  Blueprint,
  ChartSources,
  DocumentSources,
  UpstreamComponent,
  Environment,
  Exposure,
  FlowRoute,
  OverrideControl,
  PodSecurityLevel,
  Resources,
  SizeProfile,
  StateBackend,
  Target,
} from '../blueprint/types';
import { SourceFile } from '../blueprint/load';
import { Problem, SourceLocation } from '../blueprint/problems';
import type { ApiDocument } from './service-descriptions';
import { Connection } from './connections/types';
import type { ModelCompliance } from './compliance';

/**
 * The single source of truth every output reads: Terraform, audit, diagram, diff and the
 * mediator configuration. Built once per blueprint by `resolveModel`; nothing downstream
 * re-reads YAML or recomputes a fact held here.
 */
export interface DeploymentModel {
  /** Deployment name (`metadata.name`), a DNS label; also the Terraform stack name. */
  readonly name: string;
  /** ISO 3166-1 alpha-2 country code (`metadata.country`), e.g. `KE`. */
  readonly country: string;
  /** Environment kind (`metadata.environment`). */
  readonly environment: Environment;
  /** Free text about the deployment (`metadata.description`); undefined when the blueprint gives none. */
  readonly description?: string;
  /** The cluster to deploy to, as the blueprint declares it. */
  readonly target: Target;
  /** Address ranges of the cluster itself (`target.network`, default the RFC 1918 private ranges). */
  readonly network: {
    /** IPv4 CIDRs the Kubernetes API server is reached at and calls webhooks from. */
    readonly apiServerCidrs: readonly string[];
    /** IPv4 CIDRs of the nodes, where kubelets serve metrics. */
    readonly nodeCidrs: readonly string[];
  };
  /** The Terraform state backend, as the blueprint declares it. */
  readonly state: StateBackend;
  /** State key derived from country, environment and name: one state per deployment. */
  readonly stateKey: string;
  /** Every declared X-Road member, in blueprint order, with its security server when it runs one here. */
  readonly organisations: readonly ModelOrganisation[];
  /** The information mediator (X-Road) instance. */
  readonly mediator: ModelMediator;
  /** Enabled building blocks, sorted by id. */
  readonly buildingBlocks: readonly ModelBuildingBlock[];
  /** Every declared flow, sorted by consumer then provider. */
  readonly flows: readonly Flow[];
  /** The external and internal API gateways and their routes. */
  readonly gateway: ModelGateway;
  /** The observability stack (metrics, logs, traces, alerts). */
  readonly observability: ModelObservability;
  /** GovStack's compliance runner (`compliance:`): its namespace and edges exist only when enabled. */
  readonly compliance: ModelCompliance;
  /**
   * Every connection the deployment allows (src/model/connections): NetworkPolicies are
   * rendered from it, the audit compares them with it, the diagram draws it.
   */
  readonly connections: readonly Connection[];
  /** Security defaults relaxed by the blueprint, each with its justification. */
  readonly overrides: readonly AppliedOverride[];
  /** How the apply runs (`deployment`), every default filled in. */
  readonly deployment: {
    /** Whether releases wait for their rollouts on apply (default true). */
    readonly waits: boolean;
    /** Components whose releases are applied without waiting, each with the blueprint's reason. */
    readonly noWaitFor: readonly {
      /** A building block id, or `gateway`, `mediator` or `observability`. */
      readonly component: string;
      /** Why its workloads are not expected to become ready during the apply; shown in the audit. */
      readonly reason: string;
      /** JSON pointer of the entry in the blueprint, e.g. `/deployment/noWaitFor/0`. */
      readonly pointer: string;
    }[];
    /** Per-release apply timeout in seconds (default 900). */
    readonly timeoutSeconds: number;
    /** StorageClass of persistent volumes; undefined means the cluster default. */
    readonly storageClass?: string;
    /** Chart mirror or local folder; empty means each chart's upstream repository. */
    readonly charts: ChartSources;
    /** Upstream platform components the cluster already runs; not installed by the stack. */
    readonly preinstalled: readonly UpstreamComponent[];
    /** Where documents fetched from GovStack's repositories come from (`upstream` unless the blueprint says otherwise). */
    readonly documents: DocumentSources;
  };
  /** Files read (entry first) and their sha256. */
  readonly sources: readonly SourceFile[];
  /** Where the value at a blueprint JSON pointer was declared. */
  locate(pointer: string): SourceLocation;
  /** The loader's warnings (risky in this environment, or taken away by an overlay); see blueprint/warnings.ts. */
  readonly warnings?: readonly Problem[];
}

/** An X-Road member organisation, resolved from `mediator.organisations[]`. */
export interface ModelOrganisation {
  /** Organisation id (a DNS label), referenced by building blocks' `owner`. */
  readonly name: string;
  /** Display name and X-Road member name (the blueprint's `title`, default the name). */
  readonly title: string;
  /** X-Road member class, one of the instance's `memberClasses`, e.g. `GOV`. */
  readonly memberClass: string;
  /** X-Road member code, unique within its class. */
  readonly memberCode: string;
  /** Name of this organisation's security server, when it runs in this deployment. */
  readonly securityServer?: string;
}

/** The information mediator (X-Road) instance, resolved from `mediator`. */
export interface ModelMediator {
  /** X-Road instance identifier. */
  readonly instance: string;
  /** Member classes the instance defines. */
  readonly memberClasses: readonly string[];
  /** Whether a central server runs here for a self-contained instance (default true). */
  readonly centralServer: boolean;
  /** Namespace of the X-Road servers, `<prefix>mediator`. */
  readonly namespace: string;
  /** One security server per organisation that owns a deployed (non-external) building block, in blueprint order. */
  readonly securityServers: readonly {
    /** Server name: the organisation name, shortened with a stable hash suffix beyond the chart's 30 characters. */
    readonly name: string;
    /** Name of the organisation it serves. */
    readonly organisation: string;
  }[];
  /** Pod Security level of the mediator namespace: `baseline` while the catalog's X-Road image runs as root, or the blueprint's override. */
  readonly podSecurity: PodSecurityLevel;
  /** Why the level is below restricted, when it is. */
  readonly podSecurityJustification?: string;
}

/** One enabled building block with every default resolved: what the constructs deploy. */
export interface ModelBuildingBlock {
  /** Building block id, e.g. `identity` (a catalog id, or the country's own). */
  readonly id: string;
  /** Its catalog entry (for a custom block, the entry built from its declaration). */
  readonly entry: BuildingBlockEntry;
  /** The chosen product option (the blueprint's `product`, default the entry's first). */
  readonly product: ProductOption;
  /** Image tag or chart version after any blueprint override; empty for external products. */
  readonly version: string;
  /** The organisation that owns it; its X-Road subsystem is registered under this member. */
  readonly owner: ModelOrganisation;
  /** Its own namespace, `<prefix><id>`. */
  readonly namespace: string;
  /** Pod replicas: the blueprint's, or the size profile's (small 1, medium 2, large 3). */
  readonly replicas: number;
  /** Container requests and limits: the blueprint's, or the catalog profile scaled by size. */
  readonly resources: Resources;
  /** Which gateway routes it (default `none`). */
  readonly exposure: Exposure;
  /** Fully qualified host name on the gateway, when exposed. */
  readonly host?: string;
  /** Port of the Service consumers reach (the generic chart's, or the upstream chart's). */
  readonly servicePort: number;
  /** Name of the Service consumers reach: the building block id, or the upstream chart's Service name. */
  readonly serviceName: string;
  /** Pod Security level enforced on its namespace (`restricted` unless justified). */
  readonly podSecurity: PodSecurityLevel;
  /** Why the namespace enforces less than "restricted": the blueprint's override, or the chart product's catalog fact. */
  readonly podSecurityJustification?: string;
  /** Whether the containers may run as root (only with a `run-as-root` override). */
  readonly runAsRoot: boolean;
  /** The blueprint's reason for running as root, when it does. */
  readonly runAsRootJustification?: string;
  /** Egress beyond the cluster: the product's own needs and justified overrides, each with its reason. */
  readonly egress: readonly {
    /** Name of the NetworkPolicy rule, a DNS label. */
    readonly name: string;
    /** IPv4 CIDRs allowed. */
    readonly cidrs: readonly string[];
    /** TCP ports allowed. */
    readonly ports: readonly number[];
    /** Why the egress is needed; shown in the audit. */
    readonly reason: string;
  }[];
  /** Documents carried into the cluster for the product (ConfigMap key → content), when `deployment.documents.source` is `bundled`. */
  readonly documents?: Readonly<Record<string, string>>;
  /**
   * Where the mock's init container reads each document it merges into the environment it
   * serves (https URLs, or paths under the mounted `documents`), in serving order; absent for a
   * product that serves no documents.
   */
  readonly servedDocuments?: readonly string[];
  /** Where its security server loads each of its OpenAPI documents (service descriptions); empty for an external product. */
  readonly apiDocuments: readonly ApiDocument[];
  /** JSON pointer of this block in the blueprint. */
  readonly pointer: string;
}

/** A declared call from one building block to another. */
export interface Flow {
  /** Id of the calling building block. */
  readonly from: string;
  /** Id of the called building block. */
  readonly to: string;
  /** Through the information mediator or directly (the blueprint's `via`, default `mediator`). */
  readonly via: FlowRoute;
  /** JSON pointer of the `consumes` entry in the blueprint. */
  readonly pointer: string;
}

/** One building block exposed through a gateway: an HTTPRoute from its host to its Service. */
export interface GatewayRoute {
  /** Id of the exposed building block. */
  readonly buildingBlock: string;
  /** Which gateway serves it. */
  readonly gateway: 'external' | 'internal';
  /** Fully qualified host name, `<hostname>.<gateway domain>`. */
  readonly host: string;
  /** Namespace of the backend Service. */
  readonly namespace: string;
  /** Name of the backend Service. */
  readonly serviceName: string;
  /** Port of the backend Service. */
  readonly servicePort: number;
}

/** The external and internal API gateways (Kubernetes Gateway API, Envoy Gateway), resolved from `gateway`. */
export interface ModelGateway {
  /** The controller's namespace, and one namespace per gateway so each is isolated on its own. */
  readonly namespaces: {
    /** Envoy Gateway controller, `<prefix>gateway`. */
    readonly controller: string;
    /** External gateway's proxies, `<prefix>gateway-external`. */
    readonly external: string;
    /** Internal gateway's proxies, `<prefix>gateway-internal`. */
    readonly internal: string;
  };
  /** DNS domains of the two gateways, as the blueprint declares them. */
  readonly domains: Blueprint['gateway']['domains'];
  /** Where the gateway certificates come from (exactly one of the two), as the blueprint declares it. */
  readonly tls: Blueprint['gateway']['tls'];
  /** Minimum TLS version the listeners accept: 1.3, or 1.2 with a `tls-min-version` override. */
  readonly tlsMinVersion: '1.2' | '1.3';
  /** OpenID Connect login in front of the external gateway; undefined when none. */
  readonly oidc?: {
    /** Issuer URL of the OpenID provider. */
    readonly issuer: string;
    /** OAuth2 client id. */
    readonly clientId: string;
    /** Secret holding the client secret in key `client-secret`. */
    readonly clientSecretName: string;
  };
  /** Per-route rate limit of each proxy (default 100 requests per second). */
  readonly rateLimit: {
    /** Requests allowed per unit. */
    readonly requests: number;
    /** The unit of time. */
    readonly unit: 'Second' | 'Minute' | 'Hour';
  };
  /** Annotations on the internal gateway's proxy Service that keep its load balancer private (the cloud's, or the blueprint's). */
  readonly internalLoadBalancerAnnotations: Readonly<Record<string, string>>;
  /** One route per exposed building block, sorted by building block id. */
  readonly routes: readonly GatewayRoute[];
  /** Pod Security level of the gateway namespaces (`restricted` unless overridden). */
  readonly podSecurity: PodSecurityLevel;
}

/** The observability stack, resolved from `observability`. */
export interface ModelObservability {
  /** Whether it is deployed (default true). */
  readonly enabled: boolean;
  /** Namespace of Prometheus, Loki, Tempo, Grafana and Alertmanager, `<prefix>observability`. */
  readonly namespace: string;
  /** The node log collector's own namespace (privileged, so kept apart). */
  readonly collectorNamespace: string;
  /** Retention per store, as `<n>h`, `<n>d` or `<n>w`. */
  readonly retention: {
    /** Prometheus metrics (default `15d`). */
    readonly metrics: string;
    /** Loki logs (default `7d`). */
    readonly logs: string;
    /** Tempo traces (default `3d`). */
    readonly traces: string;
  };
  /** Size profile the components' requests, limits and volumes scale with. */
  readonly size: SizeProfile;
  /** Alert receivers; credentials only by Secret reference. */
  readonly receivers: readonly {
    /** Receiver name in the Alertmanager configuration. */
    readonly name: string;
    /** Delivery channel: `email`, `slack`, `webhook` or `msteams`. */
    readonly type: string;
    /** Secret (in the observability namespace) holding the credential. */
    readonly secretName: string;
    /** Key of that Secret. */
    readonly secretKey: string;
    /** E-mail settings, for type `email`. */
    readonly email?: {
      /** Recipient address. */
      readonly to: string;
      /** Sender address. */
      readonly from: string;
      /** SMTP server as `host:port`. */
      readonly smarthost: string;
      /** SMTP login; undefined means no authentication. */
      readonly username?: string;
    };
    /** Slack channel, for type `slack`. */
    readonly channel?: string;
    /** Where Alertmanager delivers: addresses and port. */
    readonly deliversTo: {
      /** IPv4 CIDRs its egress opens to (default any address). */
      readonly cidrs: readonly string[];
      /** TCP port (default the smarthost's for e-mail, 443 otherwise). */
      readonly port: number;
    };
    /** JSON pointer of the receiver in the blueprint. */
    readonly pointer: string;
  }[];
  /** Pod Security level of the observability namespace (`restricted` unless overridden). */
  readonly podSecurity: PodSecurityLevel;
}

/** A security default the blueprint relaxed (`security.overrides[]`), reported as waived in the audit. */
export interface AppliedOverride {
  /** The relaxed control. */
  readonly control: OverrideControl;
  /** A building block id, or `gateway`, `mediator` or `observability`. */
  readonly target: string;
  /** The relaxed value (see `SecurityOverride.value`). */
  readonly value: string | number | boolean;
  /** Why the default is relaxed (20 to 2000 characters). */
  readonly justification: string;
  /** JSON pointer of the override in the blueprint. */
  readonly pointer: string;
}

/** Platform components an override may target besides building blocks. */
export const platformComponents = ['gateway', 'mediator', 'observability'] as const;
