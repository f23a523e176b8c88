/**
 * Whether code runs inside `withTunedCdktf` (index.ts): the adjustments change cdktf's
 * behaviour only there, and cdktf behaves as shipped everywhere else in the process.
 */
export const tunedScope = {
  /** Nesting depth of `withTunedCdktf` calls; 0 outside. */
  depth: 0,
  /** Of those, the calls that turned token stack traces off (all but GOVSTACK_DEBUG runs). */
  tracesOff: 0,
};
