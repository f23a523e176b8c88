import { blockDatabase } from './platform/datastore';
import { mediatorCatalog } from './platform/mediator';
import { ImageRef } from './types';

/** An image as the project's charts take it: repository, tag, and digest when pinned. */
function chartImage(image: ImageRef): ImageRef {
  return { repository: image.repository, tag: image.tag, ...(image.digest ? { digest: image.digest } : {}) };
}

/** Image values of `charts/govstack-building-block`: its optional PostgreSQL datastore. */
export function buildingBlockChartImages(): { readonly database: { readonly image: ImageRef } } {
  return { database: { image: chartImage(blockDatabase.image) } };
}

/** Image values of `charts/govstack-xroad`: security and central server, their PostgreSQL, the reconcile Job. */
export function xroadChartImages(): {
  readonly images: { readonly securityServer: ImageRef; readonly centralServer: ImageRef; readonly postgres: ImageRef };
  readonly reconcile: { readonly image: ImageRef };
} {
  return {
    images: {
      securityServer: chartImage(mediatorCatalog.securityServer.image),
      centralServer: chartImage(mediatorCatalog.centralServer.image),
      postgres: chartImage(mediatorCatalog.database.image),
    },
    reconcile: { image: chartImage(mediatorCatalog.reconcileRuntime.image) },
  };
}

/**
 * The image values of one of the project's charts, from the catalog: the charts carry no
 * deployable image of their own, so the stack (and the chart tests) pass these.
 *
 * @param chart - a folder name under `charts/`, e.g. `govstack-xroad`
 * @returns values to merge under the chart's other values; `{}` for a chart with no images of its own
 */
export function chartImageValues(chart: string): Readonly<Record<string, unknown>> {
  if (chart === 'govstack-building-block') return buildingBlockChartImages();
  if (chart === 'govstack-xroad') return xroadChartImages();
  return {};
}
