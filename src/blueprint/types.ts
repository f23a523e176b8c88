/**
 * The typed form of a country blueprint after overlays are merged and the schema has
 * accepted it. Field documentation lives in the JSON Schema (`schema.ts`), which is the
 * single description users see in their editor and in `blueprints/blueprint.schema.json`;
 * the property comments below are copied from it by `npm run types:docs`
 * (scripts/blueprint-type-docs.ts) and a unit test fails when they differ: edit the schema,
 * not these comments. Each property must sit on a line of its own for its comment.
 */
import type { CustomBuildingBlockDecl } from './custom-blocks';
import type { CustomProductDecl } from './custom-products';

/** Kind of environment (`metadata.environment`); `prod` tightens the sizing and replica defaults. */
export type Environment = 'dev' | 'test' | 'staging' | 'prod';
/** Which gateway routes a building block: the external one, the internal one, or none (cluster-internal only). */
export type Exposure = 'external' | 'internal' | 'none';
/** How a flow travels: through the information mediator (X-Road) or directly, pod to pod. */
export type FlowRoute = 'mediator' | 'direct';
/** Sizing profile: small (1 replica, catalog resources), medium (2, twice), large (3, four times). */
export type SizeProfile = 'small' | 'medium' | 'large';
/** Kubernetes Pod Security Standard enforced on a namespace; `restricted` unless an override or the catalog justifies less. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Container CPU and memory requests and limits, as Kubernetes quantities. */
export interface Resources {
  /** What the scheduler reserves per container. */
  readonly requests: {
    /** CPU quantity such as `250m`, `1` or `0.5`; a number is fine. */
    readonly cpu: string;
    /** Memory quantity such as `256Mi` or `1Gi`; a plain number is bytes. */
    readonly memory: string;
  };
  /** The most a container may use: CPU is throttled, memory beyond it is killed. */
  readonly limits: {
    /** CPU quantity such as `250m`, `1` or `0.5`; a number is fine. */
    readonly cpu: string;
    /** Memory quantity such as `256Mi` or `1Gi`; a plain number is bytes. */
    readonly memory: string;
  };
}

/** Address ranges of the cluster itself; each defaults to the RFC 1918 private ranges. */
export interface TargetNetwork {
  /** Addresses the Kubernetes API server is reached at (and calls admission webhooks from). Default: the RFC 1918 private ranges. */
  readonly apiServerCidrs?: readonly string[];
  /** Addresses of the nodes, where kubelets serve metrics. Default: the RFC 1918 private ranges. */
  readonly nodeCidrs?: readonly string[];
}

/** The cluster to deploy to (`target`): one variant per `kind`, plus the fields all variants share. */
export type Target = {
  /** Kubernetes minor version the cluster runs, e.g. "1.35"; checked against the range the pinned Envoy Gateway supports. */
  readonly kubernetesVersion?: string;
  /** Address ranges of the cluster itself, so NetworkPolicies open the Kubernetes API and the kubelets to exactly them. */
  readonly network?: TargetNetwork;
} & (
  | {
      /** How the cluster is reached: kubeconfig (a file, any cluster), or eks, aks, gke (the cloud's exec credential plugin). */
      readonly kind: 'kubeconfig';
      /** Path of the kubeconfig file (any cluster, on-prem included). */
      readonly path: string;
      /** Context to use; the file's current context when omitted. */
      readonly context?: string;
    }
  | {
      /** How the cluster is reached: kubeconfig (a file, any cluster), or eks, aks, gke (the cloud's exec credential plugin). */
      readonly kind: 'eks';
      /** Name of the EKS cluster, passed to `aws eks get-token`. */
      readonly clusterName: string;
      /** AWS region of the cluster, e.g. `eu-west-1`. */
      readonly region: string;
      /** API server URL, the default of the Terraform variable `cluster_endpoint`; when omitted that variable must be set at plan time. */
      readonly endpoint?: string;
      /** IAM role assumed for the cluster token (`aws eks get-token --role-arn`); default: the caller's own credentials. */
      readonly roleArn?: string;
    }
  | {
      /** How the cluster is reached: kubeconfig (a file, any cluster), or eks, aks, gke (the cloud's exec credential plugin). */
      readonly kind: 'aks';
      /** Name of the AKS cluster, as the `cluster_endpoint` variable describes it (the token comes from kubelogin). */
      readonly clusterName: string;
      /** Azure resource group holding the cluster. */
      readonly resourceGroup: string;
      /** API server URL, the default of the Terraform variable `cluster_endpoint`; when omitted that variable must be set at plan time. */
      readonly endpoint?: string;
    }
  | {
      /** How the cluster is reached: kubeconfig (a file, any cluster), or eks, aks, gke (the cloud's exec credential plugin). */
      readonly kind: 'gke';
      /** Name of the GKE cluster, as the `cluster_endpoint` variable describes it (the token comes from gke-gcloud-auth-plugin). */
      readonly clusterName: string;
      /** GCP region or zone of the cluster, e.g. `europe-west1` or `europe-west1-b`. */
      readonly location: string;
      /** GCP project id the cluster belongs to. */
      readonly project: string;
      /** API server URL, the default of the Terraform variable `cluster_endpoint`; when omitted that variable must be set at plan time. */
      readonly endpoint?: string;
    }
);

