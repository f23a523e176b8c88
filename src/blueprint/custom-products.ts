import type { BuildingBlockEntry } from '../catalog/types';
import { dnsLabel, object, resources } from './schema-parts';
import type { PodSecurityLevel, Resources } from './types';

/**
 * A product a country runs for a building block, declared in the blueprint or in code rather
 * than in the catalog: the shape of a catalog product (`ImageProduct` or `ChartProduct`) with
 * the facts a country can state. Used two ways:
 * - under `customProducts.<catalog block id>.<product id>`, as one more product option of a
 *   catalog building block (a national payment switch as `payments`), chosen with
 *   `buildingBlocks.<id>.product`;
 * - inline in a `customBuildingBlocks` entry, as the only product of the country's own block.
 *
 * Either way the model turns it into a catalog product, and from there it is deployed exactly
 * like one: namespace with the security defaults, NetworkPolicies for its flows, gateway
 * route, metrics scraping (image products with `metricsPath`), the owner's X-Road subsystem
 * with one service per API document of the block.
 */
export type CustomProductDecl = CustomImageProductDecl | CustomChartProductDecl;

/** What every custom product states, whatever runs it. */
export interface CustomProductCommon {
  /** Human name, e.g. "National Payment Switch"; shown in the audit and the diagram. */
  readonly title: string;
  /** Where the facts come from (a repository at a commit, a registry page, a release note), shown in the audit. */
  readonly source: string;
  /** HTTP path that answers 200 without credentials when the API is ready: what the probes GET (unless `healthCheck` says TCP). */
  readonly healthPath: string;
  /** Where the product serves the API documents' paths. @default - at the root */
  readonly api?: CustomProductApi;
}

/** Where a custom product serves its building block's API. */
export interface CustomProductApi {
  /** Path prefix under which the workload serves the documents' paths, e.g. `/v1`. @default - the root */
  readonly pathPrefix?: string;
}

/** A container image, run by the project's generic chart under every workload default. */
export interface CustomImageProductDecl extends CustomProductCommon {
  /** Marks the declaration as an image product. @default 'image' */
  readonly kind?: 'image';
  /** The container image, pinned by tag (never `latest`) or digest. */
  readonly image: {
    /** Repository without tag or digest, e.g. `registry.gov.example/civil-registry/api`. */
    readonly repository: string;
    /** Version tag; `latest` is refused. One of `tag` and `digest` is required. */
    readonly tag?: string;
    /** `sha256:<64 hex>`; pins the exact image and wins over `tag`. */
    readonly digest?: string;
  };
  /** Port the container listens on (1-65535); the chart names it `http`. */
  readonly containerPort: number;
  /**
   * For a product whose health no HTTP probe can ask (it answers only requests carrying headers
   * a Kubernetes probe cannot send): the probes then only open a TCP connection to the container
   * port, and the audit WAIVEs the weaker check with this reason.
   * @default - the probes GET `healthPath`
   */
  readonly healthCheck?: CustomTcpHealthCheck;
  /** HTTP path of Prometheus metrics on the container port. @default - no metrics are scraped from the workload */
  readonly metricsPath?: string;
  /** Container arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /** Non-secret environment variables. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Paths the container writes to (emptyDir; the root filesystem stays read-only). @default ['/tmp'] */
  readonly writablePaths?: readonly string[];
  /**
   * Requests and limits of the `small` size profile (scaled by `size`); in a custom building
   * block this field is the block's fixed `resources` instead, as for any block.
   * @default - 100m/128Mi requested, 500m/512Mi limit (`customProductResources`)
   */
  readonly resources?: Resources;
  /** Persistent state: `postgres` runs the generic chart's PostgreSQL with a volume of `size`. @default - none */
  readonly storage?: {
    /** The only kind the generic chart runs. */
    readonly kind: 'postgres';
    /** Volume size, e.g. `20Gi`. */
    readonly size: string;
  };
}

/** A country's reason to probe its product by TCP, the blueprint form of the catalog's `TcpHealthCheck`. */
export interface CustomTcpHealthCheck {
  /** Marks a `tcpSocket` probe on the container port. */
  readonly kind: 'tcp';
  /** Why an HTTP probe cannot pass (20 characters or more); the audit shows it. */
  readonly reason: string;
  /** Where that can be checked (a document, a line of the product's code). @default - the product's `source` */
  readonly source?: string;
}

/**
 * An upstream Helm chart the country publishes. The project cannot set a third party's
 * securityContext, so the namespace's Pod Security admission is what holds it: `restricted`
 * unless `podSecurity` names a lower level with its reason.
 */
