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

/** A product deployed from an upstream Helm chart. */
export interface ChartProduct extends ProductBase {
  readonly kind: 'chart';
  readonly chart: HelmChartRef;
  /** Values the project always passes to the chart (security defaults, ports). */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Service the chart creates that serves the building block's API, and its port. */
  readonly service: { readonly name: string; readonly port: number };
  readonly healthPath: string;
  readonly storage: StorageNeed;
  /**
   * The Pod Security level the chart's pods need as the chart really installs them, and why
   * (read from its templates and values). The namespace enforces exactly this level and
   * carries the reason; warn and audit stay "restricted".
   */
  readonly podSecurity: { readonly level: 'restricted' | 'baseline' | 'privileged'; readonly reason: string; readonly source: Source };
  /** Dotted values key that sets the StorageClass of the chart's volumes (given the blueprint's `deployment.storageClass`, or "" for the cluster default). @default - the chart has no volumes */
  readonly storageClassKey?: string;
  /**
   * Objects the chart reads but neither creates nor lets the project generate; while set,
   * `validate` refuses the product with one line naming them.
   */
  readonly unmetPrerequisites?: { readonly configMaps: readonly string[]; readonly secrets: readonly string[]; readonly createdBy: string; readonly source: Source };
}

/** A container image run by the project's own generic building-block chart. */
export interface ImageProduct extends ProductBase {
  readonly kind: 'image';
  readonly image: ImageRef;
  /** Port the container listens on. */
  readonly containerPort: number;
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
