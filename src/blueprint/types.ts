/**
 * The typed form of a country blueprint after overlays are merged and the schema has
 * accepted it. Field documentation lives in the JSON Schema (`schema.ts`), which is the
 * single description users see in their editor and in `blueprints/blueprint.schema.json`.
 */
import type { CustomBuildingBlockDecl } from './custom-blocks';
import type { CustomProductDecl } from './custom-products';

export type Environment = 'dev' | 'test' | 'staging' | 'prod';
export type Exposure = 'external' | 'internal' | 'none';
export type FlowRoute = 'mediator' | 'direct';
export type SizeProfile = 'small' | 'medium' | 'large';
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Address ranges of the cluster itself; each defaults to the RFC 1918 private ranges. */
export interface TargetNetwork {
  readonly apiServerCidrs?: readonly string[];
  readonly nodeCidrs?: readonly string[];
}

export type Target = { readonly kubernetesVersion?: string } & (
  | { readonly kind: 'kubeconfig'; readonly path: string; readonly context?: string }
  | { readonly kind: 'eks'; readonly clusterName: string; readonly region: string; readonly endpoint?: string; readonly roleArn?: string }
  | { readonly kind: 'aks'; readonly clusterName: string; readonly resourceGroup: string; readonly endpoint?: string }
  | { readonly kind: 'gke'; readonly clusterName: string; readonly location: string; readonly project: string; readonly endpoint?: string }
) & { readonly network?: TargetNetwork };

/** OpenTofu client-side state and plan encryption. */
export interface StateEncryption {
  readonly keyProvider: 'pbkdf2';
  readonly migrate?: boolean;
  /** Key generation the state is encrypted with (1 or more); names the key provider, see `encryptionKeyName`. @default 1 */
  readonly generation?: number;
  /** Key rotation: generation - 1's passphrase decrypts, this generation's encrypts (see state-backend.ts). */
  readonly rotate?: boolean;
}

export type StateBackend = { readonly encryption?: StateEncryption } & (
  | { readonly backend: 'local'; readonly path?: string }
  | { readonly backend: 's3'; readonly bucket: string; readonly region: string; readonly dynamodbTable?: string; readonly kmsKeyId?: string }
  | { readonly backend: 'gcs'; readonly bucket: string; readonly kmsEncryptionKey?: string }
  | { readonly backend: 'azurerm'; readonly storageAccountName: string; readonly containerName: string; readonly resourceGroupName: string }
  | { readonly backend: 'pg'; readonly schemaName?: string }
  | { readonly backend: 'kubernetes'; readonly namespace?: string }
);

export interface Organisation {
  readonly name: string;
  readonly title?: string;
  readonly class: string;
  readonly code: string;
}

export interface FlowDecl {
  readonly to: string;
  readonly via?: FlowRoute;
}

export interface BuildingBlockDecl {
  readonly enabled?: boolean;
  readonly product?: string;
  readonly version?: string;
  readonly owner: string;
  readonly size?: SizeProfile;
  readonly replicas?: number;
  readonly resources?: Resources;
  readonly exposure?: Exposure;
  readonly hostname?: string;
  readonly consumes?: readonly FlowDecl[];
}

export interface Blueprint {
  readonly extends?: readonly string[];
  readonly metadata: {
    readonly name: string;
    readonly country: string;
    readonly environment: Environment;
    readonly description?: string;
    readonly namespacePrefix?: string;
  };
  readonly target: Target;
  readonly state: StateBackend;
  readonly mediator: {
    readonly instance: string;
    readonly memberClasses: readonly string[];
    readonly organisations: readonly Organisation[];
    readonly centralServer?: boolean;
  };
  readonly buildingBlocks: Readonly<Record<string, BuildingBlockDecl>>;
  /** The country's own building blocks, by id (see `CustomBuildingBlockDecl`). */
  readonly customBuildingBlocks?: Readonly<Record<string, CustomBuildingBlockDecl>>;
  /**
   * The country's own product options for catalog building blocks, by block id, then product
   * id (not one of the block's catalog product ids); `buildingBlocks.<id>.product` chooses one
   * (see `CustomProductDecl`).
   */
  readonly customProducts?: Readonly<Record<string, Readonly<Record<string, CustomProductDecl>>>>;
  readonly gateway: {
    readonly domains: { readonly external: string; readonly internal: string };
    readonly tls: { readonly clusterIssuer?: string; readonly certificateSecret?: string };
    readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly clientSecretName: string };
    readonly rateLimit?: { readonly requests: number; readonly unit: 'Second' | 'Minute' | 'Hour' };
    readonly internalLoadBalancerAnnotations?: Readonly<Record<string, string>>;
  };
  readonly observability?: {
    readonly enabled?: boolean;
    readonly size?: SizeProfile;
    readonly retention?: { readonly metrics?: string; readonly logs?: string; readonly traces?: string };
    readonly alertReceivers?: readonly {
      readonly name: string;
      readonly type: 'email' | 'slack' | 'webhook' | 'msteams';
      readonly secretRef: { readonly name: string; readonly key: string };
      readonly email?: { readonly to: string; readonly from: string; readonly smarthost: string; readonly username?: string };
      /** Where Alertmanager delivers (SMTP server or webhook endpoint). */
      readonly deliversTo?: { readonly cidrs: readonly string[]; readonly port?: number };
      readonly channel?: string;
    }[];
  };
  readonly security?: {
    readonly overrides?: readonly SecurityOverride[];
  };
  readonly deployment?: {
    readonly waits?: boolean;
    readonly noWaitFor?: readonly NoWait[];
    readonly timeoutSeconds?: number;
    readonly storageClass?: string;
    readonly charts?: ChartSources;
    readonly preinstalled?: readonly UpstreamComponent[];
    readonly documents?: DocumentSources;
  };
}

/** A component whose releases the apply does not wait for, and why. */
export interface NoWait {
  /** An enabled building block id, or gateway, mediator or observability. */
  readonly component: string;
  /** Why its workloads are not expected to become ready during the apply. */
  readonly reason: string;
}

/** Platform components installed from upstream charts, which a cluster may already run. */
export const upstreamComponents = ['gateway-controller', 'metrics', 'logs', 'traces', 'log-collector'] as const;
export type UpstreamComponent = (typeof upstreamComponents)[number];

export type OverrideControl = 'pod-security' | 'run-as-root' | 'min-replicas' | 'egress' | 'tls-min-version' | 'mediator-client-auth';

export interface SecurityOverride {
  readonly control: OverrideControl;
  readonly target: string;
  readonly value: string | number | boolean;
  readonly justification: string;
}

/**
 * Where documents a component loads from GovStack's repositories come from (a mock's OpenAPI
 * document or Mockoon environment, the mediator's service descriptions):
 * - `upstream` (default): `https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<file>`;
 * - `mirror`: `<mirror>/<owner>/<repo>/<commit>/<file>` (a mirror keeps raw.githubusercontent.com's layout);
 * - `bundled`: read at synth time from the first `bundle` folder holding `<building-block id>/<file>`
 *   and carried into the cluster (a ConfigMap), so nothing is fetched at start-up (air-gapped sites).
 */
export interface DocumentSources {
  readonly source: 'upstream' | 'mirror' | 'bundled';
  readonly mirror?: string;
  readonly bundle?: readonly string[];
}

/** Where chart archives come from; upstream by default, or a mirror for air-gapped sites. */
export interface ChartSources {
  readonly mirror?: string;
  readonly localDir?: string;
}
