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
  readonly source: Source;
  /**
   * Set when the document is not strictly valid YAML or JSON (e.g. duplicate mapping keys),
   * so the facts above were read leniently and strict tools (Mockoon, some importers) reject it.
   */
  readonly parseIssue?: string;
}

/** Persistent state a product needs; `none` for stateless services. */
export type StorageNeed =
  | { readonly kind: 'none' }
  | { readonly kind: 'postgres' | 'mongodb' | 'volume'; readonly size: string };

/** A container image pinned by version tag (and optionally digest). Never `latest`. */
export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
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
  readonly source: Source;
  /**
   * Path prefix under which the product serves the specification's paths (e.g. `/v2`); absent
   * when they are served at the root.
   */
  readonly apiPathPrefix?: string;
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
  readonly cidrs: readonly string[];
  readonly ports: readonly number[];
  /** Why the product needs it (shown on the NetworkPolicy and in the audit). */
  readonly reason: string;
}

/** A port a Pod's container listens on: what a NetworkPolicy matches (never a Service port). */
export interface PodPort {
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
  readonly source: Source;
}

/** A product deployed from an upstream Helm chart. */
export interface ChartProduct extends ProductBase {
  readonly kind: 'chart';
  readonly chart: HelmChartRef;
  /** Values the project always passes to the chart (security defaults, ports). */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Service the chart creates that serves the building block's API, and its port. */
  readonly service: { readonly name: string; readonly port: number };
  /** The Pods behind that Service: their labels and the port the API container listens on. */
  readonly pods: ChartPods;
  readonly healthPath: string;
  readonly storage: StorageNeed;
}

/**
 * A document the product loads at start-up from a building block's repository at a pinned
 * commit. Where it is fetched from (upstream, a mirror, or carried into the cluster) is the
 * blueprint's choice (`deployment.documents`); the model puts `[argument, <location>]` before
 * the product's `args`.
 */
export interface StartupDocument {
  /** `owner/name` of the repository, e.g. `GovStackWorkingGroup/bb-identity`. */
  readonly repository: string;
  readonly commit: string;
  /** Path in the repository. */
  readonly file: string;
  /** What the file is: an OpenAPI description, or a hand-written Mockoon environment. */
  readonly kind: 'openapi' | 'mockoon-environment';
  /** Command-line option the product takes the document's location with, e.g. `--data`. */
  readonly argument: string;
}

/** A container image run by the project's own generic building-block chart. */
export interface ImageProduct extends ProductBase {
  /** A document the container loads at start-up (see `StartupDocument`). */
  readonly document?: StartupDocument;
  readonly kind: 'image';
  readonly image: ImageRef;
  /** Port the container listens on. */
  readonly containerPort: number;
  /**
   * The image's own non-root user, for products that need their user in the image's
   * `/etc/passwd` (the Pod then runs as it instead of the generic chart's 10001).
   * @default - the chart's 10001:10001
   */
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly healthPath: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Path the container serves Prometheus metrics on, if any. */
  readonly metricsPath?: string;
  /** Writable paths the container needs (mounted as emptyDir; the root filesystem stays read-only). */
  readonly writablePaths?: readonly string[];
  /** Default resource requests and limits for the `small` size profile. */
  readonly resources: ResourceProfile;
  readonly storage: StorageNeed;
}

/** A building block already running elsewhere, reached through the mediator. */
export interface ExternalProduct extends ProductBase {
  readonly kind: 'external';
}

export type ProductOption = ChartProduct | ImageProduct | ExternalProduct;

export interface ResourceProfile {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A GovStack building block with a published API. */
export interface BuildingBlockEntry {
  /** Identifier used in blueprints, a DNS label, e.g. `digital-registries`. */
  readonly id: string;
  readonly title: string;
  /** Specification repository, the commit read, and the spec version it states. */
  readonly spec: {
    readonly repository: string;
    readonly commit: string;
    readonly version: string;
  };
  readonly apis: readonly ApiDescription[];
  /** Port of the Service in front of the building block (cluster-internal). */
  readonly servicePort: number;
  /** Deployable products first (the first is the default), then `external`. */
  readonly products: readonly ProductOption[];
  /** API files in the specification repository left out of `apis`, and why. */
  readonly excludedApiFiles?: readonly { readonly file: string; readonly reason: string; readonly source: Source }[];
}
