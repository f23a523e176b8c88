/**
 * `npm run golden:update`: re-record the golden output (test/golden/sha256.json and
 * sandbox.cdk.tf.json). Only when a change to the output is intended; commit the new files
 * on their own with the reason.
 */
import { writeFileSync } from 'node:fs';
import { goldenHashesFile, goldenSandboxFile, synthGolden } from './golden';

const { hashes, sandbox } = synthGolden();
writeFileSync(goldenHashesFile, JSON.stringify(hashes, null, 2) + '\n');
writeFileSync(goldenSandboxFile, sandbox);
process.stdout.write(`wrote ${goldenHashesFile} and ${goldenSandboxFile}\n`);
