/**
 * The CLI front end's bundle: src/cli/main.ts with the commands start.ts routes to it
 * (`frontEndCommands`), in dist/src/cli/front-end.js, its code cache written after running each
 * of them once. `synth`'s part in this thread (reading, checking, publishing) is in it; the
 * staging code (src/synth/stage.ts, with cdktf) stays outside: it has its own bundle
 * (synthesis.ts), loaded by the worker threads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { blueprintsDir } from '../paths';
import { frontEndCommands, frontEndFile } from '../cli/start';
import { BundleSpec } from './bundle';

const cliDir = path.dirname(frontEndFile);

/**
 * The modules of src/synth/ the front end loads from dist/: the staging code (with cdktf, which
 * a worker loads from its own bundle), and staging-threads.js, whose one copy start.ts (unbundled)
 * and the bundle share, with the worker thread it started early.
 */
const synthOutside = ['stage.js', 'staging-threads.js'].map((f) => path.join(cliDir, '..', 'synth', f));

/** The front end's bundle. */
export const frontEndSpec: BundleSpec = {
  entry: path.join(cliDir, 'main.js'),
  outfile: frontEndFile,
  describedIn: 'src/bundles/front-end.ts',
  // Packages the front end never loads on its way (cdktf, the providers) or loads only without a generated validator (ajv compiling at run time).
  external: ['cdktf', 'constructs', '@cdktf/*', 'ajv', 'ajv/*', 'ajv-formats'],
  keepOutside: (file) => {
    const command = /\/cli\/commands\/([^/]+)\.js$/.exec(file)?.[1];
    return (command !== undefined && command !== 'common' && !frontEndCommands.includes(command)) || synthOutside.includes(file);
  },
};

/** Run the commands the bundle serves once each, output discarded, so that their code is compiled into the cache. */
export async function exerciseFrontEnd(exports: unknown): Promise<void> {
  const { main } = exports as typeof import('../cli/main');
  const sandbox = path.join(blueprintsDir, 'sandbox.yaml');
  const out = mkdtempSync(path.join(tmpdir(), 'govstack-front-end-'));
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  try {
    await main(['validate', sandbox]);
    await main(['catalog']);
    await main(['synth', sandbox, '--out', out]);
  } finally {
    process.stdout.write = write;
    rmSync(out, { recursive: true, force: true });
  }
  if (process.exitCode) throw new Error(`exercising the front end's bundle failed (exit code ${process.exitCode})`);
}
