import * as path from 'node:path';
import { CustomBuildingBlockDecl } from '../blueprint/custom-blocks';
import { BuildingBlockDecl } from '../blueprint/types';
import { BuildingBlockEntry, ImageProduct, ResourceProfile } from '../catalog/types';

/**
 * Requests and limits of a custom block's `small` profile when the blueprint gives none
 * (project default, like the mocks': a small service; size profiles scale it).
 */
export const customBlockResources: ResourceProfile = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** The Service port of every custom block: the same as the catalog's blocks (8080). */
export const customBlockServicePort = 8080;

/** A blueprint's custom building block as a catalog entry with one image product (`custom`). */
export function customEntry(id: string, decl: CustomBuildingBlockDecl): BuildingBlockEntry {
  const product: ImageProduct = {
    kind: 'image',
    id: 'custom',
    title: decl.title,
    source: decl.source,
    image: { repository: decl.image.repository, tag: decl.image.tag ?? '', ...(decl.image.digest ? { digest: decl.image.digest } : {}) },
    containerPort: decl.containerPort,
    healthPath: decl.healthPath,
    ...(decl.metricsPath ? { metricsPath: decl.metricsPath } : {}),
    ...(decl.args ? { args: decl.args } : {}),
    ...(decl.env ? { env: decl.env } : {}),
    ...(decl.writablePaths ? { writablePaths: decl.writablePaths } : {}),
    ...(decl.api?.pathPrefix ? { apiPathPrefix: decl.api.pathPrefix } : {}),
    resources: customBlockResources,
    storage: decl.storage ?? { kind: 'none' },
  };
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
