import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { sharedDir } from './openapi-contract';

/** `describe`/`test`, or their `.skip` forms when a reference document is missing. */
export interface ReferenceGate {
  readonly available: boolean;
  readonly describe: jest.Describe;
  readonly test: jest.It;
}

/**
 * Tests that compare against official reference documents read them from `../shared` beside
 * the clone (CI checks it out there; a user's clone has none). When a document is missing the
 * tests are registered as skipped (jest counts them as skipped, never as passed) and one line
 * on standard error says what was skipped and why.
 */
export function referenceDocuments(what: string, ...documents: (readonly string[])[]): ReferenceGate {
  const missing = documents.map((parts) => path.join(sharedDir, ...parts)).filter((file) => !existsSync(file));
  if (missing.length === 0) return { available: true, describe, test };
  process.stderr.write(
    `SKIPPED ${what}: ${missing[0]} is missing (reference documents are read from ../shared beside the repository; see README "Tests")\n`,
  );
  return { available: false, describe: describe.skip, test: test.skip };
}