/** OpenTofu client-side state and plan encryption. */
export interface StateEncryption {
  /**
   * pbkdf2: a key derived from a passphrase of 16 or more characters, given at run time as the Terraform variable
   * `state_encryption_passphrase` (e.g. TF_VAR_state_encryption_passphrase); never in the blueprint.
   */
  readonly keyProvider: 'pbkdf2';
  /**
   * Read an existing unencrypted state once and write it encrypted (default false: unencrypted state is refused). Set it for the first
   * apply after turning encryption on, then remove it.
   */
  readonly migrate?: boolean;
  /**
   * Which passphrase generation encrypts the state (default 1). OpenTofu files the key under a name per generation (1: govstack, n:
   * govstack_n), so a state opens only under the generation that wrote it. Raise it by one together with rotate to move to a new
   * passphrase, and keep the raised value afterwards.
   */
  readonly generation?: number;
  /**
   * Move to a new passphrase in one apply: raise generation by one and set rotate; the old passphrase, given as the Terraform variable
   * `state_encryption_previous_passphrase`, decrypts the existing state (generation - 1) and the new one, `state_encryption_passphrase`,
   * encrypts it. Then remove rotate and the old passphrase and keep generation. Not together with migrate.
   */
  readonly rotate?: boolean;
}

/** The Terraform state backend (`state`): one variant per `backend`, each optionally encrypted client-side. */
export type StateBackend = {
  /** OpenTofu (1.7 or later) state and plan encryption, client-side, on top of the backend's own encryption at rest. */
  readonly encryption?: StateEncryption;
} & (
  | {
      /** Terraform backend kind; its credentials come from the environment at run time, never from the blueprint. */
      readonly backend: 'local';
      /** State file path, relative to the working directory (default `terraform.govstack.<country>.<environment>.<name>.tfstate`). */
      readonly path?: string;
    }
  | {
      /** Terraform backend kind; its credentials come from the environment at run time, never from the blueprint. */
      readonly backend: 's3';
      /** Existing S3 bucket; the state object is written server-side encrypted. */
      readonly bucket: string;
      /** AWS region of the bucket. */
      readonly region: string;
      /** DynamoDB table that locks the state during an apply (default: no lock table). */
      readonly dynamodbTable?: string;
      /** KMS key (id or ARN) encrypting the state object (default: the bucket's S3-managed key). */
      readonly kmsKeyId?: string;
    }
  | {
      /** Terraform backend kind; its credentials come from the environment at run time, never from the blueprint. */
      readonly backend: 'gcs';
      /** Existing Cloud Storage bucket. */
      readonly bucket: string;
      /** Cloud KMS key encrypting the state (default: Google-managed encryption). */
      readonly kmsEncryptionKey?: string;
    }
  | {
      /** Terraform backend kind; its credentials come from the environment at run time, never from the blueprint. */
      readonly backend: 'azurerm';
      /** Existing Azure storage account. */
      readonly storageAccountName: string;
      /** Blob container in that account holding the state. */
      readonly containerName: string;
      /** Resource group of the storage account. */
      readonly resourceGroupName: string;
    }
  | {
      /** Terraform backend kind; its credentials come from the environment at run time, never from the blueprint. */
      readonly backend: 'pg';
      /**
       * PostgreSQL schema holding the state (default `govstack_` + the state key with every run of other characters as `_`:
       * `govstack_govstack_<country>_<environment>_<name>`); the connection string comes from `PG_CONN_STR`.
       */
      readonly schemaName?: string;
    }
  | {
      /** Terraform backend kind; its credentials come from the environment at run time, never from the blueprint. */
      readonly backend: 'kubernetes';
      /** Namespace of the Secret holding the state (default `kube-system`). */
      readonly namespace?: string;
    }
);

