/**
 * The catalog: one entry per GovStack building block with a published API, and one per
 * platform component (gateway, mediator, observability). Facts only, each with its source.
 */
import { consent } from './building-blocks/consent';
import { digitalRegistries } from './building-blocks/digital-registries';
import { emarketplace } from './building-blocks/emarketplace';
import { esignature } from './building-blocks/esignature';
import { gis } from './building-blocks/gis';
import { identity } from './building-blocks/identity';
import { informationMediator } from './building-blocks/information-mediator';
import { messaging } from './building-blocks/messaging';
import { payments } from './building-blocks/payments';
import { registration } from './building-blocks/registration';
import { scheduler } from './building-blocks/scheduler';
import { workflow } from './building-blocks/workflow';
import { BuildingBlockEntry, ChartProduct, HelmChartRef, ImageProduct } from './types';
import { gatewayCatalog as gatewayCatalogRef } from './platform/gateway';
import { observabilityCatalog as observabilityCatalogRef } from './platform/observability';

export * from './types';
export * from './platform-types';
export { gatewayCatalog } from './platform/gateway';
export { mediatorCatalog } from './platform/mediator';
export { kubernetesCatalog, KubernetesEntry } from './platform/kubernetes';
export { blockDatabase } from './platform/datastore';
export { buildingBlockChartImages, chartCatalogValues, xroadChartCatalogValues } from './chart-images';
export { observabilityCatalog, goDuration } from './platform/observability';
export { mockoonCli, distinctApis, mockDocuments, apiPathPrefixOf } from './common';

/** Every building block in the catalog, sorted by id. */
export const buildingBlocks: readonly BuildingBlockEntry[] = [
  consent,
  digitalRegistries,
  emarketplace,
  esignature,
  gis,
  identity,
  informationMediator,
  messaging,
  payments,
  registration,
  scheduler,
  workflow,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const byId = new Map(buildingBlocks.map((entry) => [entry.id, entry]));

/** The catalog entry of a building block, or undefined for an unknown id. */
export function findBuildingBlock(id: string): BuildingBlockEntry | undefined {
  return byId.get(id);
}

/** The products of an entry that this project deploys (everything but `external`), default first. */
export function deployableProducts(entry: BuildingBlockEntry): readonly (ImageProduct | ChartProduct)[] {
  return entry.products.filter((p): p is ImageProduct | ChartProduct => p.kind !== 'external');
}

/** Every upstream chart the catalog pins (platform components and chart products), each once. */
export function pinnedUpstreamCharts(): readonly HelmChartRef[] {
  const { metrics, logs, traces, collector } = observabilityCatalogRef;
  const refs = [gatewayCatalogRef.chart, metrics.chart, logs.chart, traces.chart, collector.chart];
  for (const entry of buildingBlocks) for (const p of entry.products) if (p.kind === 'chart') refs.push(p.chart);
  return refs.filter((r, i) => refs.findIndex((o) => o.name === r.name && o.version === r.version) === i);
}
