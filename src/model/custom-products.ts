import { CustomProductDecl } from '../blueprint/custom-products';
import { BuildingBlockEntry, ChartProduct, ImageProduct, ResourceProfile } from '../catalog/types';
import { ordinal } from '../ordinal';

/**
 * Requests and limits of a custom image product's `small` profile when the declaration gives
 * none (project default, like the mocks': a small service; size profiles scale it).
 */
export const customProductResources: ResourceProfile = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** Why a custom chart's namespace enforces `restricted` when the declaration names no level. */
const restrictedByDefault = "the project's default: the chart's Pods must meet Pod Security restricted, which the namespace enforces";

/**
 * A product declared by a country (blueprint or code) as the catalog product it stands for:
 * the same fields a catalog entry's product has, so the model, constructs, mediator and audit
 * cannot tell them apart. `id` is the product id (`custom` for a custom block's product).
 */
export function customProduct(id: string, decl: CustomProductDecl): ImageProduct | ChartProduct {
  const shared = {
    id,
    title: decl.title,
    source: decl.source,
    healthPath: decl.healthPath,
    ...(decl.api?.pathPrefix ? { apiPathPrefix: decl.api.pathPrefix } : {}),
  };
  if (decl.kind === 'chart') {
    return {
      kind: 'chart',
      ...shared,
      chart: { name: decl.chart.name, version: decl.chart.version, repository: decl.chart.repository },
      ...(decl.values ? { values: decl.values } : {}),
      service: { name: decl.service.name, port: decl.service.port },
      pods: {
        labels: { ...decl.pods.labels },
        port: { port: decl.pods.port.port, ...(decl.pods.port.name ? { name: decl.pods.port.name } : {}) },
        source: decl.source,
      },
      storage: decl.storage ?? { kind: 'none' },
      podSecurity: {
        level: decl.podSecurity?.level ?? 'restricted',
        reason: decl.podSecurity?.reason ?? restrictedByDefault,
        source: decl.source,
      },
      ...(decl.storageClassKey ? { storageClassKey: decl.storageClassKey } : {}),
    };
  }
  return {
    kind: 'image',
    ...shared,
    image: { repository: decl.image.repository, tag: decl.image.tag ?? '', ...(decl.image.digest ? { digest: decl.image.digest } : {}) },
    containerPort: decl.containerPort,
    ...(decl.healthCheck
      ? { healthCheck: { kind: 'tcp', reason: decl.healthCheck.reason, source: decl.healthCheck.source ?? decl.source } }
      : {}),
    ...(decl.metricsPath ? { metricsPath: decl.metricsPath } : {}),
    ...(decl.args ? { args: decl.args } : {}),
    ...(decl.env ? { env: decl.env } : {}),
    ...(decl.writablePaths ? { writablePaths: decl.writablePaths } : {}),
    resources: decl.resources ?? customProductResources,
    storage: decl.storage ?? { kind: 'none' },
  };
}

/**
 * A catalog entry with the country's products for it appended after the catalog's (so the
 * default stays the catalog's first); the entry itself when there are none.
 */
export function withCustomProducts(
  entry: BuildingBlockEntry,
  declared: Readonly<Record<string, CustomProductDecl>> | undefined,
): BuildingBlockEntry {
  const products = Object.entries(declared ?? {})
    .sort(([a], [b]) => ordinal(a, b))
    .map(([id, decl]) => customProduct(id, decl));
  return products.length === 0 ? entry : { ...entry, products: [...entry.products, ...products] };
}