/** An X-Road member organisation (`mediator.organisations[]`). */
export interface Organisation {
  /** Organisation id, referenced by a building block's `owner`; names its security server. */
  readonly name: string;
  /** Display name, the X-Road member name (default: the name). */
  readonly title?: string;
  /** X-Road member class, e.g. GOV, COM, ORG. */
  readonly class: string;
  /**
   * X-Road member code (e.g. a registry number): letters, digits, "." and "-", inside X-Road 7.8's strict identifier characters
   * (StrictIdentifierValidator: letters, digits and '()+,-.=?).
   */
  readonly code: string;
}

/** One call a building block makes to another (`consumes[]`). */
export interface FlowDecl {
  /** Id of the building block called, a catalog or custom one enabled in this blueprint. */
  readonly to: string;
  /** Through the information mediator (default) or directly when co-located. */
  readonly via?: FlowRoute;
}

/** How one catalog building block is deployed (`buildingBlocks.<id>`). */
export interface BuildingBlockDecl {
  /** Deploy this building block (default true). */
  readonly enabled?: boolean;
  /**
   * Which product implements the building block: one of the catalog's options (default: the first listed, the catalog's recommended one) or
   * one declared under customProducts.<block id>.
   */
  readonly product?: string;
  /** Override the catalog's pinned image tag or chart version. */
  readonly version?: string;
  /** The organisation (from mediator.organisations) that owns this building block. */
  readonly owner: string;
  /** Size profile for replicas and resources (default small; prod: medium). */
  readonly size?: SizeProfile;
  /** Pod replicas (default: the size profile's, small 1, medium 2, large 3). */
  readonly replicas?: number;
  /** CPU and memory requests and limits per container (default: the catalog's profile scaled by size). */
  readonly resources?: Resources;
  /** Route through the external gateway, the internal one, or none (default none). */
  readonly exposure?: Exposure;
  /** Host label under the gateway domain (default: the building block id). */
  readonly hostname?: string;
  /** Building blocks this one calls. Each becomes a NetworkPolicy allow and, via the mediator, an access right. */
  readonly consumes?: readonly FlowDecl[];
}

