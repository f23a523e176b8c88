import type { Resources } from '../blueprint/types';

/**
 * Catalog facts: what a building block or platform component is, which products can
 * provide it and how they run. Every fact carries the source it was read from
 * (`owner/repo@commit:path`, or a registry page), so a reviewer can check it.
 */

/** Where a fact was read: `owner/repo@commit:path`, or a registry address. */
export type Source = string;

/** One OpenAPI document a building block's specification publishes. */
export interface ApiDescription {
  /** File in the specification repository, e.g. `api/swagger.yaml`. */
  readonly file: string;
  /** `openapi:` field of the document. */
  readonly openapi: string;
  /** `info.version` of the document. */
  readonly infoVersion: string;
  /** Distinct leading path segments of the document's paths, e.g. `/data`. */
  readonly basePaths: readonly string[];
  /** Where the document was read: `owner/repo@commit:path` in the specification repository. */
  readonly source: Source;
  /**
   * Set when the document is not strictly valid YAML or JSON (e.g. duplicate mapping keys),
   * so the facts above were read leniently and strict tools (Mockoon, some importers) reject it.
   */
  readonly parseIssue?: string;
  /** The mapping keys the document repeats (YAML 1.2 forbids it), each read with the later occurrence winning. @default - none */
  readonly duplicateKeys?: readonly DuplicateKey[];
  /**
   * Path of the document's first server URL (`servers[0].url` with its variables at their
   * defaults), without a trailing slash, e.g. `/v1/gisBB/query`: where the document places its
   * paths, and the prefix Mockoon's importer serves them under.
   * @default - none (no server URL, or one whose path is `/`): the paths sit at the root
   */
  readonly serverPath?: string;
}

/** A mapping key a document repeats: not valid YAML 1.2, read as JSON.parse reads a repeated key (the later one wins). */
export interface DuplicateKey {
  /** JSON pointer of the key, e.g. `/paths/~1batchtransactions/post/parameters`. */
  readonly pointer: string;
  /** 1-based lines of its occurrences in the file, in document order. */
  readonly lines: readonly number[];
  /** What letting the later occurrence win drops from the document, and whether that changes what a mock serves. */
  readonly lost: string;
}

/** Persistent state a product needs; `none` for stateless services. */
export type StorageNeed =
  | {
      /** Stateless: no database, no volume. */
      readonly kind: 'none';
    }
  | {
      /** A PostgreSQL or MongoDB database run beside the product, or a plain persistent volume. */
      readonly kind: 'postgres' | 'mongodb' | 'volume';
      /** Volume size as a Kubernetes quantity, e.g. `10Gi`, for the `small` profile. */
      readonly size: string;
    };

/** A container image pinned by version tag (and optionally digest). Never `latest`. */
export interface ImageRef {
  /** Registry and repository without tag, e.g. `docker.io/mockoon/cli`. */
  readonly repository: string;
  /** Immutable version tag, verified against the registry (see the product's `source`). */
  readonly tag: string;
  /** `sha256:<hex>` manifest digest; when set it pins the image and wins over the tag. @default - pinned by tag only */
  readonly digest?: string;
}

/** An upstream Helm chart pinned by version. */
export interface HelmChartRef {
  /** Chart name in its repository. */
  readonly name: string;
  /** Exact chart version (no ranges). */
  readonly version: string;
  /** `https://…` chart repository or `oci://…` registry path. */
  readonly repository: string;
}

interface ProductBase {
  /** Identifier used in blueprints (`product: <id>`), a DNS label. */
  readonly id: string;
  /** Human name, e.g. "MOSIP eSignet". */
  readonly title: string;
  /** Where the product's facts (image or chart, ports, paths) were read: a repository at a commit or a registry page. */
  readonly source: Source;
  /**
   * Path prefix under which the product serves the specification's paths (e.g. `/v2`), the same
   * for every API file; absent when they are served at the root or `apiPathPrefixes` says where.
   */
  readonly apiPathPrefix?: string;
  /**
   * Where the product serves each API file's paths, when files differ: `server-path` = under the
   * file's own `ApiDescription.serverPath` (as Mockoon's importer does). Read through
   * `apiPathPrefixOf`. @default - every file under `apiPathPrefix`
   */
  readonly apiPathPrefixes?: 'server-path';
  /**
   * Set when the product does not serve the building block's GovStack API itself: where the
   * adapter GovStack uses to map the API onto it is defined. The catalog does not deploy it.
   */
  readonly apiAdapter?: Source;
  /** Known limitations a deployer must handle (each backed by a source in the entry's file). */
  readonly caveats?: readonly string[];
  /** Connections the product needs beyond the cluster; each becomes a NetworkPolicy allow carrying its reason. */
  readonly egress?: readonly EgressNeed[];
}

