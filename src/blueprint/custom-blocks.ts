import { CustomProductApi, CustomProductDecl, productDeclSchema } from './custom-products';
import { dnsLabel } from './schema-parts';
import { BuildingBlockDecl } from './types';

/**
 * A country's own building block, declared in the blueprint (`customBuildingBlocks:`) or in
 * code, beside the catalog's: a national registry, a local payment switch. It is the
 * deployment fields of a catalog block (`owner`, `exposure`, `consumes`, `replicas`, …; not
 * `product` or `version`) and the fields of its one product (a `CustomProductDecl`, image or
 * chart), in one object. It becomes a catalog entry with that product, then is deployed
 * exactly like a catalog block: namespace with the security defaults, NetworkPolicies for its
 * flows, gateway route, metrics scraping, an X-Road subsystem and, when it declares an API
 * document, an X-Road service.
 */
export type CustomBuildingBlockDecl = Omit<BuildingBlockDecl, 'product' | 'version'> &
  CustomProductDecl & {
    /** The OpenAPI document the block serves, published as an X-Road service. @default - a subsystem without services */
    readonly api?: CustomBlockApi;
  };

/** The API a custom building block serves: its own OpenAPI document, as no catalog entry holds one. */
export interface CustomBlockApi extends CustomProductApi {
  /** `https://` address of the OpenAPI 3 document, pinned (a commit or a versioned release). */
  readonly openapi: string;
}

/**
 * The `customBuildingBlocks` section: custom blocks by id (a DNS label that is not a catalog
 * block id), each the product declaration merged with `deploymentFields` (the fields a
 * catalog block declares under `buildingBlocks`, from schema.ts).
 */
export function customBuildingBlocksSchema(
  deploymentFields: Record<string, unknown>,
  catalogIds: readonly string[],
): Record<string, unknown> {
  return {
    type: 'object',
    propertyNames: { ...dnsLabel, not: { enum: [...catalogIds] }, description: 'a DNS label that is not a catalog building block id' },
    additionalProperties: productDeclSchema({
      extra: deploymentFields,
      extraRequired: ['owner'],
      ownDocument: true,
      description:
        'A building block the catalog does not hold, deployed with the same defaults, flows, routes, scraping and mediator subsystem.',
    }),
    description: "The country's own building blocks by id (not a catalog id), deployed like catalog ones.",
  };
}
