/**
 * Narrow adjustments to cdktf 0.21.0 that remove costs govstack's synthesis never needs. cdktf
 * offers no switch for any of them (its `stackTraces: false` only drops construct metadata
 * traces, and `skipValidation` skips construct validations the project wants), so each is a
 * small, checked change of one cdktf function:
 *
 * 1. **Archive library loaded on use.** `cdktf/lib/private/fs.js` requires `archiver` (and its
 *    dependency tree, ~15 % of a synth's start-up) when cdktf loads, yet calls it only in a
 *    child process it spawns to zip an archive asset, and govstack's assets are folders. A
 *    stand-in is registered under archiver's module path that loads the real library on its
 *    first call.
 * 2. **No stack trace per token.** cdktf captures a full stack trace for every token it
 *    creates (`tokens/private/stack-trace.js`), only to print it if that token later fails to
 *    resolve: about 6 % of a synth's time and most of the construct tree's heap. Inside
 *    `withTunedCdktf` it returns an empty trace (`GOVSTACK_DEBUG=1` keeps the traces).
 * 3. **No cross-stack preparation pass.** `TerraformStack.prepareStack` resolves the whole
 *    stack once to discover references between stacks, before the real resolve: about 15 %
 *    of a synth. Every govstack stack is built from its own model and references nothing in
 *    another stack, so for the stacks of an app given to `skipCrossStackPreparation` that pass
 *    is left out; should such a stack ever resolve a reference to another stack, synthesis
 *    fails loudly instead of writing a wrong reference.
 *
 * Each adjustment is applied only when the installed cdktf is the version written for and the
 * function it replaces has the exact source it was written against; otherwise cdktf runs
 * unchanged (correct, only slower) and `cdktfTuning()` says which were not applied. A unit
 * test fails when cdktf changes, so that the adjustments are re-examined. The golden-output
 * tests (test/golden) prove the output is byte-identical with and without them.
 */
import * as path from 'node:path';
import type { App, TerraformStack } from 'cdktf';

/** The cdktf version these adjustments were written for and tested against. */
export const cdktfVersionTuned = '0.21.0';

const cdktfDir = path.dirname(require.resolve('cdktf/package.json'));
const installedVersion = (require('cdktf/package.json') as { version: string }).version;
const versionMatches = installedVersion === cdktfVersionTuned;

/** Which adjustment is active, and why not when it is not. */
export interface CdktfTuning {
  readonly cdktfVersion: string;
  readonly archiverOnUse: true | string;
  readonly noTokenStackTraces: true | string;
  readonly noCrossStackPreparation: true | string;
}

const status: { -readonly [K in keyof CdktfTuning]: CdktfTuning[K] } = {
  cdktfVersion: installedVersion,
  archiverOnUse: 'not attempted',
  noTokenStackTraces: 'not attempted',
  noCrossStackPreparation: 'not attempted',
};

/** What is adjusted in this process (see the file's comment). */
export function cdktfTuning(): CdktfTuning {
  applyTokenAdjustments();
  return { ...status };
}

const squeeze = (fn: unknown) => String(fn).replace(/\s+/g, ' ');
const versionProblem = `cdktf ${installedVersion} is installed; the adjustment was written for ${cdktfVersionTuned}`;

// ---- 1. archiver, loaded on use --------------------------------------------------------------
// Must run before cdktf is first loaded, hence at module load (synthesize.ts imports this
// file before anything that loads cdktf).
(function deferArchiver(): void {
  if (!versionMatches) {
    status.archiverOnUse = versionProblem;
    return;
  }
  let file: string;
  try {
    file = require.resolve('archiver', { paths: [path.join(cdktfDir, 'lib', 'private')] });
  } catch {
    status.archiverOnUse = 'archiver is not installed beside cdktf';
    return;
  }
  if (require.cache[file] || require.cache[path.join(cdktfDir, 'lib', 'private', 'fs.js')]) {
    status.archiverOnUse = 'cdktf was loaded before the adjustment';
    return;
  }
  const real = (): (...args: unknown[]) => unknown => {
    delete require.cache[file];
    const loaded = require(file) as (...args: unknown[]) => unknown;
    return loaded;
  };
  const standIn = Object.assign((...args: unknown[]) => real()(...args), { govstackStandIn: true });
  const Module = require('node:module') as { new (id: string): NodeJS.Module & { loaded: boolean } };
  const entry = new Module(file);
  entry.filename = file;
  entry.loaded = true;
  entry.exports = standIn;
  require.cache[file] = entry;
  status.archiverOnUse = true;
})();

