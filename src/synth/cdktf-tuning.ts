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
 * 4. **Plain data resolved without ceremony.** cdktf's resolver walks every value of every
 *    element, and then the whole merged document a second time, creating two context objects
 *    with closures and a copied key path for each value, though almost every value is plain
 *    data (about a third of a synth, most of a fleet's). Inside `withTunedCdktf` the walk
 *    copies plain values itself, with cdktf's own tests for token markers, and hands every
 *    value that is or holds a token (or that cdktf would refuse) to cdktf's resolver, with the
 *    key path it would have had; so the result, and any error, is cdktf's.
 * 5. **One copy of a folder asset per synthesis.** cdktf copies a folder asset into every
 *    stack that uses it (`private/fs.js` `copySync`): a fleet of 100 countries copied the four
 *    charts 100 times, and writing them to disk (fsync, publish.ts) and removing the previous
 *    generation cost more than building the stacks. Inside `withTunedCdktf`, the second and
 *    later copies of the same source folder are hard links to the files of the first copy
 *    (same bytes, same folder layout; a plain copy where the filesystem refuses a link). The
 *    stacks stay self-contained folders; their asset files share storage, so they must not be
 *    edited in place (synth never does; it writes a new generation).
 *
 * Each adjustment is applied only when the installed cdktf is the version written for and the
 * function it replaces has the exact source it was written against; otherwise cdktf runs
 * unchanged (correct, only slower) and `cdktfTuning()` says which were not applied. A unit
 * test fails when cdktf changes, so that the adjustments are re-examined. The golden-output
 * tests (test/golden) prove the output is byte-identical with and without them.
 */
import { copyFileSync, linkSync, mkdirSync, readdirSync } from 'node:fs';
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
  readonly plainDataFastPath: true | string;
  readonly folderAssetLinks: true | string;
}

const status: { -readonly [K in keyof CdktfTuning]: CdktfTuning[K] } = {
  cdktfVersion: installedVersion,
  archiverOnUse: 'not attempted',
  noTokenStackTraces: 'not attempted',
  noCrossStackPreparation: 'not attempted',
  plainDataFastPath: 'not attempted',
  folderAssetLinks: 'not attempted',
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
  const real = (): ((...args: unknown[]) => unknown) => {
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
    status.plainDataFastPath = versionProblem;
    status.folderAssetLinks = versionProblem;
    return;
  }
  applyPlainDataFastPath();
  applyFolderAssetLinks();

  const traces = require(path.join(cdktfDir, 'lib', 'tokens', 'private', 'stack-trace.js')) as {
    captureStackTrace: (below?: unknown) => string[];
  };
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
  const expressions = require(path.join(cdktfDir, 'lib', 'tfExpression.js')) as {
    ref: (identifier: string, stack?: TerraformStack) => object;
  };
  const reference = Object.getPrototypeOf(expressions.ref('govstack.probe')) as { resolve: (context: { scope: unknown }) => unknown };
  const prepareSource = squeeze(TerraformStack.prototype.prepareStack);
  const referenceSource = squeeze(reference.resolve);
  if (
    !prepareSource.includes(
      'this.ensureBackendExists(); // A preparing resolve run might add new resources to the stack, e.g. for cross stack references. terraformElements(this).forEach((e) => (0, _tokens_1.resolve)(this, e.toTerraform(), true));',
    ) ||
    !referenceSource.includes(
      'if (context.preparing) { // Cross stack reference if (this.originStack && this.originStack !== resolutionStack)',
    )
  ) {
    status.noCrossStackPreparation = 'TerraformStack.prepareStack or the Reference token is not the one the adjustment was written for';
    return;
  }
  const resolve = reference.resolve;
  reference.resolve = function resolveWithinOwnStack(
    this: { originStack?: TerraformStack; identifier: string; crossStackIdentifier: Record<string, string> },
    context: { scope: unknown },
  ) {
    if (this.originStack) {
      const here = TerraformStack.of(context.scope as never);
      if (tunedStacks.has(here) && this.originStack !== here && !this.crossStackIdentifier[String(here)]) {
        throw new Error(
          `stack ${String(here)} references ${this.identifier} of stack ${String(this.originStack)}; govstack stacks must be independent (cross-stack preparation is skipped)`,
        );
      }
    }
    return resolve.call(this, context);
  };
  status.noCrossStackPreparation = true;
}

// ---- 4. plain data resolved without ceremony ----------------------------------------------
let fastPathOn = 0;

interface ResolveOptions {
  readonly prefix?: string[];
}
interface Encoding {
  TokenString: {
    forString(s: string): { test(): boolean };
    forListToken(s: string): { test(): boolean };
    forNumbers(s: string): { test(): boolean };
  };
  containsStringListTokenElement(xs: unknown[]): boolean;
  containsNumberListTokenElement(xs: unknown[]): boolean;
  containsMapToken(xs: object): boolean;
  extractTokenDouble(x: number, list: boolean): number | undefined;
}

