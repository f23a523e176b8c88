/**
 * Adjustment 4, plain data resolved without ceremony. cdktf's resolver walks every value of
 * every element, and then the whole merged document a second time, creating two context
 * objects with closures and a copied key path for each value, though almost every value is
 * plain data (about a third of a synth, most of a fleet's). Inside `withTunedCdktf` the walk
 * copies plain values itself, with cdktf's own tests for token markers, and hands every value
 * that is or holds a token (or that cdktf would refuse) to cdktf's resolver, with the key path
 * it would have had; so the result, and any error, is cdktf's.
 */
import { cdktfSourceHolds } from './cdktf-source';
import { tunedScope } from './scope';

interface ResolveOptions {
  readonly prefix?: string[];
}
interface Encoding {
  BEGIN_STRING_TOKEN_MARKER: string;
  BEGIN_LIST_TOKEN_MARKER: string;
  BEGIN_MAP_TOKEN_MARKER: string;
  TokenString: {
    forString(s: string): { test(): boolean };
    forListToken(s: string): { test(): boolean };
    forMapToken(s: string): { test(): boolean };
  };
  createTokenDouble(x: number, list?: boolean): number;
  extractTokenDouble(x: number, list: boolean): number | undefined;
}

/** cdktf's pattern of a number token in a string (`tokens/private/encoding.js`, NUMBER_TOKEN_REGEX). */
const numberTokenPattern = '[-|\\d|.\\+]+(e[-|\\d|.|e|E|\\+]+)';

/** Deeper than this, cdktf's resolver takes over (it refuses depth 200 as a circular reference). */
const fastPathMaxDepth = 100;

