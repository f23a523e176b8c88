import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { findBuildingBlock, pinnedUpstreamCharts } from '../../src/catalog';
import { chartInventory, chartInventoryDir, unknownValueKeys } from '../../src/catalog/chart-inventory';
import { releaseValues, resourcesOf, root, synth } from './support';

const blueprints = [
  'blueprints/sandbox.yaml',
  ...readdirSync(path.join(root, 'blueprints/examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `blueprints/examples/${f}`),
  'test/fixtures/valid/chart-products.yaml',
];

describe('chart inventory (scripts/chart-inventory.mjs facts)', () => {
  test('every chart the catalog pins has an inventory, and no inventory is stale', () => {
    const pinned = pinnedUpstreamCharts()
      .map((c) => `${c.name}-${c.version}.json`)
      .sort();
    expect(
      readdirSync(chartInventoryDir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(pinned);
  });

  test('the checker names a key the chart lacks, and accepts keys below an open map', () => {
    const inventory = chartInventory('kube-prometheus-stack', '88.5.3')!;
    expect(unknownValueKeys(inventory, { prometheus: { prometheusSpec: { retention: '1d', retentionn: '1d' } } })).toEqual([
      'prometheus.prometheusSpec.retentionn',
    ]);
    expect(unknownValueKeys(inventory, { prometheus: { prometheusSpec: { resources: { limits: { memory: '1Gi' } } } } })).toEqual([]);
  });

  test.each(blueprints)('%s: every value set on an upstream release is a key of the pinned chart', (file) => {
    const { json, model } = synth(path.join(root, file));
    // A country's own chart (customProducts) is not the catalog's: its values are the country's, with no inventory here.
    const countryCharts = new Set(
      model.buildingBlocks.filter((b) => !findBuildingBlock(b.id)?.products.includes(b.product)).map((b) => b.id),
    );
    const releases = resourcesOf(json, 'helm_release').filter(
      (r) => !String(r.body.chart).includes('assets/') && !countryCharts.has(r.body.name),
    );
    expect(releases.length).toBeGreaterThan(0);
    for (const { address, body } of releases) {
      const inventory = chartInventory(body.chart, body.version);
      if (!inventory) throw new Error(`${address}: no inventory for ${body.chart} ${body.version}`);
      expect({ address, unknown: unknownValueKeys(inventory, releaseValues(body)) }).toEqual({ address, unknown: [] });
    }
  });
});
