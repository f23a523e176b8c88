/**
 * Adjustment 6, the stack's JSON written without a general-purpose serialiser. cdktf writes
 * each `cdk.tf.json` with json-stable-stringify (`synthesize/synthesizer.js`, `{ space: 2 }`),
 * which handles comparators, replacers and cycles through bound helpers at every value: about
 * 6 % of a synth. Inside `withTunedCdktf`, a call with exactly `{ space: 2 }` is served by
 * `sortedJson` below, which writes the same bytes (keys in the same order, the same spacing,
 * empty objects and arrays as json-stable-stringify writes them: `{`, newline, indent, `}`);
 * every other call, and every call outside, goes to json-stable-stringify. Like adjustment 1,
 * a stand-in is registered in Node's module cache before cdktf loads.
 */
import * as path from 'node:path';
import { loadReal, standInFor } from './cdktf-source';
import { tunedScope } from './scope';

type Stringify = (value: unknown, options?: unknown) => string | undefined;

/** The json-stable-stringify version the equivalence was checked against (test/unit/cdktf-tuning.test.ts). */
export const stableStringifyVersion = '1.3.0';

/**
 * JSON of `value` as json-stable-stringify 1.3.0 writes it with `{ space: 2 }`: object keys
 * sorted by UTF-16 code units, two spaces per level, `toJSON` honoured, undefined and function
 * values left out of objects and written `null` in arrays. Throws TypeError on a cycle.
 */
export function sortedJson(value: unknown): string | undefined {
  const seen = new Set<object>();
  const write = (node: unknown, indent: string): string | undefined => {
    if (node !== null && typeof node === 'object' && typeof (node as { toJSON?: unknown }).toJSON === 'function')
      node = (node as { toJSON: () => unknown }).toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const inner = `${indent}  `;
    if (Array.isArray(node)) {
      let out = '[';
      for (let i = 0; i < node.length; i++) out += `${i > 0 ? ',' : ''}\n${inner}${write(node[i], inner) ?? 'null'}`;
      return `${out}\n${indent}]`;
    }
    if (seen.has(node)) throw new TypeError('Converting circular structure to JSON');
    seen.add(node);
    let out = '{';
    let first = true;
    for (const key of Object.keys(node).sort()) {
      const item = write((node as Record<string, unknown>)[key], inner);
      if (!item) continue;
      out += `${first ? '' : ','}\n${inner}${JSON.stringify(key)}: ${item}`;
      first = false;
    }
    seen.delete(node);
    return `${out}\n${indent}}`;
  };
  return write(value, '');
}

/** Whether the stand-in is in place, or why not. */
export const fastStableStringify: true | string = standInFor('json-stable-stringify', 'synthesize/synthesizer.js', (file) => {
  const version = (require(path.join(path.dirname(file), 'package.json')) as { version: string }).version;
  if (version !== stableStringifyVersion)
    return `json-stable-stringify ${version} is installed; the equivalence was checked for ${stableStringifyVersion}`;
  let real: Stringify | undefined;
  const standIn: Stringify = (value, options) => {
    const spaceTwoOnly =
      options !== null && typeof options === 'object' && Object.keys(options).length === 1 && (options as { space?: unknown }).space === 2;
    if (tunedScope.depth > 0 && spaceTwoOnly) return sortedJson(value);
    real ??= loadReal<Stringify>(file);
    return real(value, options);
  };
  return Object.assign(standIn, { govstackStandIn: true });
});
