/**
 * What every adjustment of cdktf checks before it applies: the installed cdktf's version and
 * the source text of the function it replaces, as cdktf's file on disk has it (whitespace
 * squeezed). The file, not the function's own text: in the synthesis bundle (src/bundles/) a
 * function's text is esbuild's reprint, without comments; the bundle is used only with the
 * cdktf version it was built from, so the file on disk is what it holds.
 *
 * An adjustment reaches a module of cdktf's by a literal `require('cdktf/lib/...')`, never by a
 * computed path: esbuild resolves a literal one to the very module cdktf's own code uses, in
 * the bundle as in dist/.
 */
import { readFileSync } from 'node:fs';
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

/** `text` with every run of whitespace made one space, for comparison with the source an adjustment was written against. */
export function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/**
 * Whether cdktf's file `file` (a path below `lib/`, e.g. `tokens/private/resolve.js`) holds
 * every one of `fragments` (each compared whitespace-squeezed).
 */
export function cdktfSourceHolds(file: string, ...fragments: string[]): boolean {
  const source = squeeze(readFileSync(path.join(cdktfDir, 'lib', file), 'utf8'));
  return fragments.every((f) => source.includes(squeeze(f)));
}

/**
 * Put a stand-in for the package `name` in Node's module cache, where cdktf's module
 * `requiredBy` (a path below `lib/`) will find it when it loads: `build` makes the stand-in from
 * the real module's path (or returns why there is none, a string). Only before cdktf loads.
 * @returns true, or why the stand-in is not in place
 */
export function standInFor(name: string, requiredBy: string, build: (file: string) => object | string): true | string {
  if (versionProblem) return versionProblem;
  const cdktfFile = path.join(cdktfDir, 'lib', requiredBy);
  let file: string;
  try {
    file = require.resolve(name, { paths: [path.dirname(cdktfFile)] });
  } catch {
    return `${name} is not installed beside cdktf`;
  }
  if (require.cache[file] || require.cache[cdktfFile]) return 'cdktf was loaded before the adjustment';
  const standIn = build(file);
  if (typeof standIn === 'string') return standIn;
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