export interface CustomChartProductDecl extends CustomProductCommon {
  /** Marks the declaration as a chart product (image products may leave `kind` out). */
  readonly kind: 'chart';
  /** The chart, pinned to an exact version. */
  readonly chart: {
    /** Chart name in its repository. */
    readonly name: string;
    /** Exact chart version (no ranges). */
    readonly version: string;
    /** `https://…` chart repository or `oci://…` registry path. */
    readonly repository: string;
  };
  /** Values passed to the chart. @default - the chart's own defaults */
  readonly values?: Readonly<Record<string, unknown>>;
  /** The Service the chart creates for the API, and its port. */
  readonly service: {
    /** Service name, as the chart renders it with these values. */
    readonly name: string;
    /** Service port (1-65535) the gateway routes and the security server call. */
    readonly port: number;
  };
  /** The API Pods: what NetworkPolicies select and open. */
  readonly pods: {
    /** Labels on the API Pods (a subset that selects only them). */
    readonly labels: Readonly<Record<string, string>>;
    /** The port the API container listens on (not the Service port). */
    readonly port: {
      /** Port number, 1-65535. */
      readonly port: number;
      /** The container port's name; policies then open it by name. @default - opened by number */
      readonly name?: string;
    };
  };
  /** The Pod Security level the chart's Pods need, and why. @default - restricted, with no reason needed */
  readonly podSecurity?: {
    /** The level the namespace enforces (warn and audit stay restricted). */
    readonly level: PodSecurityLevel;
    /** Why the chart needs it (20 characters or more); the namespace and the audit carry it. */
    readonly reason: string;
  };
  /** Dotted values key setting the StorageClass of the chart's volumes. @default - the chart has no volumes */
  readonly storageClassKey?: string;
  /** Persistent state the chart keeps, listed in the audit. @default - none */
  readonly storage?: {
    /** What keeps the state. */
    readonly kind: 'postgres' | 'mongodb' | 'volume';
    /** Volume size, e.g. `20Gi`. */
    readonly size: string;
  };
}

const httpPath = { type: 'string', pattern: "^/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$", maxLength: 512 };
const size = { type: 'string', pattern: '^[0-9]+(Mi|Gi|Ti)$' };
const labelKey = '^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const labelValue = { type: 'string', pattern: '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$' };
const port = { type: 'integer', minimum: 1, maximum: 65535 };

const imageSchema = object(
  {
    repository: {
      type: 'string',
      pattern: '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$',
      maxLength: 255,
      description: 'Image repository, without tag or digest.',
    },
    tag: {
      type: 'string',
      pattern: '^(?![Ll][Aa][Tt][Ee][Ss][Tt]$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
      description: 'An immutable version tag; `latest` is refused.',
    },
    digest: { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' },
  },
  ['repository'],
  { minProperties: 2, description: 'A pinned image: repository and a tag or digest.' },
);

/** The fields of both kinds. */
const common = {
  kind: { enum: ['image', 'chart'], description: 'What runs the product: an image in the generic chart (default) or an upstream chart.' },
  title: { type: 'string', minLength: 1, maxLength: 200 },
  source: { type: 'string', minLength: 1, maxLength: 1000, description: 'Where the product and its facts come from; shown in the audit.' },
  healthPath: httpPath,
};

const imageFields = {
  image: imageSchema,
  containerPort: port,
  healthCheck: object(
    {
      kind: { const: 'tcp' },
      reason: { type: 'string', minLength: 20, maxLength: 2000, description: 'Why no HTTP probe can pass; the audit shows it.' },
      source: { type: 'string', minLength: 1, maxLength: 1000, description: "Where that can be checked; default: the product's source." },
    },
    ['kind', 'reason'],
    { description: 'Probe the container port by TCP instead of GET healthPath, with the reason.' },
  ),
  metricsPath: httpPath,
  args: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 4096 } },
  env: {
    type: 'object',
    maxProperties: 64,
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$' },
    additionalProperties: { type: 'string', maxLength: 4096 },
    description: 'Non-secret environment variables.',
  },
  writablePaths: { type: 'array', maxItems: 16, uniqueItems: true, items: httpPath },
  resources: { ...resources, description: 'Requests and limits of the small size profile.' },
  storage: object({ kind: { const: 'postgres' }, size }, ['kind', 'size']),
};

