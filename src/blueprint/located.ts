import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { joinPointer, Problem, SourceLocation } from './problems';
import { yamlProblemMessage } from './yaml-errors';

/**
 * A parsed document whose every value remembers the file and line it came from, so that
 * problems found after overlays are merged still point at the line a user must edit.
 */
export type Located =
  | { readonly kind: 'map'; readonly entries: ReadonlyMap<string, Located>; readonly loc: SourceLocation }
  | { readonly kind: 'seq'; readonly items: readonly Located[]; readonly loc: SourceLocation }
  | { readonly kind: 'scalar'; readonly value: string | number | boolean | null; readonly loc: SourceLocation };

/** Limits that keep hostile input from exhausting memory or the stack. */
export const parseLimits = {
  /** Nesting deeper than this is not a blueprint. */
  maxDepth: 64,
  /** Values in one document after aliases are expanded (stops alias bombs). */
  maxNodes: 50_000,
};

class TooLarge extends Error {}

/**
 * Parse YAML (JSON is YAML) into a located tree. Syntax errors, duplicate keys, non-string
 * keys, excessive nesting and alias expansion become problems, never exceptions.
 */
export function parseLocated(text: string, file: string): { tree?: Located; problems: Problem[] } {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (err) {
    if (err instanceof RangeError) return { problems: [{ file, line: 0, pointer: '', message: 'document is nested too deeply to parse' }] };
    throw err;
  }
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lineCounter.linePos(offset).line);
  const problems: Problem[] = doc.errors.map((e) => ({
    file,
    line: lineOf(e.pos[0]),
    pointer: '',
    message: yamlProblemMessage(e, text, lineOf(e.pos[0])),
  }));
  if (problems.length > 0) return { problems };
  if (doc.contents === null) return { problems: [{ file, line: 1, pointer: '', message: 'the document is empty' }] };

  let count = 0;
  const convert = (node: unknown, pointer: string, keyLine: number, depth: number): Located | undefined => {
    if (++count > parseLimits.maxNodes) throw new TooLarge();
    if (depth > parseLimits.maxDepth) {
      problems.push({ file, line: keyLine, pointer, message: `nesting deeper than ${parseLimits.maxDepth} levels` });
      return undefined;
    }
    let target = node;
    if (isAlias(node)) target = node.resolve(doc);
    const loc = { file, line: keyLine || lineOf((target as Node | undefined)?.range?.[0]) };
    if (isMap(target)) {
      const entries = new Map<string, Located>();
      for (const pair of target.items) {
        const keyNode = pair.key;
        const line = lineOf((keyNode as Node | null)?.range?.[0]);
        if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
          problems.push({ file, line, pointer, message: 'every key must be a plain string' });
          continue;
        }
        const child = convert(pair.value, joinPointer(pointer, keyNode.value), line, depth + 1);
        if (child) entries.set(keyNode.value, child);
      }
      return { kind: 'map', entries, loc };
    }
    if (isSeq(target)) {
      const items: Located[] = [];
      target.items.forEach((item, i) => {
        const child = convert(item, joinPointer(pointer, i), lineOf((item as Node | null)?.range?.[0]), depth + 1);
        if (child) items.push(child);
      });
      return { kind: 'seq', items, loc };
    }
    if (isScalar(target)) {
      const value = target.value;
      if (value === null || typeof value === 'string' || typeof value === 'boolean') return { kind: 'scalar', value, loc };
      if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'scalar', value, loc };
      problems.push({ file, line: loc.line, pointer, message: 'unsupported value (numbers must be finite; no binary, dates or tags)' });
      return undefined;
    }
    if (target === null || target === undefined) return { kind: 'scalar', value: null, loc };
    problems.push({ file, line: loc.line, pointer, message: 'unsupported YAML node' });
    return undefined;
  };

  try {
    const tree = convert(doc.contents, '', 0, 0);
    return problems.length > 0 ? { problems } : { tree, problems };
  } catch (err) {
    if (err instanceof TooLarge) {
      return { problems: [{ file, line: 0, pointer: '', message: `more than ${parseLimits.maxNodes} values after expanding aliases` }] };
    }
    if (err instanceof RangeError) return { problems: [{ file, line: 0, pointer: '', message: 'document is nested too deeply to parse' }] };
    throw err;
  }
}

/** The plain JSON value of a located tree, and where each pointer's value came from. */
export function toPlain(tree: Located): { value: unknown; locations: Map<string, SourceLocation> } {
  const locations = new Map<string, SourceLocation>();
  const walk = (node: Located, pointer: string): unknown => {
    locations.set(pointer, node.loc);
    switch (node.kind) {
      case 'scalar':
        return node.value;
      case 'seq':
        return node.items.map((item, i) => walk(item, joinPointer(pointer, i)));
      case 'map': {
        const out: Record<string, unknown> = {};
        // defineProperty, not assignment: a key named __proto__ must stay data.
        for (const [key, child] of node.entries) {
          Object.defineProperty(out, key, {
            value: walk(child, joinPointer(pointer, key)),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
    }
  };
  return { value: walk(tree, ''), locations };
}

/** The location of the deepest value on the path to `pointer`. */
export function locate(locations: ReadonlyMap<string, SourceLocation>, pointer: string, fallback: SourceLocation): SourceLocation {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const found = locations.get(p);
    if (found) return found;
    if (p === '') return fallback;
  }
}
