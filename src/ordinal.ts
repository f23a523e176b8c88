/**
 * Ordinal string order: by UTF-16 code unit, the order `Array.prototype.sort()` uses by
 * default. Unlike `localeCompare`, it is the same under every locale and ICU version (so sorted
 * output is byte-identical anywhere) and needs no ICU collator, whose creation on first use
 * costs about 13 ms of a command's start-up on the reference machine (BENCHMARKS.md).
 *
 * @returns negative when `a` sorts before `b`, positive after, 0 when equal.
 */
export function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
