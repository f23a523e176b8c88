import { Located } from './located';

/**
 * Overlay merge (`extends:`), driven by the schema so every list follows one rule:
 *
 * - maps merge key by key, recursively; the overlay wins;
 * - `null` in the overlay removes the key from the result;
 * - a list whose schema names an `x-merge-key` (organisations by `name`, flows by `to`,
 *   alert receivers by `name`) merges item by item on that key: an overlay item with a
 *   known key merges into the base item, a new key is appended, order of the base is kept;
 * - any other list, and every scalar, is replaced by the overlay's value.
 */
export function mergeLocated(base: Located, overlay: Located, schema: SchemaNode | undefined): Located {
  if (base.kind === 'map' && overlay.kind === 'map') {
    const entries = new Map(base.entries);
    for (const [key, value] of overlay.entries) {
      if (value.kind === 'scalar' && value.value === null) {
        entries.delete(key);
        continue;
      }
      const previous = entries.get(key);
      entries.set(key, previous ? mergeLocated(previous, value, childSchema(schema, key)) : withoutNulls(value));
    }
    return { kind: 'map', entries, loc: overlay.loc };
  }
  const mergeKey = schema?.['x-merge-key'];
  if (base.kind === 'seq' && overlay.kind === 'seq' && typeof mergeKey === 'string') {
    const items = [...base.items];
    for (const item of overlay.items) {
      const key = keyOf(item, mergeKey);
      const at = key === undefined ? -1 : items.findIndex((existing) => keyOf(existing, mergeKey) === key);
      if (at >= 0) items[at] = mergeLocated(items[at], item, itemSchema(schema));
      else items.push(item);
    }
    return { kind: 'seq', items, loc: overlay.loc };
  }
  return overlay;
}

/** A value new to the merge keeps no `null` keys: there is nothing for them to remove. */
function withoutNulls(node: Located): Located {
  if (node.kind !== 'map') return node;
  const entries = new Map([...node.entries].filter(([, v]) => !(v.kind === 'scalar' && v.value === null)).map(([k, v]) => [k, withoutNulls(v)]));
  return { ...node, entries };
}

/** The part of a JSON Schema the merge reads. */
export interface SchemaNode {
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly allOf?: readonly { readonly then?: SchemaNode }[];
  readonly 'x-merge-key'?: string;
}

function childSchema(schema: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!schema) return undefined;
  return schema.properties?.[key] ?? schema.allOf?.map((branch) => branch.then?.properties?.[key]).find(Boolean);
}

function itemSchema(schema: SchemaNode | undefined): SchemaNode | undefined {
  return schema?.items;
}

function keyOf(item: Located, mergeKey: string): string | number | boolean | null | undefined {
  if (item.kind !== 'map') return undefined;
  const key = item.entries.get(mergeKey);
  return key?.kind === 'scalar' ? key.value : undefined;
}
