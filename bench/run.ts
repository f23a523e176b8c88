/**
 * `npm run bench`: synthesis speed on this machine, written into BENCHMARKS.md (between the
 * `bench:begin` / `bench:end` markers) and bench-results.json.
 *
 * 1. The speed race, side by side in one run, runs interleaved: cold `govstack synth` of the
 *    sandbox (a new node process each time) against the same app run the way a new cdktf
 *    project runs it: `cdktf synth` (cdktf-cli) in a project scaffolded like `cdktf init
 *    --template typescript`, whose cdktf.json app is `npx ts-node main.ts` and whose main.ts
 *    builds the same CountryDeployment from the same blueprint. Also, for reference, cdktf-cli
 *    on the project's own compiled app (its cdktf.json, `node dist/stacks/main.js`).
 * 2. The fleet: 100 overlay blueprints extending one example; synth of one country with the
 *    whole fleet beside it (and its 99 other stacks already in the output folder) against
 *    synth of that country alone.
 *
 * BENCH_RUNS (default 5) sets runs per measurement. Offline: CHECKPOINT_DISABLE=1, no registry.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countryCodes } from '../src/blueprint/countries';
import { packageRoot } from '../src/paths';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const cli = path.join(packageRoot, 'bin', 'govstack.js');
const sandbox = path.join(packageRoot, 'blueprints', 'sandbox.yaml');
const fleetBase = path.join(packageRoot, 'blueprints', 'examples', 'djibouti-onprem.yaml');
const offline: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1' };

interface Stats {
  readonly runs: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runs: values, median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Wall-clock seconds of one spawned command; throws with its output when it fails. */
