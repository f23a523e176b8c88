/**
 * Adjustment 2, no stack trace per token. cdktf captures a full stack trace for every token it
 * creates (`tokens/private/stack-trace.js`), only to print it if that token later fails to
 * resolve: about 6 % of a synth's time and most of the construct tree's heap. Inside
 * `withTunedCdktf` it returns an empty trace (`GOVSTACK_DEBUG=1` keeps the traces).
 */
import { cdktfSourceHolds } from './cdktf-source';
import { tunedScope } from './scope';

/** Apply the adjustment; returns true, or why it was not applied. */
export function applyNoTokenStackTraces(): true | string {
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
  const capture = traces.captureStackTrace;
  if (
    !cdktfSourceHolds(
      'tokens/private/stack-trace.js',
      'function captureStackTrace(below) { below = below || captureStackTrace; // hide myself if nothing else const object = { stack: "" }; const previousLimit = Error.stackTraceLimit; try { Error.stackTraceLimit = Number.MAX_SAFE_INTEGER; Error.captureStackTrace(object, below);',
    )
  )
    return 'tokens/private/stack-trace.js is not the one the adjustment was written for';
  // Callers read the export at each call (`(0, stack_trace_1.captureStackTrace)()`).
  traces.captureStackTrace = function captureStackTraceUnlessTuned(below?: unknown): string[] {
    return tunedScope.tracesOff > 0 ? [] : capture(below ?? captureStackTraceUnlessTuned);
  };
  return true;
}
