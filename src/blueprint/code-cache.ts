/**
 * Loading one large generated CommonJS file with V8's code cache. Compiling the generated
 * blueprint validator (about 1 MB of code) costs V8 about 90 ms of CPU on each run, most of it on
 * its first call; a code cache written at build time, after the validator has run, lets V8
 * skip that (about 20 ms left). The bundled CLI front end (src/cli/front-end.ts) loads the same way. Node 20 has no compile cache of its own (`module.
 * enableCompileCache` arrived in Node 22), hence these few lines around `vm.Script`.
 *
 * V8 checks a cache against the source and its own version and flags and rejects one that
 * does not match; the file then compiles as without a cache (the same code, only slower).
 */
import { readFileSync, writeFileSync } from 'node:fs';
// A named import: the package's sources also compile in projects without esModuleInterop (a `cdktf init` project).
import { Module } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** Whether a load used its cache: `used`, `rejected` (stale, or another V8), `missing`, or the file was `loaded before`. */
export type CodeCacheUse = 'used' | 'rejected' | 'missing' | 'loaded before';

function compile(file: string, cachedData: Buffer | undefined): { module: NodeJS.Module; script: vm.Script } {
  const source = readFileSync(file, 'utf8');
  // The same wrapper as Node's CommonJS loader, so that the code sees the same scope.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const loaded = new Module(file, module) as NodeJS.Module & { paths: string[]; loaded: boolean };
  loaded.filename = file;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    loaded.exports,
    loaded.exports,
    Module.createRequire(file),
    loaded,
    file,
    path.dirname(file),
  );
  loaded.loaded = true;
  return { module: loaded, script };
}

/**
 * `require(file)`, with V8's code cache read from `cacheFile` when there is one. The module is
 * registered in `require.cache`, so a later `require(file)` returns the same exports.
 */
export function requireWithCodeCache(file: string, cacheFile: string): { exports: unknown; cache: CodeCacheUse } {
  const cached = require.cache[file];
  if (cached?.loaded) return { exports: cached.exports, cache: 'loaded before' };
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const { module: loaded, script } = compile(file, cachedData);
  require.cache[file] = loaded;
  return { exports: loaded.exports, cache: cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used' };
}

/**
 * Write V8's code cache for `file` to `cacheFile`, after `exercise` has run the loaded exports
 * (so that the functions it calls, compiled lazily, are in the cache too); an `exercise` that
 * returns a promise is awaited first. Build time only.
 */
export async function writeCodeCache(file: string, cacheFile: string, exercise: (exports: unknown) => void | Promise<void>): Promise<void> {
  const { module: loaded, script } = compile(file, undefined);
  await exercise(loaded.exports);
  writeFileSync(cacheFile, script.createCachedData());
}