function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = offline): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${(result.stderr || result.stdout).slice(-3000)}`);
  return seconds;
}

function version(pkg: string): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

function resourcesIn(file: string): number {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((n, byType) => n + Object.keys(byType).length, 0);
}

/** A project as `cdktf init --template typescript` scaffolds it, running the sandbox app. */
function scaffoldCdktfProject(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const template = path.join(packageRoot, 'node_modules', 'cdktf-cli', 'bundle', 'templates', 'typescript');
  const tsconfig = JSON.parse(readFileSync(path.join(template, 'tsconfig.json'), 'utf8'));
  // The template targets ES2018; the constructs' source uses ES2022 library calls.
  tsconfig.compilerOptions.lib = ['es2022'];
  tsconfig.compilerOptions.target = 'ES2022';
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
  const cdktfJson = JSON.parse(readFileSync(path.join(template, 'cdktf.json'), 'utf8').replace('{{futureFlags}}', '').replace(/"\{\{[a-zA-Z]+\}\}"/g, '"bench"'));
  if (cdktfJson.app !== 'npx ts-node main.ts') throw new Error(`the cdktf-cli template's app is ${cdktfJson.app}`);
  writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, sendCrashReports: 'false' }, null, 2) + '\n');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-cdktf-app', version: '1.0.0', private: true, main: 'main.js', types: 'main.ts' }, null, 2) + '\n');
  const src = (p: string) => JSON.stringify(path.join(packageRoot, 'src', p));
  writeFileSync(
    path.join(dir, 'main.ts'),
    [
      'import { App } from "cdktf";',
      `import { CountryDeployment } from ${src('constructs/country-deployment')};`,
      `import { loadModels } from ${src('model/load-models')};`,
      '',
      'const app = new App();',
      `for (const model of loadModels([${JSON.stringify(sandbox)}])) new CountryDeployment(app, model.name, { model });`,
      'app.synth();',
      '',
    ].join('\n'),
  );
  // The project's dependencies (cdktf, cdktf-cli, ts-node, typescript, the providers), installed.
  symlinkSync(path.join(packageRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

function machine() {
  const cpus = os.cpus();
  return {
    nproc: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function main(): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'govstack-bench-'));
  const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);
  try {
    const host = machine();
    const tools = { cdktf: version('cdktf'), 'cdktf-cli': version('cdktf-cli'), 'ts-node': version('ts-node'), typescript: version('typescript'), node: process.version };
    log(`${host.nproc} cores (${host.cpu}), ${host.memoryGiB} GiB, load ${host.loadAverageAtStart.join(' ')}; ${runs} runs each`);

    // ---- 1. the speed race ---------------------------------------------------------------
    const project = path.join(work, 'cdktf-app');
    scaffoldCdktfProject(project);
    const race = { govstack: [] as number[], cdktfTsNode: [] as number[], cdktfCompiled: [] as number[] };
    const counts = { govstack: 0, cdktfTsNode: 0, cdktfCompiled: 0 };
    for (let i = 0; i < runs; i++) {
      const out = path.join(work, `govstack-${i}`);
      race.govstack.push(timed(process.execPath, [cli, 'synth', sandbox, '--out', out, '--quiet'], packageRoot));
      counts.govstack = resourcesIn(path.join(out, 'stacks', 'sandbox', 'cdk.tf.json'));
      rmSync(path.join(project, 'cdktf.out'), { recursive: true, force: true });
      race.cdktfTsNode.push(timed('npx', ['--no-install', 'cdktf', 'synth'], project));
      counts.cdktfTsNode = resourcesIn(path.join(project, 'cdktf.out', 'stacks', 'sandbox', 'cdk.tf.json'));
      const compiledOut = path.join(work, `cdktf-compiled-${i}`);
      race.cdktfCompiled.push(timed('npx', ['--no-install', 'cdktf', 'synth', '--output', compiledOut], packageRoot, { ...offline, GOVSTACK_BLUEPRINTS: sandbox }));
      counts.cdktfCompiled = resourcesIn(path.join(compiledOut, 'stacks', 'sandbox', 'cdk.tf.json'));
      log(`run ${i + 1}/${runs}: govstack ${race.govstack[i].toFixed(2)}s, cdktf+ts-node ${race.cdktfTsNode[i].toFixed(2)}s, cdktf+compiled ${race.cdktfCompiled[i].toFixed(2)}s`);
    }
    if (counts.govstack !== counts.cdktfTsNode || counts.govstack !== counts.cdktfCompiled) {
      throw new Error(`the three synths differ in resources: ${JSON.stringify(counts)}`);
    }
    const raceStats = { govstack: stats(race.govstack), cdktfTsNode: stats(race.cdktfTsNode), cdktfCompiled: stats(race.cdktfCompiled) };
    const ratio = raceStats.cdktfTsNode.median / raceStats.govstack.median;
    log(`ratio (median cdktf+ts-node / median govstack): ${ratio.toFixed(1)}x`);

    // ---- 2. the fleet ----------------------------------------------------------------------
    const fleetDir = path.join(work, 'fleet');
    const aloneDir = path.join(work, 'alone');
    mkdirSync(fleetDir);
    mkdirSync(aloneDir);
    const codes = countryCodes.filter((c) => c !== 'DJ').slice(0, 100);
    if (codes.length < 100) throw new Error('fewer than 100 country codes');
    for (const code of codes) {
      const body = `extends: [${JSON.stringify(fleetBase)}]\nmetadata:\n  name: fleet-${code.toLowerCase()}\n  country: ${code}\n  description: Fleet member ${code}\nmediator:\n  instance: ${code}-PROD\n`;
      writeFileSync(path.join(fleetDir, `${code.toLowerCase()}.yaml`), body);
    }
    const one = codes.includes('KE') ? 'ke' : codes[0].toLowerCase();
    cpSync(path.join(fleetDir, `${one}.yaml`), path.join(aloneDir, `${one}.yaml`));
    const fleetOut = path.join(work, 'fleet-out');
    const fleetFiles = codes.map((c) => path.join(fleetDir, `${c.toLowerCase()}.yaml`));
    const wholeFleet = timed(process.execPath, [cli, 'synth', ...fleetFiles, '--out', fleetOut, '--quiet'], packageRoot);
    log(`whole fleet: ${codes.length} stacks in one run, ${wholeFleet.toFixed(1)}s`);
    const fleet = { alone: [] as number[], inFleet: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const aloneOut = path.join(work, `alone-out-${i}`);
      fleet.alone.push(timed(process.execPath, [cli, 'synth', path.join(aloneDir, `${one}.yaml`), '--out', aloneOut, '--quiet'], packageRoot));
      // The same country from the fleet folder, into the output that holds all 100 stacks.
      fleet.inFleet.push(timed(process.execPath, [cli, 'synth', path.join(fleetDir, `${one}.yaml`), '--out', fleetOut, '--quiet'], packageRoot));
      log(`run ${i + 1}/${runs}: alone ${fleet.alone[i].toFixed(2)}s, one of the fleet ${fleet.inFleet[i].toFixed(2)}s`);
    }
    const fleetStats = { alone: stats(fleet.alone), inFleet: stats(fleet.inFleet) };
    const fleetRatio = fleetStats.inFleet.median / fleetStats.alone.median;
    if (!existsSync(path.join(fleetOut, 'stacks', `fleet-${one}`, 'cdk.tf.json'))) throw new Error('the fleet synth wrote no stack');

    const results = {
      date: new Date().toISOString(),
      machine: { ...host, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
      tools,
      runs,
      race: { resources: counts.govstack, ...raceStats, ratio },
      fleet: { size: codes.length, country: `fleet-${one}`, base: path.relative(packageRoot, fleetBase), wholeFleetSeconds: wholeFleet, ...fleetStats, ratio: fleetRatio },
    };
    writeFileSync(path.join(packageRoot, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
    writeBenchmarks(results);
    log(`fleet: one country of ${codes.length} ${fleetStats.inFleet.median.toFixed(2)}s vs alone ${fleetStats.alone.median.toFixed(2)}s (x${fleetRatio.toFixed(2)})`);
    log(`govstack synth is ${ratio.toFixed(1)}x faster than cdktf-cli with ts-node (target: at least 5x) — ${ratio >= 5 ? 'met' : 'NOT met'}`);
    log('wrote BENCHMARKS.md and bench-results.json');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Results = {
  date: string;
  machine: ReturnType<typeof machine> & { loadAverageAtEnd: number[] };
  tools: Record<string, string>;
  runs: number;
  race: { resources: number; govstack: Stats; cdktfTsNode: Stats; cdktfCompiled: Stats; ratio: number };
  fleet: { size: number; country: string; base: string; wholeFleetSeconds: number; alone: Stats; inFleet: Stats; ratio: number };
};

function writeBenchmarks(r: Results): void {
  const s = (x: number) => `${x.toFixed(2)} s`;
  const row = (name: string, st: Stats) => `| ${name} | ${s(st.median)} | ${s(st.min)} – ${s(st.max)} | ${st.runs.map((v) => v.toFixed(2)).join(', ')} |`;
  const section = [
    '<!-- bench:begin (written by `npm run bench`; edit outside these markers) -->',
    `Measured ${r.date.slice(0, 10)} by \`npm run bench\` (${r.runs} runs each, interleaved) on ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB RAM, ${r.machine.os}, Node.js ${r.machine.node}; load average ${r.machine.loadAverageAtStart.join(' / ')} at the start and ${r.machine.loadAverageAtEnd.join(' / ')} at the end (the machine is shared, so absolute times are upper bounds; the runs alternate so both sides see the same load). Tools: cdktf ${r.tools.cdktf}, cdktf-cli ${r.tools['cdktf-cli']}, ts-node ${r.tools['ts-node']}, TypeScript ${r.tools.typescript}.`,
    '',
    `### Speed race: the sandbox (${r.race.resources} resources), cold, wall clock`,
    '',
    '| synth | median | min – max | runs |',
    '| --- | --- | --- | --- |',
    row('`govstack synth blueprints/sandbox.yaml` (new process)', r.race.govstack),
    row('`cdktf synth`, new cdktf project (`npx ts-node main.ts`)', r.race.cdktfTsNode),
    row('`cdktf synth`, this repo\'s cdktf.json (`node dist/stacks/main.js`)', r.race.cdktfCompiled),
    '',
    `**govstack synth is ${r.race.ratio.toFixed(1)}× faster** than the same app run the way a new cdktf project runs it (ratio of medians; target at least 5×: ${r.race.ratio >= 5 ? 'met' : 'not met'}). The cdktf-cli project is scaffolded from cdktf-cli's own \`typescript\` template (its tsconfig with \`lib\`/\`target\` raised to ES2022, which the constructs' source needs), and its main.ts builds the same \`CountryDeployment\` from the same blueprint; all three write the same number of resources.`,
    '',
    `### Fleet: one country out of ${r.fleet.size}`,
    '',
    `${r.fleet.size} overlay blueprints each extend \`${r.fleet.base}\` (own name, country, mediator instance). The whole fleet synthesises in one run in ${s(r.fleet.wholeFleetSeconds)}.`,
    '',
    '| synth of `' + r.fleet.country + '` | median | min – max | runs |',
    '| --- | --- | --- | --- |',
    row('alone (its file alone in a folder, empty output folder)', r.fleet.alone),
    row(`from the fleet (${r.fleet.size} files beside it, all ${r.fleet.size} stacks already in the output folder)`, r.fleet.inFleet),
    '',
    `One country of the fleet costs ×${r.fleet.ratio.toFixed(2)} of that country alone (medians; ${r.fleet.inFleet.median <= r.fleet.alone.max ? 'within the run-to-run spread of the country alone' : 'MORE than the spread of the country alone'}): synth reads only the named blueprint and its bases and replaces only its own stack folder, so the other ${r.fleet.size - 1} countries cost nothing. The whole fleet in one process: ${(r.fleet.wholeFleetSeconds / r.fleet.size).toFixed(2)} s per country.`,
    '<!-- bench:end -->',
  ].join('\n');
  const file = path.join(packageRoot, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n<!-- bench:begin -->\n<!-- bench:end -->\n';
  const start = current.indexOf('<!-- bench:begin');
  const end = current.indexOf('<!-- bench:end -->');
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + '<!-- bench:end -->'.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

main();