/** An outbound connection a product cannot work without. */
export interface EgressNeed {
  /** Policy name suffix, a DNS label. */
  readonly name: string;
  /** IPv4 CIDRs it connects to. */
  readonly cidrs: readonly string[];
  /** TCP ports it connects to. */
  readonly ports: readonly number[];
  /** Why the product needs it (shown on the NetworkPolicy and in the audit). */
  readonly reason: string;
}

/** A port a Pod's container listens on: what a NetworkPolicy matches (never a Service port). */
export interface PodPort {
  /** Container port number, 1-65535. */
  readonly port: number;
  /** The container port's name, when the workload names it. @default - unnamed */
  readonly name?: string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** The Pods a chart runs for the building block's API: how to select them and where they listen. */
export interface ChartPods {
  /** Labels on the API Pods (their template's `metadata.labels`, a subset is enough to select them). */
  readonly labels: Readonly<Record<string, string>>;
  /** The API container's port (the Service's `targetPort`). */
  readonly port: PodPort;
  /** Where the labels and port were read: the chart's templates at its pinned version. */
  readonly source: Source;
}

/** A product deployed from an upstream Helm chart. */
export interface ChartProduct extends ProductBase {
  /** Discriminator: deployed from an upstream chart. */
  readonly kind: 'chart';
  /** The pinned upstream chart. */
  readonly chart: HelmChartRef;
  /** Values the project always passes to the chart (security defaults, ports). */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Service the chart creates that serves the building block's API, and its port. */
  readonly service: {
    /** Service name as the chart renders it for the release. */
    readonly name: string;
    /** Service port. */
    readonly port: number;
  };
  /** The Pods behind that Service: their labels and the port the API container listens on. */
  readonly pods: ChartPods;
  /** HTTP path that answers 200 when the API is ready, used by the readiness check. */
  readonly healthPath: string;
  /** Persistent state the chart keeps. */
  readonly storage: StorageNeed;
  /**
   * The Pod Security level the chart's pods need as the chart really installs them, and why
   * (read from its templates and values). The namespace enforces exactly this level and
   * carries the reason; warn and audit stay "restricted".
   */
  readonly podSecurity: {
    /** Pod Security Standard level the chart's Pods meet. */
    readonly level: 'restricted' | 'baseline' | 'privileged';
    /** Why, when below restricted: the template settings that need it. */
    readonly reason: string;
    /** The chart templates or values the level was read from. */
    readonly source: Source;
  };
  /** Dotted values key that sets the StorageClass of the chart's volumes (given the blueprint's `deployment.storageClass`, or "" for the cluster default). @default - the chart has no volumes */
  readonly storageClassKey?: string;
  /**
   * Objects the chart reads but neither creates nor lets the project generate; while set,
   * `validate` refuses the product with one line naming them.
   */
  readonly unmetPrerequisites?: {
    /** ConfigMaps the chart reads that nothing here creates. */
    readonly configMaps: readonly string[];
    /** Secrets the chart reads that nothing here creates. */
    readonly secrets: readonly string[];
    /** What creates them upstream (another chart or an operator's manual step). */
    readonly createdBy: string;
    /** The templates that read them. */
    readonly source: Source;
  };
}

/**
 * A document the product loads at start-up from a building block's repository at a pinned
 * commit. Where it is fetched from (upstream, a mirror, or carried into the cluster) is the
 * blueprint's choice (`deployment.documents`).
 */
export interface StartupDocument {
  /** `owner/name` of the repository, e.g. `GovStackWorkingGroup/bb-identity`. */
  readonly repository: string;
  /** Full 40-hex commit the document is pinned to. */
  readonly commit: string;
  /** Path in the repository. */
  readonly file: string;
  /** What the file is: an OpenAPI description, or a hand-written Mockoon environment. */
  readonly kind: 'openapi' | 'mockoon-environment';
}

/**
 * The documents a Mockoon mock serves together on its one port: an init container imports each
 * with Mockoon's own importer and merges them into one environment
 * (charts/govstack-building-block/files/merge-mockoon.js); the model puts
 * `[argument, <merged environment>]` before the product's `args`.
 */
export interface ServedDocuments {
  /** In serving order: GovStack's example environment first when there is one (its routes win), then OpenAPI files. */
  readonly files: readonly StartupDocument[];
  /** Command-line option the product takes the merged environment's path with, e.g. `--data`. */
  readonly argument: string;
}

/** A container image run by the project's own generic building-block chart. */
export interface ImageProduct extends ProductBase {
  /** Documents the container serves, merged at start-up (see `ServedDocuments`). @default - none: the image serves its own API */
  readonly documents?: ServedDocuments;
  /** Discriminator: one container image run by the generic chart. */
  readonly kind: 'image';
  /** The pinned container image. */
  readonly image: ImageRef;
  /** Port the container listens on. */
  readonly containerPort: number;
  /**
   * The image's own non-root user, for products that need their user in the image's
   * `/etc/passwd` (the Pod then runs as it instead of the generic chart's 10001).
   * @default - the chart's 10001:10001
   */
  readonly user?: {
    /** Numeric user id, non-zero. */
    readonly uid: number;
    /** Numeric group id, non-zero. */
    readonly gid: number;
  };
  /** HTTP path the readiness and liveness probes call; answers 200 without credentials. */
  readonly healthPath: string;
  /**
   * Set for a product whose health a Kubernetes HTTP probe cannot ask: the probes then only open
   * a TCP connection to the container port, with the reason and its source.
   * @default - the probes GET `healthPath`
   */
  readonly healthCheck?: TcpHealthCheck;
  /** Container arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /** Non-secret environment variables. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Path the container serves Prometheus metrics on, if any. */
  readonly metricsPath?: string;
  /** Writable paths the container needs (mounted as emptyDir; the root filesystem stays read-only). */
  readonly writablePaths?: readonly string[];
  /** Default resource requests and limits for the `small` size profile. */
  readonly resources: ResourceProfile;
  /** Persistent state the container keeps. */
  readonly storage: StorageNeed;
}

/** Probes that open a TCP connection instead of an HTTP GET, and why no HTTP probe can pass. */
export interface TcpHealthCheck {
  /** Discriminator: a `tcpSocket` probe on the container port. */
  readonly kind: 'tcp';
  /** Why an HTTP probe cannot pass; the audit shows it as the justification of the weaker check. */
  readonly reason: string;
  /** Where that is read: `owner/repo@commit:path#Lline` or an https address, `; `-separated. */
  readonly source: Source;
}

/** A building block already running elsewhere, reached through the mediator. */
export interface ExternalProduct extends ProductBase {
  /** Discriminator: nothing is deployed; only the mediator subsystem and flows are configured. */
  readonly kind: 'external';
}

/** One way to provide a building block, told apart by `kind`. */
export type ProductOption = ChartProduct | ImageProduct | ExternalProduct;

/**
 * Container requests and limits for the `small` size profile; medium doubles them, large
 * quadruples. The same Kubernetes shape a blueprint's `resources` override takes.
 */
export type ResourceProfile = Resources;

/** A GovStack building block with a published API. */
export interface BuildingBlockEntry {
  /** Identifier used in blueprints, a DNS label, e.g. `digital-registries`. */
  readonly id: string;
  /** Human name, e.g. "Digital Registries"; the X-Road subsystem name. */
  readonly title: string;
  /** Specification repository, the commit read, and the spec version it states. */
  readonly spec: {
    /** `owner/name` on GitHub, e.g. `GovStackWorkingGroup/bb-digital-registries`. */
    readonly repository: string;
    /** Full 40-hex commit the facts were read at. */
    readonly commit: string;
    /** Specification version the repository states at that commit, e.g. `1.0.0`. */
    readonly version: string;
  };
  /** The OpenAPI documents the specification publishes; each becomes an X-Road service description. */
  readonly apis: readonly ApiDescription[];
  /** Port of the Service in front of the building block (cluster-internal). */
  readonly servicePort: number;
  /** Deployable products first (the first is the default), then `external`. */
  readonly products: readonly ProductOption[];
  /** API files in the specification repository left out of `apis`, and why. */
  readonly excludedApiFiles?: readonly {
    /** Path in the specification repository. */
    readonly file: string;
    /** Why it is not a published API (a draft, an example, a duplicate). */
    readonly reason: string;
    /** Where that was read. */
    readonly source: Source;
  }[];
}
