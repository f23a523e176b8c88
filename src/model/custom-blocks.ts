import * as path from 'node:path';
import { CustomBuildingBlockDecl } from '../blueprint/custom-blocks';
import { BuildingBlockDecl } from '../blueprint/types';
import { BuildingBlockEntry } from '../catalog/types';
import { customProduct } from './custom-products';

/** The Service port of every custom block: the same as the catalog's blocks (8080). */
export const customBlockServicePort = 8080;

/** A blueprint's custom building block as a catalog entry with one product (`custom`). */
export function customEntry(id: string, decl: CustomBuildingBlockDecl): BuildingBlockEntry {
  // A custom block's `resources` are its deployment's (fixed, like any block's), not the
  // product's small profile: the product keeps the default profile.
  const product = customProduct('custom', { ...decl, resources: undefined } as CustomBuildingBlockDecl);
  return {
    id,
    title: decl.title,
    spec: { repository: decl.source, commit: '', version: 'custom' },
    // The API file is named after the block, so its X-Road service code is the block id.
    apis: decl.api
      ? [
          {
            file: `${id}${path.posix.extname(new URL(decl.api.openapi).pathname)}`,
            openapi: '3',
            infoVersion: '',
            basePaths: [],
            source: decl.api.openapi,
          },
        ]
      : [],
    servicePort: customBlockServicePort,
    products: [product],
  };
}

/** The deployment fields of a custom block: what a catalog block declares under `buildingBlocks`. */
export function customDeploymentDecl(decl: CustomBuildingBlockDecl): BuildingBlockDecl {
  const { enabled, owner, size, replicas, resources, exposure, hostname, consumes } = decl;
  return { enabled, owner, size, replicas, resources, exposure, hostname, consumes };
}