// ---- 2. and 3.: token stack traces, cross-stack preparation --------------------------------
let tracesOff = 0;
const tunedStacks = new WeakSet<object>();
let tokenAdjustmentsApplied = false;

function applyTokenAdjustments(): void {
  if (tokenAdjustmentsApplied) return;
  tokenAdjustmentsApplied = true;
  if (!versionMatches) {
    status.noTokenStackTraces = versionProblem;
    status.noCrossStackPreparation = versionProblem;
    return;
  }

  const traces = require(path.join(cdktfDir, 'lib', 'tokens', 'private', 'stack-trace.js')) as { captureStackTrace: (below?: unknown) => string[] };
  const capture = traces.captureStackTrace;
  if (!squeeze(capture).includes('Error.stackTraceLimit = Number.MAX_SAFE_INTEGER; Error.captureStackTrace(object, below);')) {
    status.noTokenStackTraces = 'tokens/private/stack-trace.js is not the one the adjustment was written for';
  } else {
    // Callers read the export at each call (`(0, stack_trace_1.captureStackTrace)()`).
    traces.captureStackTrace = function captureStackTraceUnlessTuned(below?: unknown): string[] {
      return tracesOff > 0 ? [] : capture(below ?? captureStackTraceUnlessTuned);
    };
    status.noTokenStackTraces = true;
  }

  const { TerraformStack } = require('cdktf') as typeof import('cdktf');
  const expressions = require(path.join(cdktfDir, 'lib', 'tfExpression.js')) as { ref: (identifier: string, stack?: TerraformStack) => object };
  const reference = Object.getPrototypeOf(expressions.ref('govstack.probe')) as { resolve: (context: { scope: unknown }) => unknown };
  const prepareSource = squeeze(TerraformStack.prototype.prepareStack);
  const referenceSource = squeeze(reference.resolve);
  if (
    !prepareSource.includes('this.ensureBackendExists(); // A preparing resolve run might add new resources to the stack, e.g. for cross stack references. terraformElements(this).forEach((e) => (0, _tokens_1.resolve)(this, e.toTerraform(), true));') ||
    !referenceSource.includes('if (context.preparing) { // Cross stack reference if (this.originStack && this.originStack !== resolutionStack)')
  ) {
    status.noCrossStackPreparation = 'TerraformStack.prepareStack or the Reference token is not the one the adjustment was written for';
    return;
  }
  const resolve = reference.resolve;
  reference.resolve = function resolveWithinOwnStack(this: { originStack?: TerraformStack; identifier: string; crossStackIdentifier: Record<string, string> }, context: { scope: unknown }) {
    if (this.originStack) {
      const here = TerraformStack.of(context.scope as never);
      if (tunedStacks.has(here) && this.originStack !== here && !this.crossStackIdentifier[String(here)]) {
        throw new Error(`stack ${String(here)} references ${this.identifier} of stack ${String(this.originStack)}; govstack stacks must be independent (cross-stack preparation is skipped)`);
      }
    }
    return resolve.call(this, context);
  };
  status.noCrossStackPreparation = true;
}

/**
 * Run `body` (which builds and synthesises an App) with token stack traces off, unless
 * GOVSTACK_DEBUG is set. Synchronous, so no other code runs while the traces are off.
 */
export function withTunedCdktf<T>(body: () => T): T {
  applyTokenAdjustments();
  const off = !process.env.GOVSTACK_DEBUG;
  if (off) tracesOff++;
  try {
    return body();
  } finally {
    if (off) tracesOff--;
  }
}

/**
 * Leave out cdktf's cross-stack preparation pass for every stack of `app` (only the backend
 * is ensured, the rest of that pass). Call after the stacks are built, before `app.synth()`.
 */
export function skipCrossStackPreparation(app: App): void {
  applyTokenAdjustments();
  if (status.noCrossStackPreparation !== true) return;
  const { TerraformStack } = require('cdktf') as typeof import('cdktf');
  for (const child of app.node.findAll()) {
    if (!TerraformStack.isStack(child)) continue;
    const stack = child as TerraformStack & { ensureBackendExists: () => unknown };
    tunedStacks.add(stack);
    stack.prepareStack = function prepareBackendOnly(): void {
      stack.ensureBackendExists();
    };
  }
}