/** A country blueprint: the object a YAML blueprint file holds, or that code passes to `loadBlueprintObject`. */
export interface Blueprint {
  /** Base blueprints (paths relative to this file) merged first, in order; this file wins. */
  readonly extends?: readonly string[];
  /** What this deployment is: its name, country and environment; together they key the Terraform state. */
  readonly metadata: {
    /** Deployment name; also the Terraform stack name. */
    readonly name: string;
    /** ISO 3166-1 alpha-2 country code. */
    readonly country: string;
    /** Environment kind; prod defaults building blocks to size medium and requires 2 or more replicas of each. */
    readonly environment: Environment;
    /** Free text about this deployment, shown in the audit report. */
    readonly description?: string;
    /** Prefix of every namespace (default `gs-`). */
    readonly namespacePrefix?: string;
  };
  /**
   * The Kubernetes cluster to deploy to. Synth never calls a cloud API: cloud targets use the provider's exec credential plugin at apply
   * time.
   */
  readonly target: Target;
  /** Where Terraform keeps this deployment's state. The key is derived from country, environment and name. */
  readonly state: StateBackend;
  /** The information mediator (X-Road) instance: one security server per organisation. */
  readonly mediator: {
    /** X-Road instance identifier. */
    readonly instance: string;
    /** X-Road member classes the instance defines, e.g. `[GOV, COM]`. */
    readonly memberClasses: readonly string[];
    /** X-Road members: each owns building blocks and runs one security server. */
    readonly organisations: readonly Organisation[];
    /** Run a central server too, for a self-contained X-Road instance (default true). */
    readonly centralServer?: boolean;
  };
  /**
   * Building blocks by id: consent, digital-registries, emarketplace, esignature, gis, identity, information-mediator, messaging, payments,
   * registration, scheduler, workflow.
   */
  readonly buildingBlocks: Readonly<Record<string, BuildingBlockDecl>>;
  /** The country's own building blocks by id (not a catalog id), deployed like catalog ones. */
  readonly customBuildingBlocks?: Readonly<Record<string, CustomBuildingBlockDecl>>;
  /**
   * The country's own product options for catalog building blocks (a national payment switch as payments), by block id, then product id.
   */
  readonly customProducts?: Readonly<Record<string, Readonly<Record<string, CustomProductDecl>>>>;
  /** Segregated external and internal API gateways (Kubernetes Gateway API). */
  readonly gateway: {
    /** DNS domains under which building blocks are exposed. */
    readonly domains: {
      /** DNS domain of the external (public) gateway; exposed building blocks are `<hostname>.<external>`. */
      readonly external: string;
      /** DNS domain of the internal gateway, reachable only on private addresses. */
      readonly internal: string;
    };
    /** Exactly one of clusterIssuer or certificateSecret. */
    readonly tls: {
      /** cert-manager ClusterIssuer that issues the gateway certificates. */
      readonly clusterIssuer?: string;
      /** Existing TLS Secret in the gateway namespace. */
      readonly certificateSecret?: string;
    };
    /** OpenID Connect login in front of the external gateway (default: none). */
    readonly oidc?: {
      /** Issuer URL of the OpenID provider (its discovery document is read). */
      readonly issuer: string;
      /** OAuth2 client id registered at the provider. */
      readonly clientId: string;
      /** Existing Secret in the external gateway's namespace holding the client secret in key `client-secret`. */
      readonly clientSecretName: string;
    };
    /** Per-route rate limit applied by each gateway proxy (default 100 requests per second). */
    readonly rateLimit?: {
      /** Requests allowed per unit of time. */
      readonly requests: number;
      /** The unit of time `requests` counts over. */
      readonly unit: 'Second' | 'Minute' | 'Hour';
    };
    /**
     * Annotations that make the internal gateway's load balancer private on this cluster. EKS, AKS and GKE get their cloud's annotation by
     * default; on a kubeconfig target (e.g. MetalLB) name them here.
     */
    readonly internalLoadBalancerAnnotations?: Readonly<Record<string, string>>;
  };
  /** Metrics (Prometheus), logs (Loki), traces (Tempo), dashboards (Grafana) and alerts (Alertmanager) for every component. */
  readonly observability?: {
    /** Deploy metrics, logs, traces, dashboards and alerts (default true). */
    readonly enabled?: boolean;
    /**
     * Size profile of the observability components: requests, limits and volume sizes scale with it (default small; medium doubles, large
     * quadruples).
     */
    readonly size?: SizeProfile;
    /** How long each store keeps data, `<n>h`, `<n>d` or `<n>w`. */
    readonly retention?: {
      /** How long Prometheus keeps metrics (default `15d`); sizes its volume. */
      readonly metrics?: string;
      /** How long Loki keeps logs (default `7d`); sizes its volume. */
      readonly logs?: string;
      /** How long Tempo keeps traces (default `3d`); sizes its volume. */
      readonly traces?: string;
    };
    /** Where Alertmanager sends alerts (default: none, alerts are only shown in Grafana and Alertmanager). */
    readonly alertReceivers?: readonly {
      /** Receiver name in the Alertmanager configuration. */
      readonly name: string;
      /** Delivery channel; `email` requires `email`, `webhook` and `msteams` require `deliversTo`. */
      readonly type: 'email' | 'slack' | 'webhook' | 'msteams';
      /** Secret holding the credential: SMTP password, Slack or Teams webhook URL, webhook URL. */
      readonly secretRef: {
        /** Secret in the observability namespace. */
        readonly name: string;
        /** Key of the Secret holding the credential. */
        readonly key: string;
      };
      /** E-mail delivery settings; required when type is email, refused otherwise. */
      readonly email?: {
        /** Recipient address. */
        readonly to: string;
        /** Sender address. */
        readonly from: string;
        /** SMTP host:port. */
        readonly smarthost: string;
        /** SMTP login (default: none, no authentication). */
        readonly username?: string;
      };
      /**
       * Where Alertmanager delivers (its webhook URL stays in the Secret), so its egress opens to exactly that. Required for webhook and
       * msteams; default for e-mail and Slack: any address, on the smarthost's port for e-mail, 443 for Slack.
       */
      readonly deliversTo?: {
        /** Addresses of the SMTP server or webhook endpoint. */
        readonly cidrs: readonly string[];
        /** Its port. Default: the smarthost's port for e-mail, 443 otherwise. */
        readonly port?: number;
      };
      /** Slack channel. */
      readonly channel?: string;
    }[];
  };
  /** GovStack's own compliance suites run in the cluster by `govstack compliance` (default: disabled, nothing rendered). */
  readonly compliance?: {
    /**
     * Make the connections of `govstack compliance` part of the deployment: a runner namespace `<prefix>compliance` (Pod Security
     * restricted, default deny, DNS) and one edge from its runner Pods to each deployed building block with a GovStack suite the project
     * runs (default false: no runner namespace, no edge; `govstack compliance` refuses to run). Set it, apply, run, then unset it and apply
     * again to remove the edges.
     */
    readonly enabled?: boolean;
    /**
     * A country's own blocks tested with the suite of the GovStack building block they implement, e.g. `{national-payments: payments}`
     * (default: none; each block is tested with its own id's suite, if any).
     */
    readonly suiteOf?: Readonly<Record<string, string>>;
  };
  /** Deliberate departures from the security defaults (default: none). */
  readonly security?: {
    /** Security defaults relaxed for one component each, with a justification reported as a waived control in the audit. */
    readonly overrides?: readonly SecurityOverride[];
  };
  /** How the apply runs: waits, timeouts, storage and where charts and documents come from. */
  readonly deployment?: {
    /** Wait for rollouts on apply (helm wait, wait_for_rollout; default true). */
    readonly waits?: boolean;
    /** Components whose releases the apply does not wait for even with waits on (each with its reason, shown in the audit). */
    readonly noWaitFor?: readonly NoWait[];
    /** Per-release apply timeout (default 900). */
    readonly timeoutSeconds?: number;
    /** StorageClass for persistent volumes; it should encrypt at rest (default: the cluster default). */
    readonly storageClass?: string;
    /** Where chart archives come from (default: each chart's upstream repository); at most one of mirror and localDir. */
    readonly charts?: ChartSources;
    /** Platform components the cluster already runs (installed by its operators); the stack configures them but does not install them. */
    readonly preinstalled?: readonly UpstreamComponent[];
    /** Where documents fetched from GovStack's repositories come from (default: upstream). */
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
/** One of `upstreamComponents`. */
export type UpstreamComponent = (typeof upstreamComponents)[number];

/** A security default that `security.overrides` may relax. */
export type OverrideControl = 'pod-security' | 'run-as-root' | 'min-replicas' | 'egress' | 'tls-min-version' | 'mediator-client-auth';

/** One relaxed security default, with its justification (`security.overrides[]`). */
export interface SecurityOverride {
  /** The security default relaxed; each maps to a GovStack requirement in the audit. */
  readonly control: OverrideControl;
  /** A building block id, or gateway, mediator or observability. */
  readonly target: string;
  /**
   * The relaxed value: pod-security baseline or privileged; run-as-root true; min-replicas 1; egress a CIDR; tls-min-version "1.2";
   * mediator-client-auth HTTPS_NO_AUTH.
   */
  readonly value: string | number | boolean;
  /** Why the default is relaxed; shown in the audit report. */
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
  /**
   * upstream (default): raw.githubusercontent.com at the pinned commit; mirror: the same layout under `mirror`; bundled: read at synth time
   * from `bundle` and carried into the cluster.
   */
  readonly source: 'upstream' | 'mirror' | 'bundled';
  /** Base URL laid out like raw.githubusercontent.com: `<mirror>/<owner>/<repo>/<commit>/<file>`. */
  readonly mirror?: string;
  /** Folders holding `<building-block id>/<file path in its repository>`, searched in order; relative to the blueprint file. */
  readonly bundle?: readonly string[];
}

/** Where chart archives come from; upstream by default, or a mirror for air-gapped sites. */
export interface ChartSources {
  /** OCI or HTTP chart mirror replacing every upstream repository. */
  readonly mirror?: string;
  /** Folder of unpacked upstream charts, `<dir>/<chart-name>`, for air-gapped sites. */
  readonly localDir?: string;
}
