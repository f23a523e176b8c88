/**
 * The esbuild plugin both bundles are built with (front-end.ts, synthesis.ts). A bundle puts
 * many modules in one file, which changes three things a module can see; the plugin puts each
 * back as it was in dist/ or in its package:
 *
 * - `__dirname` and `__filename`: each bundled module gets its own, the folder and file it has
 *   in dist/ or in its package (found at run time through the package's package.json, since a
 *   package's place depends on the install);
 * - a module kept outside the bundle (`keepOutside`) is required by the path it has from the
 *   bundle's folder, so that it loads from dist/ as it would unbundled;
 * - a package named in `resolvedAtRunTime` is required at run time from the importing module's
 *   own folder, as Node's loader would resolve it unbundled: a stand-in that
 *   src/synth/cdktf-tuning puts in `require.cache` for it is then found.
 */
import type { Plugin } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where a bundle goes and what stays outside it. */
export interface BundleLayout {
  /** The bundle's file (absolute path). */
  readonly outfile: string;
  /**
   * Whether the compiled module `file` (an absolute path in dist/) stays outside the bundle,
   * loaded from dist/ when it is required.
   * @default nothing stays outside but the packages esbuild's `external` names
   */
  readonly keepOutside?: (file: string) => boolean;
  /**
   * Packages left outside and required at run time from the importing module's folder.
   * @default none
   */
  readonly resolvedAtRunTime?: readonly string[];
}

const runTimeNamespace = 'govstack-resolved-at-run-time';

/** A JavaScript expression for the folder `file` (a module being bundled) has at run time. */
function folderExpression(file: string, outfile: string): string {
  const inPackage = /^(.*\/node_modules\/)((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(file);
  if (!inPackage)
    return `require("node:path").join(__dirname, ${JSON.stringify(path.relative(path.dirname(outfile), path.dirname(file)) || '.')})`;
  const [, , name, rest] = inPackage;
  return `require("node:path").join(require("node:path").dirname(require.resolve(${JSON.stringify(`${name}/package.json`)})), ${JSON.stringify(path.dirname(rest))})`;
}

/** The compiled file a relative `require` of `specifier` from `folder` loads (Node adds `.js` to a path without one). */
function compiledFile(folder: string, specifier: string): string {
  const file = path.resolve(folder, specifier);
  return path.extname(file) === '' && existsSync(`${file}.js`) ? `${file}.js` : file;
}

/** The plugin for a bundle laid out as `layout` says (see the file's comment). */
export function bundlePlugin(layout: BundleLayout): Plugin {
  const { outfile, keepOutside = () => false, resolvedAtRunTime = [] } = layout;
  return {
    name: 'govstack-bundle-layout',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const file = compiledFile(args.resolveDir, args.path);
        if (!keepOutside(file)) return undefined;
        const fromBundle = path.relative(path.dirname(outfile), file);
        return { path: fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`, external: true };
      });
      // A dependency's package.json, which folderExpression resolves at run time to find the package.
      build.onResolve({ filter: /^[^./].*\/package\.json$/ }, (args) => ({ path: args.path, external: true }));
      if (resolvedAtRunTime.length > 0) {
        const names = new RegExp(`^(${resolvedAtRunTime.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
        build.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: runTimeNamespace, pluginData: args.importer }));
        build.onLoad({ filter: /.*/, namespace: runTimeNamespace }, (args) => ({
          // The name through a variable: esbuild leaves a require.resolve of a non-literal alone.
          contents: `const name = ${JSON.stringify(args.path)};\nmodule.exports = require(require.resolve(name, { paths: [${folderExpression(args.pluginData as string, outfile)}] }));\n`,
          loader: 'js',
        }));
      }
      build.onLoad({ filter: /\.c?js$/ }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('__dirname') && !source.includes('__filename')) return undefined;
        const { transform } = await import('esbuild');
        // `define` replaces the identifier only, not the text in strings (code-cache.ts quotes it).
        const { code } = await transform(source, {
          define: { __dirname: '__moduleDirname', __filename: '__moduleFilename' },
          loader: 'js',
          sourcemap: 'inline',
          sourcefile: args.path,
        });
        const folder = folderExpression(args.path, outfile);
        return {
          contents: `const __moduleDirname = ${folder}, __moduleFilename = require("node:path").join(__moduleDirname, ${JSON.stringify(path.basename(args.path))});${code}`,
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
    },
  };
}
