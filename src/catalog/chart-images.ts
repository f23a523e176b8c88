import { blockDatabase } from './platform/datastore';
import { mediatorCatalog } from './platform/mediator';
import { CentralServerPorts, SecurityServerPorts } from './platform-types';
import { ImageRef } from './types';

/** An image as the project's charts take it: repository, tag, and digest when pinned. */
function chartImage(image: ImageRef): ImageRef {
  return { repository: image.repository, tag: image.tag, ...(image.digest ? { digest: image.digest } : {}) };
}

/** Catalog values of `charts/govstack-building-block`: its optional PostgreSQL datastore's image and port. */
export function buildingBlockChartImages(): { readonly database: { readonly image: ImageRef; readonly port: number } } {
  return { database: { image: chartImage(blockDatabase.image), port: blockDatabase.port } };
}

/** Catalog values of `charts/govstack-xroad`: every image and every port its Pods listen on. */
export interface XRoadChartCatalogValues {
  /** Security and central server, their PostgreSQL. */
  readonly images: { readonly securityServer: ImageRef; readonly centralServer: ImageRef; readonly postgres: ImageRef };
  /** Container ports, which the chart's Services also expose: it has no port of its own. */
  readonly ports: { readonly securityServer: SecurityServerPorts; readonly centralServer: CentralServerPorts; readonly database: number };
  /** The reconcile Job's runtime. */
  readonly reconcile: { readonly image: ImageRef };
}

/** Catalog values of `charts/govstack-xroad`: images of the servers, their PostgreSQL and the reconcile Job; the servers' ports. */
export function xroadChartCatalogValues(): XRoadChartCatalogValues {
  return {
    images: {
      securityServer: chartImage(mediatorCatalog.securityServer.image),
      centralServer: chartImage(mediatorCatalog.centralServer.image),
      postgres: chartImage(mediatorCatalog.database.image),
    },
    ports: {
      securityServer: mediatorCatalog.securityServer.ports,
      centralServer: mediatorCatalog.centralServer.ports,
      database: mediatorCatalog.database.port,
    },
    reconcile: { image: chartImage(mediatorCatalog.reconcileRuntime.image) },
  };
}

/**
 * The catalog values of one of the project's charts: the charts carry no deployable image or
 * port of their own, so the stack (and the chart tests) pass these.
 *
 * @param chart - a folder name under `charts/`, e.g. `govstack-xroad`
 * @returns values to merge under the chart's other values; `{}` for a chart with no catalog values
 */
export function chartCatalogValues(chart: string): Readonly<Record<string, unknown>> {
  if (chart === 'govstack-building-block') return buildingBlockChartImages();
  if (chart === 'govstack-xroad') return { ...xroadChartCatalogValues() };
  return {};
}
