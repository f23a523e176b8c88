import { readFileSync } from 'node:fs';
import { goldenHashesFile, goldenRuns, goldenSandboxFile, synthGolden } from '../golden/golden';

// Re-synthesises the sandbox, every example and the ten-country fleet through the CLI and
// compares with what was recorded before the speed work (test/golden/). A legitimate change
// of output is re-recorded with `npm run golden:update` in a commit that says why.
const recorded = JSON.parse(readFileSync(goldenHashesFile, 'utf8')) as Record<string, Record<string, string>>;
let now: ReturnType<typeof synthGolden>;
beforeAll(() => {
  now = synthGolden();
});

test('the sandbox synthesises to the recorded cdk.tf.json, byte for byte', () => {
  expect(now.sandbox).toBe(readFileSync(goldenSandboxFile, 'utf8'));
});

test.each(goldenRuns().map((r) => [r.name, r.files.length]))('%s (%i blueprints) writes the recorded files, byte for byte', (name) => {
  expect(now.hashes[name]).toEqual(recorded[name]);
});

// The runs above use the bundles (src/bundles/); GOVSTACK_DEBUG runs the CLI and the staging
// code from dist/, with cdktf's own token stack traces: the same bytes.
test('unbundled, with GOVSTACK_DEBUG, every run writes the same files', () => {
  const unbundled = synthGolden({ GOVSTACK_DEBUG: '1' });
  expect(unbundled.sandbox).toBe(now.sandbox);
  expect(unbundled.hashes).toEqual(now.hashes);
});