const chartFields = {
  chart: object(
    {
      name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' },
      version: { type: 'string', pattern: '^v?[0-9]+(\\.[0-9]+){2}([-+][0-9A-Za-z.-]+)?$', description: 'An exact chart version.' },
      repository: { type: 'string', pattern: '^(oci|https)://[^\\s]+$', maxLength: 2048 },
    },
    ['name', 'version', 'repository'],
  ),
  values: { type: 'object', description: 'Values passed to the chart.' },
  service: object({ name: { type: 'string', pattern: '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$' }, port }, ['name', 'port']),
  pods: object(
    {
      labels: {
        type: 'object',
        minProperties: 1,
        maxProperties: 16,
        propertyNames: { pattern: labelKey },
        additionalProperties: labelValue,
        description: 'Labels on the API Pods (at least one).',
      },
      port: object({ port, name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$' } }, ['port']),
    },
    ['labels', 'port'],
  ),
  podSecurity: object(
    {
      level: { enum: ['restricted', 'baseline', 'privileged'] },
      reason: {
        type: 'string',
        minLength: 20,
        maxLength: 2000,
        description: 'Why the chart needs this level; the namespace and the audit carry it.',
      },
    },
    ['level', 'reason'],
  ),
  storageClassKey: { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' },
  storage: object({ kind: { enum: ['postgres', 'mongodb', 'volume'] }, size }, ['kind', 'size']),
};

/** Where the product serves the API; `openapi` too when the declaration brings its own document. */
function apiSchema(ownDocument: boolean) {
  return object(
    {
      ...(ownDocument
        ? { openapi: { type: 'string', pattern: '^https://[^\\s]+$', maxLength: 2048, description: 'Address of the OpenAPI 3 document.' } }
        : {}),
      pathPrefix: { type: 'string', pattern: '^/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$' },
    },
    ownDocument ? ['openapi'] : [],
  );
}

/**
 * The JSON Schema of one product declaration: `kind` picks the closed set of fields (image, the
 * default, or chart). `extra` adds fields of the declaring section (a custom block's deployment
 * fields) to both kinds, `extraRequired` their required ones; `ownDocument` lets `api` name the
 * OpenAPI document (a custom block has no catalog entry to take it from).
 */
export function productDeclSchema(options: {
  readonly extra?: Record<string, unknown>;
  readonly extraRequired?: readonly string[];
  readonly ownDocument?: boolean;
  readonly description: string;
}): Record<string, unknown> {
  const extra = { ...options.extra, api: apiSchema(options.ownDocument ?? false) };
  const required = ['title', 'source', 'healthPath', ...(options.extraRequired ?? [])];
  return {
    type: 'object',
    description: options.description,
    properties: { kind: common.kind },
    // One branch: the merge of overlays reads `kind` as the tag (a changed kind replaces the map).
    allOf: [
      {
        if: { properties: { kind: { const: 'chart' } }, required: ['kind'] },
        then: object({ ...common, ...chartFields, ...extra }, [...required, 'chart', 'service', 'pods']),
        else: object({ ...common, ...imageFields, ...extra }, [...required, 'image', 'containerPort']),
      },
    ],
  };
}

/** Name of the product declaration under the blueprint schema's `$defs`: written once, used by every block. */
export const customProductDef = 'customProduct';

/** The product declaration of `customProducts` entries, for the blueprint schema's `$defs`. */
export const customProductDefinition = (): Record<string, unknown> =>
  productDeclSchema({ description: 'A product the catalog does not hold, deployed like a catalog product of the block.' });

/**
 * The `customProducts` section (its entries refer to `customProductDefinition` in `$defs`): for each catalog building block, the country's products by id
 * (a DNS label that is not one of the block's catalog product ids).
 */
export function customProductsSchema(catalog: readonly BuildingBlockEntry[]): Record<string, unknown> {
  const product = { $ref: `#/$defs/${customProductDef}` };
  return object(
    Object.fromEntries(
      catalog.map((entry) => {
        const taken = entry.products.map((p) => p.id);
        return [
          entry.id,
          {
            type: 'object',
            minProperties: 1,
            propertyNames: {
              ...dnsLabel,
              not: { enum: taken },
              description: `a DNS label that is not a catalog product of ${entry.id} (${taken.join(', ')})`,
            },
            additionalProperties: product,
            description: `The country's own products for ${entry.id}, by id; choose one with buildingBlocks.${entry.id}.product.`,
          },
        ];
      }),
    ),
    [],
    {
      description:
        "The country's own product options for catalog building blocks (a national payment switch as payments), by block id, then product id.",
    },
  );
}
