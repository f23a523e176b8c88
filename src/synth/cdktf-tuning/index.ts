/**
 * Narrow adjustments to cdktf 0.21.0 that remove costs govstack's synthesis never needs. cdktf
 * offers no switch for any of them (its `stackTraces: false` only drops construct metadata
 * traces, and `skipValidation` skips construct validations the project wants), so each is a
 * small, checked change of one cdktf function, in a file of its own:
 *
 * 1. the archive library loaded on use (archiver-on-use.ts);
 * 2. no stack trace per token (token-traces.ts);
 * 3. no cross-stack preparation pass (cross-stack.ts);
 * 4. plain data resolved without ceremony (plain-data.ts);
 * 5. one copy of a folder asset per synthesis (folder-asset-links.ts);
 * 6. the stack's JSON written without a general-purpose serialiser (stable-stringify.ts);
 * 7. the stack's document merged without copies (document-merge.ts).
 *
 * Each adjustment is applied only when the installed cdktf is the version written for and the
 * function it replaces has the exact source it was written against; otherwise cdktf runs
 * unchanged (correct, only slower) and `cdktfTuning()` says which were not applied. 2, 4, 5,
 * 6 and 7 act only inside `withTunedCdktf`, 3 only for the stacks given to
 * `skipCrossStackPreparation`. A unit test fails when cdktf changes, so that the adjustments
 * are re-examined. The golden-output tests (test/golden) prove the output is byte-identical
 * with and without them.
 */
// First: 1 and 6 must be in place before cdktf loads.
import { archiverOnUse } from './archiver-on-use';
import { fastStableStringify } from './stable-stringify';
import type { App } from 'cdktf';
import { installedVersion, versionProblem } from './cdktf-source';
import { applyNoCrossStackPreparation, skipPreparationOf } from './cross-stack';
import { applyDocumentMergeWithoutCopies } from './document-merge';
import { applyFolderAssetLinks, withAssetCopier, withAssetLinks } from './folder-asset-links';
import { applyPlainDataFastPath } from './plain-data';
import { tunedScope } from './scope';
import { applyNoTokenStackTraces } from './token-traces';

export { cdktfVersionTuned } from './cdktf-source';

/** Which adjustment is active, and why not when it is not. */
export interface CdktfTuning {
  readonly cdktfVersion: string;
  readonly archiverOnUse: true | string;
  readonly noTokenStackTraces: true | string;
  readonly noCrossStackPreparation: true | string;
  readonly plainDataFastPath: true | string;
  readonly folderAssetLinks: true | string;
  readonly fastStableStringify: true | string;
  readonly documentMergeWithoutCopies: true | string;
}

let applied: CdktfTuning | undefined;

/** Apply 2 to 5 and 7 once (they load cdktf); 1 and 6 applied when this module loaded. */
function applyAll(): CdktfTuning {
  const each = (apply: () => true | string) => versionProblem ?? apply();
  applied ??= {
    cdktfVersion: installedVersion,
    archiverOnUse,
    plainDataFastPath: each(applyPlainDataFastPath),
    folderAssetLinks: each(applyFolderAssetLinks),
    noTokenStackTraces: each(applyNoTokenStackTraces),
    noCrossStackPreparation: each(applyNoCrossStackPreparation),
    fastStableStringify,
    documentMergeWithoutCopies: each(applyDocumentMergeWithoutCopies),
  };
  return applied;
}

/** What is adjusted in this process (see the file's comment). */
export function cdktfTuning(): CdktfTuning {
  return { ...applyAll() };
}

/**
 * Run `body` (which builds and synthesises an App) with plain data resolved on the fast path,
 * later copies of a folder asset linked to its first copy, the stack's JSON written by
 * `sortedJson`, and token stack traces off (unless GOVSTACK_DEBUG is set). Synchronous, so no
 * other code runs while the adjustments act.
 */
export function withTunedCdktf<T>(body: () => T): T {
  return withAssetLinks(() => inTunedScope(body));
}

/**
 * {@link withTunedCdktf}, with every copy of a folder asset handed to `copier` (source folder and
 * target, absolute paths; src/synth/folder-copy.ts `FolderCopies` makes them) instead of made.
 */
export function withTunedCdktfCopyingElsewhere<T>(copier: (source: string, target: string) => void, body: () => T): T {
  return withAssetCopier(copier, () => inTunedScope(body));
}

/** Run `body` with plain data on the fast path and, unless GOVSTACK_DEBUG is set, token stack traces off. */
function inTunedScope<T>(body: () => T): T {
  applyAll();
  const tracesOff = !process.env.GOVSTACK_DEBUG;
  tunedScope.depth++;
  if (tracesOff) tunedScope.tracesOff++;
  try {
    return body();
  } finally {
    tunedScope.depth--;
    if (tracesOff) tunedScope.tracesOff--;
  }
}

/**
 * Leave out cdktf's cross-stack preparation pass for every stack of `app` (only the backend
 * is ensured, the rest of that pass). Call after the stacks are built, before `app.synth()`.
 */
export function skipCrossStackPreparation(app: App): void {
  if (applyAll().noCrossStackPreparation === true) skipPreparationOf(app);
}
