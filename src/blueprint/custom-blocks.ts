import { BuildingBlockDecl } from './types';

/**
 * A country's own building block, declared in the blueprint (`customBuildingBlocks:`) or in
 * code, beside the catalog's: a national registry, a local payment switch. It becomes a
 * catalog entry with one image product, then is deployed exactly like a catalog block:
 * namespace with the security defaults, NetworkPolicies for its flows, gateway route,
 * metrics scraping, an X-Road subsystem and, when it declares an API, an X-Road service.
 *
 * The deployment fields (`owner`, `exposure`, `consumes`, `replicas`, …) are those of a
 * catalog building block; `product` and `version` are not, because the image is given here.
 */
export interface CustomBuildingBlockDecl extends Omit<BuildingBlockDecl, 'product' | 'version'> {
  /** Human name, e.g. "National Civil Registry"; the X-Road subsystem name. */
  readonly title: string;
  /** Where the facts below come from (a repository at a commit, a registry page, a release note), shown in the audit. */
  readonly source: string;
  /** The container image, pinned by tag (never `latest`) or digest. */
  readonly image: {
    /** Repository without tag or digest, e.g. `registry.gov.example/civil-registry/api`. */
    readonly repository: string;
    /** Version tag; `latest` is refused. One of `tag` and `digest` is required. */
    readonly tag?: string;
    /** `sha256:<64 hex>`; pins the exact image and wins over `tag`. */
    readonly digest?: string;
  };
  /** Port the container listens on (1-65535). */
  readonly containerPort: number;
  /** HTTP path the readiness and liveness probes call; must answer 200 without credentials. */
  readonly healthPath: string;
  /** HTTP path of Prometheus metrics. @default - no metrics are scraped from the workload */
  readonly metricsPath?: string;
  /** Container arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /** Non-secret environment variables. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Paths the container writes to (emptyDir; the root filesystem stays read-only). @default ['/tmp'] */
  readonly writablePaths?: readonly string[];
  /** Persistent state: `postgres` runs the generic chart's PostgreSQL with a volume of `size`. @default - none */
  readonly storage?: {
    /** The only kind a custom block may ask for. */
    readonly kind: 'postgres';
    /** Volume size, e.g. `20Gi`. */
    readonly size: string;
  };
  /** The OpenAPI 3 document the block serves, published as an X-Road service. @default - a subsystem without services */
  readonly api?: {
    /** `https://` address of the OpenAPI document, pinned (a commit or a versioned release). */
    readonly openapi: string;
    /** Path prefix under which the container serves the document's paths, e.g. `/v1`. @default - the root */
    readonly pathPrefix?: string;
  };
}

const dnsLabel = {
  type: 'string',
  pattern: '^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$',
  description: 'A DNS label: lower-case letters, digits and dashes, 1-32 characters.',
};
const imageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['repository'],
  properties: {
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
  minProperties: 2,
  description: 'A pinned image: repository and a tag or digest.',
};
const httpPath = { type: 'string', pattern: "^/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$", maxLength: 512 };

/**
 * The JSON Schema of one custom building block: the fields above, merged with the
 * deployment fields of a catalog building block (`deploymentFields`, from schema.ts).
 */
export function customBuildingBlockSchema(deploymentFields: Record<string, unknown>): Record<string, unknown> {
  const { product: _product, version: _version, ...fields } = deploymentFields;
  return {
    type: 'object',
    additionalProperties: false,
    required: ['title', 'source', 'owner', 'image', 'containerPort', 'healthPath'],
    description:
      'A building block the catalog does not hold, deployed with the same defaults, flows, routes, scraping and mediator subsystem.',
    properties: {
      ...fields,
      title: { type: 'string', minLength: 1, maxLength: 200 },
      source: {
        type: 'string',
        minLength: 1,
        maxLength: 1000,
        description: 'Where the image and its facts come from; shown in the audit.',
      },
      image: imageSchema,
      containerPort: { type: 'integer', minimum: 1, maximum: 65535 },
      healthPath: httpPath,
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
      storage: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'size'],
        properties: { kind: { const: 'postgres' }, size: { type: 'string', pattern: '^[0-9]+(Mi|Gi|Ti)$' } },
      },
      api: {
        type: 'object',
        additionalProperties: false,
        required: ['openapi'],
        properties: {
          openapi: { type: 'string', pattern: '^https://[^\\s]+$', maxLength: 2048, description: 'Address of the OpenAPI 3 document.' },
          pathPrefix: { type: 'string', pattern: '^/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$' },
        },
      },
    },
  };
}

/** The `customBuildingBlocks` section: custom blocks by id (a DNS label). */
export function customBuildingBlocksSchema(
  deploymentFields: Record<string, unknown>,
  catalogIds: readonly string[],
): Record<string, unknown> {
  return {
    type: 'object',
    propertyNames: { ...dnsLabel, not: { enum: [...catalogIds] } },
    additionalProperties: customBuildingBlockSchema(deploymentFields),
    description: "The country's own building blocks by id (not a catalog id), deployed like catalog ones.",
  };
}