/** Deeper than this, cdktf's resolver takes over (it refuses depth 200 as a circular reference). */
const fastPathMaxDepth = 100;

function applyPlainDataFastPath(): void {
  const privateResolve = require(path.join(cdktfDir, 'lib', 'tokens', 'private', 'resolve.js')) as {
    resolve: (obj: unknown, options: ResolveOptions) => unknown;
  };
  const encoding = require(path.join(cdktfDir, 'lib', 'tokens', 'private', 'encoding.js')) as Encoding;
  const { Token } = require('cdktf') as typeof import('cdktf');
  const full = privateResolve.resolve;
  const source = squeeze(full);
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
  if (!branches.every((b) => source.includes(b))) {
    status.plainDataFastPath = 'tokens/private/resolve.js is not the one the adjustment was written for';
    return;
  }
  const { TokenString } = encoding;
  const plainString = (s: string) =>
    !TokenString.forListToken(s).test() &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE &&
    !TokenString.forString(s).test() &&
    !TokenString.forNumbers(s).test();

  // The value cdktf's resolver would return for `value` at key path `at` (below the caller's
  // prefix): plain values copied here, anything else resolved by cdktf with that key path.
  const walk = (value: unknown, options: ResolveOptions, at: string[]): unknown => {
    const byCdktf = () => full(value, { ...options, prefix: [...(options.prefix ?? []), ...at] });
    if (value === undefined || value === null) return value;
    switch (typeof value) {
      case 'string':
        return plainString(value) ? value : byCdktf();
      case 'number':
        return value !== Token.NUMBER_MAP_TOKEN_VALUE && encoding.extractTokenDouble(value, false) === undefined ? value : byCdktf();
      case 'function':
        return byCdktf();
      case 'object':
        break;
      default:
        return value;
    }
    if (value instanceof Date) return value;
    if (at.length > fastPathMaxDepth) return byCdktf();
    if (Array.isArray(value)) {
      if (encoding.containsStringListTokenElement(value) || encoding.containsNumberListTokenElement(value)) return byCdktf();
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
    const keys = Object.keys(object);
    // A map token, a resolvable, a construct (refused) or a key holding a token: cdktf's.
    if (
      encoding.containsMapToken(object) ||
      typeof object.resolve === 'function' ||
      (object._children !== undefined && object._metadata !== undefined) ||
      !keys.every(plainString)
    )
      return byCdktf();
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
    return fastPathOn > 0 ? walk(obj, options, []) : full(obj, options);
  };
  status.plainDataFastPath = true;
}

// ---- 5. one copy of a folder asset per synthesis ------------------------------------------
/** Per source folder, its first copy in the current `withTunedCdktf` call. */
let firstCopies: Map<string, string> | undefined;

/** Recreate the tree `from` at `to` with hard links to its files (copies where a link is refused). */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
}

function applyFolderAssetLinks(): void {
  const fsModule = require(path.join(cdktfDir, 'lib', 'private', 'fs.js')) as { copySync: (src: string, dest: string) => void };
  const assetSource = squeeze((require('cdktf') as typeof import('cdktf')).TerraformAsset.prototype['_onSynthesize' as never]);
  const copy = fsModule.copySync;
  if (
    !squeeze(copy).includes(
      'function walkSubfolder(p) { const sourceDir = path.resolve(src, p); fs.mkdirSync(path.resolve(dest, p), { recursive: true });',
    ) ||
    !assetSource.includes('case AssetType.DIRECTORY: (0, fs_1.copySync)(this.sourcePath, targetPath); break;')
  ) {
    status.folderAssetLinks = 'private/fs.js copySync or TerraformAsset is not the one the adjustment was written for';
    return;
  }
  // TerraformAsset reads the export at each call (`(0, fs_1.copySync)(...)`).
  fsModule.copySync = function copyOnceThenLink(src: string, dest: string): void {
    const source = path.resolve(src);
    const first = firstCopies?.get(source);
    if (first === undefined) {
      copy(src, dest);
      firstCopies?.set(source, path.resolve(dest));
    } else linkTree(first, dest);
  };
  status.folderAssetLinks = true;
}

/**
 * Run `body` (which builds and synthesises an App) with plain data resolved on the fast path,
 * later copies of a folder asset linked to its first copy, and token stack traces off (unless
 * GOVSTACK_DEBUG is set). Synchronous, so no other code runs while the traces are off.
 */
export function withTunedCdktf<T>(body: () => T): T {
  applyTokenAdjustments();
  const off = !process.env.GOVSTACK_DEBUG;
  if (off) tracesOff++;
  fastPathOn++;
  const outerCopies = firstCopies;
  firstCopies = new Map();
  try {
    return body();
  } finally {
    if (off) tracesOff--;
    fastPathOn--;
    firstCopies = outerCopies;
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
