/**
 * Build time: write both bundles from the compiled dist/, each with its source map and code
 * cache: first the synthesis bundle (synthesis.ts), which the front end's exercise of `synth`
 * then uses, then the front end's (front-end.ts). Run by `npm run build`, `npm test` and the
 * other scripts after compile-validator.js; unit tests fail when a bundle on disk differs from
 * what this builds from the current dist/.
 */
import { frontEndCacheFile } from '../cli/start';
import { synthesisBundleCacheFile } from '../synth/staging-code';
import { writeBundle } from './bundle';
import { exerciseFrontEnd, frontEndSpec } from './front-end';
import { exerciseSynthesis, synthesisSpec, writeSynthesisVersions } from './synthesis';

async function buildBundles(): Promise<void> {
  writeSynthesisVersions();
  const written = [await writeBundle(synthesisSpec, synthesisBundleCacheFile, exerciseSynthesis)];
  written.push(await writeBundle(frontEndSpec, frontEndCacheFile, exerciseFrontEnd));
  process.stdout.write(`wrote ${written.join(' and ')}, with their source maps and code caches\n`);
}

if (require.main === module) void buildBundles();
