import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { DeploymentModel } from '../../src/model/types';
import { splitInOrder, StagingWorkers } from '../../src/synth/parallel-stage';
import { workersFor } from '../../src/synth/staging-threads';
import { synthesize, synthesizeInParallel } from '../../src/synth/synthesize';
import { digestOutput, goldenDir, goldenHashesFile, goldenRuns } from '../golden/golden';
import { stackFolders } from './support';

// A fleet's stacks staged on several threads (src/synth/parallel-stage.ts) must publish the
// same bytes as one thread: checked against the golden fleet, whatever this machine's cores.
const fleet = goldenRuns().find((r) => r.name === 'fleet')!;
const recorded = (JSON.parse(readFileSync(goldenHashesFile, 'utf8')) as Record<string, Record<string, string>>).fleet;
let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'govstack-parallel-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fleetModels = () => loadModels(fleet.files, { extendsRoots: fleet.extendsRoots });

test.each([0, 1, 3])('the golden fleet staged by %i worker(s) writes the recorded files, byte for byte', async (count) => {
  const out = path.join(work, `workers-${count}`);
  const stacks = await synthesizeInParallel(fleetModels(), out, { workers: StagingWorkers.start(10, count) });
  expect(stacks.map((s) => s.name)).toEqual(fleetModels().map((m) => m.name));
  expect(digestOutput(out)).toEqual(recorded);
  // The resources the staging reported are those its cdk.tf.json holds.
  for (const s of stacks) {
    const json = JSON.parse(readFileSync(s.file, 'utf8')) as { resource: Record<string, Record<string, unknown>> };
    expect(s.resources).toBe(Object.values(json.resource).reduce((n, byName) => n + Object.keys(byName).length, 0));
  }
  // Nothing of the staging is left behind.
  expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
});

test('synthesised again, the old generations are gone when the call returns (removed while the workers end), the state carried', async () => {
  const models = fleetModels().slice(0, 2);
  const out = path.join(work, 'again');
  await synthesizeInParallel(models, out, { workers: StagingWorkers.start(2, 1) });
  const stacks = path.join(out, 'stacks');
  const state = path.join(stacks, models[0].name, 'terraform.tfstate');
  writeFileSync(state, '{"serial":3}');
  const before = readdirSync(stacks).filter((e) => e.startsWith('.'));
  await synthesizeInParallel(models, out, { workers: StagingWorkers.start(2, 1) });
  // Exactly one generation per stack, each new: the old ones were removed before the promise resolved.
  expect(stackFolders(stacks)).toEqual(models.map((m) => m.name).sort());
  const after = readdirSync(stacks).filter((e) => e.startsWith('.'));
  expect(after).toHaveLength(models.length);
  expect(after.filter((e) => before.includes(e))).toEqual([]);
  expect(readFileSync(state, 'utf8')).toBe('{"serial":3}');
  expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
});

test('a fleet shares each chart file among its stacks by hard links, and only within the output', () => {
  const out = path.join(work, 'links');
  const stacks = synthesize(fleetModels(), out);
  const chartFile = (stack: string) => {
    const assets = path.join(out, 'stacks', stack, 'assets', 'Chart-govstack-xroad');
    return path.join(assets, readdirSync(assets)[0], 'Chart.yaml');
  };
  const [first, second] = stacks.map((s) => statSync(chartFile(s.name)));
  expect(second.ino).toBe(first.ino);
  expect(first.nlink).toBe(stacks.length);
  // The package's own chart is copied, never linked: editing it must not reach a written stack.
  expect(lstatSync(path.join(goldenDir, '..', '..', 'charts', 'govstack-xroad', 'Chart.yaml')).ino).not.toBe(first.ino);
});

test("a worker's failure comes back with its kind and message, and nothing is published", async () => {
  const models = fleetModels();
  // The last model is staged by the worker; a building block that is not there fails its construct.
  const broken = models.map((m, i): DeploymentModel => (i === models.length - 1 ? { ...m, buildingBlocks: [null as never] } : m));
  const out = path.join(work, 'broken');
  const failure = await synthesizeInParallel(broken, out, { workers: StagingWorkers.start(broken.length, 2) }).catch((e: Error) => e);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).name).toBe('TypeError');
  expect((failure as Error).message).toMatch(/null/);
  expect(readdirSync(path.join(out, 'stacks'))).toEqual([]);
  expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
});

test('workers: none on one core; else one per four stacks, at least one, at most one per core', () => {
  expect(workersFor(100, 1)).toBe(0);
  expect(workersFor(1, 2)).toBe(1);
  expect(workersFor(7, 2)).toBe(1);
  expect(workersFor(8, 2)).toBe(2);
  expect(workersFor(100, 2)).toBe(2);
  expect(workersFor(100, 16)).toBe(16);
  expect(workersFor(12, 16)).toBe(3);
});

test('workers started for a run that stops before staging end with it', () => {
  const workers = StagingWorkers.start(1, 2);
  workers.close();
  // Closing twice, or closing workers never given a task, is harmless.
  expect(() => workers.close()).not.toThrow();
});

test('parts are contiguous, in order, sizes differing by at most one', () => {
  expect(splitInOrder([1, 2, 3, 4, 5], 2)).toEqual([
    [1, 2, 3],
    [4, 5],
  ]);
  expect(splitInOrder([1, 2], 3)).toEqual([[1], [2], []]);
  expect(splitInOrder([], 1)).toEqual([[]]);
});