/** Apply the adjustment; returns true, or why it was not applied. */
export function applyPlainDataFastPath(): true | string {
  const privateResolve = require('cdktf/lib/tokens/private/resolve') as { resolve: (obj: unknown, options: ResolveOptions) => unknown };
  const encoding = require('cdktf/lib/tokens/private/encoding') as Encoding;
  const { Token } = require('cdktf') as typeof import('cdktf');
  const full = privateResolve.resolve;
  // The branches the fast path reproduces for plain data, as cdktf 0.21.0 writes them.
  const branches = [
    'if (encoding_1.TokenString.forListToken(obj).test()) { throw (0, errors_1.encodedListTokenInScalarStringContext)(); } if (obj === token_1.Token.STRING_MAP_TOKEN_VALUE || obj === token_1.Token.ANY_MAP_TOKEN_VALUE) {',
    'if (tokenStr.test()) {',
    'const tokenNumberStr = encoding_1.TokenString.forNumbers(str); if (tokenNumberStr.test()) {',
    'if (obj === token_1.Token.NUMBER_MAP_TOKEN_VALUE) { throw (0, errors_1.encodedMapTokenInScalarNumberContext)(); } return resolveNumberToken(obj, makeContext()[0]);',
    'if (typeof obj !== "object" || obj instanceof Date) { return obj; }',
    'if ((0, encoding_1.containsStringListTokenElement)(obj)) { return options.resolver.resolveList(obj, makeContext()[0]); } if ((0, encoding_1.containsNumberListTokenElement)(obj)) { return options.resolver.resolveNumberList(obj, makeContext()[0]); } const arr = obj .map((x, i) => makeContext(`${i}`)[0].resolve(x)) .filter((x) => typeof x !== "undefined"); return arr;',
    'if ((0, encoding_1.containsMapToken)(obj)) {',
    'if ((0, encoding_1.unresolved)(obj)) {',
    'if (isConstruct(obj)) {',
    'for (const key of Object.keys(obj)) { const resolvedKey = makeContext()[0].resolve(key); if (typeof resolvedKey !== "string") { throw (0, errors_1.mapKeyMustResolveToString)(pathName, key, resolvedKey); } const value = makeContext(key)[0].resolve(obj[key]); // skip undefined if (typeof value === "undefined") { continue; } result[resolvedKey] = value; } return result;',
  ];
  if (!cdktfSourceHolds('tokens/private/resolve.js', 'function resolve(obj, options) {', ...branches))
    return 'tokens/private/resolve.js is not the one the adjustment was written for';
  // cdktf's string, list and map token patterns begin with these markers, literally; its number
  // pattern is module-private, so it is matched here from the same source text.
  if (
    !cdktfSourceHolds(
      'tokens/private/encoding.js',
      'const STRING_TOKEN_REGEX = new RegExp(`${QUOTED_BEGIN_STRING_TOKEN_MARKER}(',
      'const LIST_TOKEN_REGEX = new RegExp(`${QUOTED_BEGIN_LIST_TOKEN_MARKER}(',
      'const MAP_TOKEN_REGEX = new RegExp(`${QUOTED_BEGIN_MAP_TOKEN_MARKER}(',
      'function containsMapToken(xs) { return Object.keys(xs).some((x) => typeof x === "string" && TokenString.forMapToken(x).test()); }',
      `const NUMBER_TOKEN_REGEX = new RegExp("${numberTokenPattern.replace(/\\/g, '\\\\')}", "g");`,
    )
  )
    return 'tokens/private/encoding.js is not the one the adjustment was written for';
  const { TokenString, BEGIN_STRING_TOKEN_MARKER, BEGIN_LIST_TOKEN_MARKER, BEGIN_MAP_TOKEN_MARKER } = encoding;
  const numberToken = new RegExp(numberTokenPattern);
  const plainString = (s: string) =>
    // A string holding neither marker cannot match cdktf's string or list pattern; one that does is tested by cdktf itself.
    (!(s.includes(BEGIN_STRING_TOKEN_MARKER) || s.includes(BEGIN_LIST_TOKEN_MARKER)) ||
      (!TokenString.forListToken(s).test() && !TokenString.forString(s).test())) &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE &&
    !numberToken.test(s);
  // cdktf encodes a number token in a double's top 16 bits (sign, exponent), so every token
  // double is at least as far from 0 as the token with the smallest payload, 0, of either kind:
  // a number nearer 0 needs no look at its bits (cdktf's extractTokenDouble allocates a buffer for that).
  const tokenMagnitude = Math.min(Math.abs(encoding.createTokenDouble(0, false)), Math.abs(encoding.createTokenDouble(0, true)));
  const maybeToken = (n: number, list: boolean) =>
    !(n > -tokenMagnitude && n < tokenMagnitude) && encoding.extractTokenDouble(n, list) !== undefined;
  const plainNumber = (n: number) => n !== Token.NUMBER_MAP_TOKEN_VALUE && !maybeToken(n, false);
  // cdktf's containsStringListTokenElement and containsNumberListTokenElement, in one pass and
  // testing only a string holding the list marker (cdktf's list pattern begins with it).
  const holdsListToken = (items: readonly unknown[]) =>
    items.some((x) =>
      typeof x === 'string'
        ? x.includes(BEGIN_LIST_TOKEN_MARKER) && TokenString.forListToken(x).test()
        : typeof x === 'number' && maybeToken(x, true),
    );
  // cdktf's resolver for `value` at key path `at` below the caller's prefix.
  const byCdktf = (value: unknown, options: ResolveOptions, at: readonly string[]) =>
    full(value, { ...options, prefix: [...(options.prefix ?? []), ...at] });
  // A plain object's keys, unless one of them makes it cdktf's: a key holding a token (or the map
  // marker), or the keys of a resolvable or of a construct, which cdktf refuses.
  const plainKeys = (object: Record<string, unknown>): string[] | undefined => {
    const keys = Object.keys(object);
    let children = false;
    let metadata = false;
    for (const key of keys) {
      // cdktf's containsMapToken tests each key so; its map pattern begins with the marker.
      if (!plainString(key) || (key.includes(BEGIN_MAP_TOKEN_MARKER) && TokenString.forMapToken(key).test())) return undefined;
      if (key === 'resolve' && typeof object.resolve === 'function') return undefined;
      if (key === '_children') children = object._children !== undefined;
      if (key === '_metadata') metadata = object._metadata !== undefined;
    }
    return children && metadata ? undefined : keys;
  };

  // The value cdktf's resolver would return for `value` at key path `at` (below the caller's
  // prefix): plain values copied here, anything else resolved by cdktf with that key path.
  const walk = (value: unknown, options: ResolveOptions, at: string[]): unknown => {
    if (value === undefined || value === null) return value;
    switch (typeof value) {
      case 'string':
        return plainString(value) ? value : byCdktf(value, options, at);
      case 'number':
        return plainNumber(value) ? value : byCdktf(value, options, at);
      case 'function':
        return byCdktf(value, options, at);
      case 'object':
        break;
      default:
        return value;
    }
    if (value instanceof Date) return value;
    if (at.length > fastPathMaxDepth) return byCdktf(value, options, at);
    if (Array.isArray(value)) {
      if (holdsListToken(value)) return byCdktf(value, options, at);
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        at.push(`${i}`);
        const item = walk(value[i], options, at);
        at.pop();
        if (item !== undefined) out.push(item);
      }
      return out;
    }
    const object = value as Record<string, unknown>;
    // Own keys only answer for a plain object; anything else (a token, a construct) may inherit `resolve` or `_children`.
    const prototype = Object.getPrototypeOf(object) as unknown;
    const inheritsCdktfShape =
      prototype !== Object.prototype &&
      prototype !== null &&
      (typeof object.resolve === 'function' || (object._children !== undefined && object._metadata !== undefined));
    const keys = inheritsCdktfShape ? undefined : plainKeys(object);
    if (keys === undefined) return byCdktf(value, options, at);
    const result: Record<string, unknown> = {};
    for (const key of keys) {
      at.push(key);
      const item = walk(object[key], options, at);
      at.pop();
      if (item !== undefined) result[key] = item;
    }
    return result;
  };
  privateResolve.resolve = function resolveWithPlainFastPath(obj: unknown, options: ResolveOptions): unknown {
    return tunedScope.depth > 0 ? walk(obj, options, []) : full(obj, options);
  };
  return true;
}
