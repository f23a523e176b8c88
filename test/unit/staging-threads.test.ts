import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { environmentMessage } from '../../src/cli/run';
import { asReported, rebuilt } from '../../src/synth/staging-errors';
import { startStagingThread } from '../../src/synth/staging-threads';

const work = mkdtempSync(path.join(tmpdir(), 'govstack-staging-threads-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder of many small files: copying and syncing it takes far longer than a worker takes to stop. */
const source = path.join(work, 'source');
beforeAll(() => {
  for (let i = 0; i < 40; i++) {
    mkdirSync(path.join(source, `d${i}`), { recursive: true });
    for (let j = 0; j < 50; j++) writeFileSync(path.join(source, `d${i}`, `f${j}`), `${i}/${j}\n`);
  }
});
const filesBelow = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

test('a worker that stops after asking for folder copies rejects only once those copies have ended', async () => {
  // A stand-in worker: asks for a copy of the folder, then stops at once without answering.
  const script = path.join(work, 'stops.js');
  const target = path.join(work, 'copy');
  writeFileSync(
    script,
    `const { parentPort } = require('node:worker_threads');
     parentPort.postMessage({ copyFolder: [${JSON.stringify(source)}, ${JSON.stringify(target)}] });
     process.exit(7);\n`,
  );
  const thread = startStagingThread(script);
  thread.worker.ref();
  const failure = await thread.answer.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(failure?.message).toBe('a synthesis worker stopped (exit code 7) before it reported');
  // Every file is there when it rejects: nothing was still being written.
  expect(filesBelow(target)).toBe(filesBelow(source));
});

test("a system error crossing from the staging keeps what names the environment's problem", () => {
  const enospc = Object.assign(new Error('ENOSPC: no space left on device, copyfile'), {
    code: 'ENOSPC',
    syscall: 'copyfile',
    path: '/pkg/charts/x/Chart.yaml',
    dest: '/out/stacks/x/assets/Chart.yaml',
  });
  expect(environmentMessage(enospc)).toBe('cannot write /out/stacks/x/assets/Chart.yaml: no space left on the device');
  expect(environmentMessage(rebuilt(asReported(enospc)))).toBe(environmentMessage(enospc));
  const tooLong = Object.assign(new Error('ENAMETOOLONG'), { code: 'ENAMETOOLONG', syscall: 'mkdir', path: '/out/x' });
  expect(environmentMessage(rebuilt(asReported(tooLong)))).toBe('cannot write /out/x: the name is too long');
});
