import { Located } from './located';
import { joinPointer, SourceLocation } from './problems';

/** Key of a list item that removes the base item with the same merge key. */
export const removeMarker = '$remove';

/** What an overlay took away: the pointer (in the base) and the line that removed it. */
export interface Removal {
  readonly pointer: string;
  readonly by: SourceLocation;
}

/**
 * Overlay merge (`extends:`), driven by the schema so every list follows one rule:
 *
 * - maps merge key by key, recursively; the overlay wins;
 * - `null` in the overlay removes the key from the result;
 * - a map whose schema is a tagged union (`target` by `kind`, `state` by `backend`) is
 *   replaced, not merged, when the overlay changes the tag: the base's other fields belong to
 *   the old kind;
 * - a list whose schema names an `x-merge-key` (organisations by `name`, flows by `to`,
 *   alert receivers by `name`) merges item by item on that key: an overlay item with a
 *   known key merges into the base item, a new key is appended, order of the base is kept;
 *   an item `{<key>: x, $remove: true}` removes the base item x;
 * - any other list, and every scalar, is replaced by the overlay's value.
 *
 * Every removal is reported to `removed` (if given), so later checks can say which line
 * took a value away.
 */
export function mergeLocated(base: Located, overlay: Located, schema: SchemaNode | undefined, pointer = '', removed?: Removal[]): Located {
  if (base.kind === 'map' && overlay.kind === 'map') {
    const tag = variantTag(schema);
    if (
      tag &&
      tagValue(base, tag) !== undefined &&
      tagValue(overlay, tag) !== undefined &&
      tagValue(base, tag) !== tagValue(overlay, tag)
    ) {
      return withoutNulls(overlay);
    }
    const entries = new Map(base.entries);
    for (const [key, value] of overlay.entries) {
      if (value.kind === 'scalar' && value.value === null) {
        if (entries.delete(key)) removed?.push({ pointer: joinPointer(pointer, key), by: value.loc });
        continue;
      }
      const previous = entries.get(key);
      entries.set(
        key,
        previous ? mergeLocated(previous, value, childSchema(schema, key), joinPointer(pointer, key), removed) : withoutNulls(value),
      );
    }
    return { kind: 'map', entries, loc: overlay.loc };
  }
  const mergeKey = schema?.['x-merge-key'];
  if (base.kind === 'seq' && overlay.kind === 'seq' && typeof mergeKey === 'string') {
    const items: (Located | undefined)[] = [...base.items];
    const appended: Located[] = [];
    for (const item of overlay.items) {
      const key = keyOf(item, mergeKey);
      const at = key === undefined ? -1 : items.findIndex((existing) => existing !== undefined && keyOf(existing, mergeKey) === key);
      if (isRemoval(item)) {
        if (at >= 0) {
          removed?.push({ pointer: joinPointer(pointer, at), by: item.loc });
          items[at] = undefined;
        }
        continue; // removing what is not there is a no-op: the base may already have dropped it
      }
      if (at >= 0) items[at] = mergeLocated(items[at]!, item, itemSchema(schema), joinPointer(pointer, at), removed);
      else appended.push(item);
    }
    return { kind: 'seq', items: [...items.filter((i): i is Located => i !== undefined), ...appended], loc: overlay.loc };
  }
  return withoutRemovals(overlay, schema);
}

/** `{<key>: x, $remove: true}`: the overlay asks to drop base item x. */
function isRemoval(item: Located): boolean {
  const marker = item.kind === 'map' ? item.entries.get(removeMarker) : undefined;
  return marker?.kind === 'scalar' && marker.value === true;
}

/** A value new to the merge keeps no `null` keys: there is nothing for them to remove. */
function withoutNulls(node: Located): Located {
  if (node.kind !== 'map') return node;
  const entries = new Map(
    [...node.entries].filter(([, v]) => !(v.kind === 'scalar' && v.value === null)).map(([k, v]) => [k, withoutNulls(v)]),
  );
  return { ...node, entries };
}

/** A keyed list new to the merge keeps no `$remove` items: there is nothing for them to remove. */
function withoutRemovals(node: Located, schema: SchemaNode | undefined): Located {
  if (node.kind === 'seq' && typeof schema?.['x-merge-key'] === 'string')
    return { ...node, items: node.items.filter((i) => !isRemoval(i)) };
  return node;
}

/** The part of a JSON Schema the merge reads. */
export interface SchemaNode {
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly allOf?: readonly {
    readonly if?: { readonly properties?: Record<string, unknown> };
    readonly then?: SchemaNode;
    readonly else?: SchemaNode;
  }[];
  readonly 'x-merge-key'?: string;
}

/** The tag of a tagged union (`variant()` in schema.ts): the property its `if` branches test. */
function variantTag(schema: SchemaNode | undefined): string | undefined {
  const first = schema?.allOf?.[0]?.if?.properties;
  return first ? Object.keys(first)[0] : undefined;
}

function tagValue(node: Located, tag: string): unknown {
  const value = node.kind === 'map' ? node.entries.get(tag) : undefined;
  return value?.kind === 'scalar' ? value.value : undefined;
}

function childSchema(schema: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (!schema) return undefined;
  return (
    schema.properties?.[key] ??
    // a map of named entries (customBuildingBlocks, customProducts): every entry has one schema
    (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined) ??
    schema.allOf?.map((branch) => branch.then?.properties?.[key] ?? branch.else?.properties?.[key]).find(Boolean)
  );
}

function itemSchema(schema: SchemaNode | undefined): SchemaNode | undefined {
  return schema?.items;
}

function keyOf(item: Located, mergeKey: string): string | number | boolean | null | undefined {
  if (item.kind !== 'map') return undefined;
  const key = item.entries.get(mergeKey);
  return key?.kind === 'scalar' ? key.value : undefined;
}
