/**
 * What every adjustment of cdktf checks before it applies: the installed cdktf's version and
 * the source text of the function it replaces (whitespace squeezed).
 */
import * as path from 'node:path';

/** The cdktf version these adjustments were written for and tested against. */
export const cdktfVersionTuned = '0.21.0';

/** The installed cdktf package's folder. */
export const cdktfDir = path.dirname(require.resolve('cdktf/package.json'));

/** The installed cdktf's version. */
export const installedVersion = (require('cdktf/package.json') as { version: string }).version;

/** Why no adjustment applies when the installed cdktf is another version; undefined when it is the one. */
export const versionProblem: string | undefined =
  installedVersion === cdktfVersionTuned
    ? undefined
    : `cdktf ${installedVersion} is installed; the adjustment was written for ${cdktfVersionTuned}`;

/** A function's source with every run of whitespace made one space, for comparison with the source an adjustment was written against. */
export function squeeze(fn: unknown): string {
  return String(fn).replace(/\s+/g, ' ');
}

/** A module of cdktf's own, by its path below `lib/` (e.g. `tokens/private/resolve.js`). */
export function cdktfModule<T>(file: string): T {
  return require(path.join(cdktfDir, 'lib', file)) as T;
}

/**
 * Put `standIn` in Node's module cache under `file`, so that whoever requires `file` next gets
 * it. Only before anyone loaded `file` (or, when given, `loadedBy`); returns why not otherwise.
 */
export function registerStandIn(file: string, standIn: unknown, loadedBy?: string): true | string {
  if (require.cache[file] || (loadedBy !== undefined && require.cache[loadedBy])) return 'cdktf was loaded before the adjustment';
  const Module = require('node:module') as { new (id: string): NodeJS.Module & { loaded: boolean } };
  const entry = new Module(file);
  entry.filename = file;
  entry.loaded = true;
  entry.exports = standIn;
  require.cache[file] = entry;
  return true;
}

/** A stand-in's way back to the real module: removes the stand-in from the cache and loads `file`. */
export function loadReal<T>(file: string): T {
  delete require.cache[file];
  return require(file) as T;
}
