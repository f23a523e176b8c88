import { BuildingBlockEntry, ProductOption } from '../catalog/types';
import { ChartSources, DocumentSources, UpstreamComponent, Environment, Exposure, FlowRoute, OverrideControl, PodSecurityLevel, Resources, SizeProfile, StateBackend, Target } from '../blueprint/types';
import { SourceFile } from '../blueprint/load';
import { Problem, SourceLocation } from '../blueprint/problems';
import type { ApiDocument } from './service-descriptions';
import { Connection } from './connections/types';

/**
 * The single source of truth every output reads: Terraform, audit, diagram, diff and the
 * mediator configuration. Built once per blueprint by `resolveModel`; nothing downstream
 * re-reads YAML or recomputes a fact held here.
 */
export interface DeploymentModel {
  readonly name: string;
  readonly country: string;
  readonly environment: Environment;
  readonly description?: string;
  readonly target: Target;
  /** Address ranges of the cluster itself (`target.network`, default the RFC 1918 private ranges). */
  readonly network: { readonly apiServerCidrs: readonly string[]; readonly nodeCidrs: readonly string[] };
  readonly state: StateBackend;
  /** State key derived from country, environment and name: one state per deployment. */
  readonly stateKey: string;
  readonly organisations: readonly ModelOrganisation[];
  readonly mediator: ModelMediator;
  /** Enabled building blocks, sorted by id. */
  readonly buildingBlocks: readonly ModelBuildingBlock[];
  /** Every declared flow, sorted by consumer then provider. */
  readonly flows: readonly Flow[];
  readonly gateway: ModelGateway;
  readonly observability: ModelObservability;
  /**
   * Every connection the deployment allows (src/model/connections): NetworkPolicies are
   * rendered from it, the audit compares them with it, the diagram draws it.
   */
  readonly connections: readonly Connection[];
  /** Security defaults relaxed by the blueprint, each with its justification. */
  readonly overrides: readonly AppliedOverride[];
  readonly deployment: {
    readonly waits: boolean;
    /** Components whose releases are applied without waiting, each with the blueprint's reason. */
    readonly noWaitFor: readonly { readonly component: string; readonly reason: string; readonly pointer: string }[];
    readonly timeoutSeconds: number;
    readonly storageClass?: string;
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

export interface ModelOrganisation {
  readonly name: string;
  readonly title: string;
  readonly memberClass: string;
  readonly memberCode: string;
  /** Name of this organisation's security server, when it runs in this deployment. */
  readonly securityServer?: string;
}

export interface ModelMediator {
  readonly instance: string;
  readonly memberClasses: readonly string[];
  readonly centralServer: boolean;
  readonly namespace: string;
  readonly securityServers: readonly { readonly name: string; readonly organisation: string }[];
  readonly podSecurity: PodSecurityLevel;
  /** Why the level is below restricted, when it is. */
  readonly podSecurityJustification?: string;
}

export interface ModelBuildingBlock {
  readonly id: string;
  readonly entry: BuildingBlockEntry;
  readonly product: ProductOption;
  /** Image tag or chart version after any blueprint override; empty for external products. */
  readonly version: string;
  readonly owner: ModelOrganisation;
  readonly namespace: string;
  readonly replicas: number;
  readonly resources: Resources;
  readonly exposure: Exposure;
  /** Fully qualified host name on the gateway, when exposed. */
  readonly host?: string;
  /** Port of the Service consumers reach (the generic chart's, or the upstream chart's). */
  readonly servicePort: number;
  readonly serviceName: string;
  readonly podSecurity: PodSecurityLevel;
  /** Why the namespace enforces less than "restricted": the blueprint's override, or the chart product's catalog fact. */
  readonly podSecurityJustification?: string;
  readonly runAsRoot: boolean;
  /** The blueprint's reason for running as root, when it does. */
  readonly runAsRootJustification?: string;
  /** Egress beyond the cluster: the product's own needs and justified overrides, each with its reason. */
  readonly egress: readonly { readonly name: string; readonly cidrs: readonly string[]; readonly ports: readonly number[]; readonly reason: string }[];
  /** Documents carried into the cluster for the product (ConfigMap key → content), when `deployment.documents.source` is `bundled`. */
  readonly documents?: Readonly<Record<string, string>>;
  /** Where its security server loads each of its OpenAPI documents (service descriptions); empty for an external product. */
  readonly apiDocuments: readonly ApiDocument[];
  /** JSON pointer of this block in the blueprint. */
  readonly pointer: string;
}

/** A declared call from one building block to another. */
export interface Flow {
  readonly from: string;
  readonly to: string;
  readonly via: FlowRoute;
  readonly pointer: string;
}

export interface GatewayRoute {
  readonly buildingBlock: string;
  readonly gateway: 'external' | 'internal';
  readonly host: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly servicePort: number;
}

export interface ModelGateway {
  /** The controller's namespace, and one namespace per gateway so each is isolated on its own. */
  readonly namespaces: { readonly controller: string; readonly external: string; readonly internal: string };
  readonly domains: { readonly external: string; readonly internal: string };
  readonly tls: { readonly clusterIssuer?: string; readonly certificateSecret?: string };
  readonly tlsMinVersion: '1.2' | '1.3';
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly clientSecretName: string };
  readonly rateLimit: { readonly requests: number; readonly unit: 'Second' | 'Minute' | 'Hour' };
  /** Annotations on the internal gateway's proxy Service that keep its load balancer private (the cloud's, or the blueprint's). */
  readonly internalLoadBalancerAnnotations: Readonly<Record<string, string>>;
  readonly routes: readonly GatewayRoute[];
  readonly podSecurity: PodSecurityLevel;
}

export interface ModelObservability {
  readonly enabled: boolean;
  readonly namespace: string;
  /** The node log collector's own namespace (privileged, so kept apart). */
  readonly collectorNamespace: string;
  readonly retention: { readonly metrics: string; readonly logs: string; readonly traces: string };
  /** Size profile the components' requests, limits and volumes scale with. */
  readonly size: SizeProfile;
  /** Alert receivers; credentials only by Secret reference. */
  readonly receivers: readonly {
    readonly name: string;
    readonly type: string;
    readonly secretName: string;
    readonly secretKey: string;
    readonly email?: { readonly to: string; readonly from: string; readonly smarthost: string; readonly username?: string };
    readonly channel?: string;
    /** Where Alertmanager delivers: addresses and port. */
    readonly deliversTo: { readonly cidrs: readonly string[]; readonly port: number };
    readonly pointer: string;
  }[];
  readonly podSecurity: PodSecurityLevel;
}

export interface AppliedOverride {
  readonly control: OverrideControl;
  readonly target: string;
  readonly value: string | number | boolean;
  readonly justification: string;
  readonly pointer: string;
}

/** Platform components an override may target besides building blocks. */
export const platformComponents = ['gateway', 'mediator', 'observability'] as const;
