/**
 * Host mode (development): runs the suites on this machine against the deployment's `mock`
 * products started locally, each with exactly the arguments the model gives the Pod (so the
 * same document source and environment), or against URLs the caller names.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelBuildingBlock } from '../model/types';
import { bundledDocumentsPath, mergedEnvironmentFile, mergedEnvironmentPath } from '../model/documents';
import { chartsDir } from '../paths';
import { outcomesMarker } from './entry';
import { entryCommand } from './job';
import { ScenarioOutcome } from './results';
import { ComplianceSuite } from './suites';

export interface HostRunOptions {
  /** Folder of prepared suites, `<dir>/<building-block id>/` with node_modules (scripts/images/compliance-runner.sh). */
  readonly suitesDir: string;
  /** The Mockoon CLI executable (`node_modules/.bin/mockoon-cli` of an `npm install @mockoon/cli@<catalog version>`). */
  readonly mockoon?: string;
  /** Building block id → base URL to test instead of starting its mock. */
  readonly urls: ReadonlyMap<string, string>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (child.exitCode !== null) throw new Error(`the mock exited (${child.exitCode}) before answering ${url}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/** The building-block chart's merge step (the init container's script), run on this host. */
export const mergeScript = join(chartsDir, 'govstack-building-block', 'files', 'merge-mockoon.js');

/** What the merge step printed for one document: routes it added, routes an earlier document already had, and a request that reaches it. */
export interface ServedDocument {
  readonly document: string;
  readonly routes: number;
  readonly alreadyServed: number;
  readonly sample?: { readonly method: string; readonly path: string };
  /** Mapping keys the document repeats (JSON pointer, 1-based lines), when Mockoon's importer refused it and it was re-read with later keys winning. */
  readonly duplicateKeys?: readonly { readonly pointer: string; readonly lines: readonly number[] }[];
}

/** The merge step's report: one JSON line per document on its stdout (or the init container's log). */
export function readServedDocuments(log: string): ServedDocument[] {
  return log
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ServedDocument);
}

/**
 * Starts the block's mock on 127.0.0.1 as its Pod does: the chart's merge step first (bundled
 * documents written to a temporary folder standing in for the ConfigMap mount, the merged
 * environment to another standing in for the emptyDir), then Mockoon with the model's
 * arguments. Returns its base URL, what the merge step served (documents as the Pod names
 * them), and a stop function.
 */
export async function startMock(
  block: ModelBuildingBlock,
  mockoon: string,
): Promise<{ url: string; served: ServedDocument[]; stop: () => void }> {
  const product = block.product;
  if (product.kind !== 'image' || !block.servedDocuments) throw new Error(`${block.id} does not run a mock (product ${product.id})`);
  const work = mkdtempSync(join(tmpdir(), `govstack-mock-${block.id}-`));
  for (const [key, content] of Object.entries(block.documents ?? {})) writeFileSync(join(work, key), content);
  const local = (a: string) =>
    a.startsWith(`${bundledDocumentsPath}/`)
      ? join(work, a.slice(bundledDocumentsPath.length + 1))
      : a === mergedEnvironmentFile
        ? join(work, a.slice(mergedEnvironmentPath.length + 1))
        : a;
  const merged = spawnSync(
    process.execPath,
    [mergeScript, '--mockoon', mockoon, '--output', local(mergedEnvironmentFile), ...block.servedDocuments.map(local)],
    { encoding: 'utf8', env: { ...process.env, HOME: work } },
  );
  if (merged.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`merging ${block.id}'s documents failed: ${(merged.stderr || merged.error?.message || '').trim()}`);
  }
  const port = await freePort();
  const args = (product.args ?? []).map(local);
  const portAt = args.indexOf('--port');
  if (portAt >= 0) args[portAt + 1] = String(port);
  const child = spawn(mockoon, ['start', ...args, '--hostname', '127.0.0.1', '--disable-log-to-file'], {
    stdio: 'ignore',
    env: { ...process.env, HOME: work },
  });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}${product.healthPath}`, child, 300);
  } catch (e) {
    stop();
    throw e;
  }
  const documents = block.servedDocuments;
  const served = readServedDocuments(merged.stdout).map((d, i) => ({ ...d, document: documents[i] }));
  return { url: `http://127.0.0.1:${port}`, served, stop };
}

/** Runs one prepared suite against `url` through entry.js and returns its outcomes. */
export function runSuiteOnHost(suite: ComplianceSuite, suitesDir: string, url: string): ScenarioOutcome[] {
  const run = spawnSync(process.execPath, entryCommand(join(__dirname, 'entry.js'), suitesDir, suite, url), {
    encoding: 'utf8',
    env: { ...process.env, ...suite.environment },
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return readOutcomes(run.stdout ?? '', `${suite.buildingBlock} (exit ${run.status})`);
}

/** The outcomes line of an entry.js run (its stdout, or a Job's log). */
export function readOutcomes(log: string, what: string): ScenarioOutcome[] {
  const line = log.split('\n').find((l) => l.startsWith(outcomesMarker));
  if (!line) throw new Error(`${what}: the suite printed no outcomes`);
  return JSON.parse(line.slice(outcomesMarker.length)) as ScenarioOutcome[];
}
