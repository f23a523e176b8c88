import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';

/**
 * The values keys and rendered kinds of one pinned upstream chart, as
 * `scripts/chart-inventory.mjs` read them from the chart's repository at its pinned commit
 * (stored in `src/catalog/chart-inventory/<chart>-<version>.json`).
 */
export interface ChartInventory {
  readonly chart: string;
  readonly version: string;
  /** `owner/repo@commit:folder` the facts were read from. */
  readonly source: string;
  /** Dependencies and what was or was not inventoried. */
  readonly notes: readonly string[];
  /** Kinds the chart's templates render (literal `kind:` lines, subcharts included). */
  readonly kinds: readonly string[];
  /** Key paths whose default is an empty map: the chart passes anything below them through. */
  readonly openKeys: readonly string[];
  /** Every key path of the chart's values (subcharts under their alias), dot-separated. */
  readonly keys: readonly string[];
}

export const chartInventoryDir = path.join(packageRoot, 'src', 'catalog', 'chart-inventory');

/** The stored inventory of a chart version, or undefined when none was extracted. */
export function chartInventory(chart: string, version: string): ChartInventory | undefined {
  const file = path.join(chartInventoryDir, `${chart}-${version}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ChartInventory) : undefined;
}

/**
 * Key paths of `values` the chart does not know: each map key is looked up by its dotted
 * path; below an open key (or a list) nothing is checked. Returns the unknown paths, sorted.
 */
export function unknownValueKeys(inventory: ChartInventory, values: unknown): string[] {
  const keys = new Set(inventory.keys);
  const open = new Set(inventory.openKeys);
  const unknown: string[] = [];
  const walk = (node: unknown, prefix: string) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (!keys.has(p) && !open.has(prefix)) {
        unknown.push(p);
        continue;
      }
      if (open.has(p) || open.has(prefix)) continue;
      walk(v, p);
    }
  };
  walk(values, '');
  return unknown.sort();
}
