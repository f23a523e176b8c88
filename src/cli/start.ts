/**
 * Where `govstack` starts (bin/govstack.js calls `start`). The commands of the front end run
 * from one bundled file, dist/src/cli/front-end.js, loaded with the V8 code cache written when
 * it was built (src/bundles/front-end.ts): Node's module loader (resolving, reading and
 * compiling about 150 files) was most of their start-up. `synth`'s staging code, with cdktf,
 * is not in it: a worker thread loads that from its own bundle (src/synth/staging-code.ts).
 * Every other command runs from dist/ unbundled, as does everything when the bundle is
 * missing or older than dist/ (only `tsc` was run).
 */
import * as path from 'node:path';
import { bundleStaleness } from '../bundles/staleness';
import type * as CodeCache from '../blueprint/code-cache';

/** The commands the bundle runs: those that run in well under a second, cdktf (synth's) loaded by a worker from elsewhere. */
export const frontEndCommands: readonly string[] = ['validate', 'catalog', 'synth'];

/** The bundle beside this file, and its code cache. */
export const frontEndFile = path.join(__dirname, 'front-end.js');
export const frontEndCacheFile = path.join(__dirname, 'front-end.cache');

/** The command an argument list names: its first word that is not an option (or undefined). */
export function namedCommand(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

type Main = (argv: string[]) => Promise<void>;

/**
 * What a command starts before anything else loads (the command line included), by the
 * command's name: `synth` starts a worker thread that loads the staging code meanwhile
 * (src/synth/staging-threads.ts).
 */
const warmUps: Readonly<Record<string, () => void>> = {
  synth: () => (require('../synth/staging-threads') as typeof import('../synth/staging-threads')).startStagingThreadEarly(),
};

/** The warm-up of the command `argv` names, unless it only asks for help or the version. */
function warmUp(argv: readonly string[], command: string | undefined): void {
  if (command !== undefined && Object.hasOwn(warmUps, command) && !argv.some((a) => a === '--help' || a === '-h' || a === '--version'))
    warmUps[command]();
}

/** Whether `bundle` exists and was built after dist/ was compiled (src/bundles/staleness.ts, against main.js). */
export function bundleIsCurrent(bundle: string): boolean {
  return bundleStaleness(bundle, path.join(__dirname, 'main.js')) === undefined;
}

/**
 * Run the command line `argv` (without node and the script): from the bundle `bundle` when the
 * command is one of the front end's and the bundle is current (`bundleIsCurrent`), else from dist/. With GOVSTACK_DEBUG
 * set, the bundle loads through Node's own loader with source maps on, so that a stack trace
 * names the compiled files (dist/src/...) and lines, as without the bundle.
 */
export function start(argv: string[], bundle = frontEndFile, cache = frontEndCacheFile): Promise<void> {
  const command = namedCommand(argv);
  warmUp(argv, command);
  if (command === undefined || !frontEndCommands.includes(command) || !bundleIsCurrent(bundle))
    return (require('./main') as typeof import('./main')).main(argv);
  if (process.env.GOVSTACK_DEBUG) {
    process.setSourceMapsEnabled(true);
    return (require(bundle) as { main: Main }).main(argv);
  }
  const { requireWithCodeCache } = require('../blueprint/code-cache') as typeof CodeCache;
  return (requireWithCodeCache(bundle, cache).exports as { main: Main }).main(argv);
}
