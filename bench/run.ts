/**
 * `npm run bench`: what each command costs on this machine, written into BENCHMARKS.md
 * (between the `bench:begin` / `bench:end` markers) and bench-results.json.
 *
 * Every measurement is a new process (cold: a fresh Node.js; the OS file cache is warm for
 * all alike), run under `/usr/bin/time` for its CPU time (user + system, children included)
 * and peak resident memory; wall time by `process.hrtime`. The measurements alternate within
 * each round, so a load spike on the shared machine hits all of them alike. Measured:
 *
 * - `node -e 0`, the floor every ratio is taken against;
 * - `govstack catalog`, `govstack validate` and `govstack synth` of the sandbox;
 * - the same sandbox app under `cdktf synth`: this repo's cdktf.json (`node dist/stacks/main.js`)
 *   and a project scaffolded like `cdktf init --template typescript` (`npx ts-node main.ts`);
 * - fleets of 1, 10 and 100 countries (overlays of one example, own name, country and X-Road
 *   instance) in one `govstack synth` each: cost per country, and the marginal cost of a
 *   country (fleet minus the fleet of one, per added country), which must not grow with N.
 *
 * BENCH_RUNS (default 5) sets the rounds; BENCH_FLEET100_RUNS (default 3) the runs of the
 * 100-country fleet. BENCH_INSTRUCTIONS=1 adds one run each of the floor, catalog, validate
 * and synth under valgrind's callgrind for an instruction count (`perf stat -e instructions`
 * is not supported on this virtual machine), which load does not distort. Offline:
 * CHECKPOINT_DISABLE=1, no registry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countryCodes } from '../src/blueprint/countries';
import { packageRoot } from '../src/paths';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const fleet100Runs = Number(process.env.BENCH_FLEET100_RUNS ?? 3);
const countInstructions = process.env.BENCH_INSTRUCTIONS === '1';
const cli = path.join(packageRoot, 'bin', 'govstack.js');
const sandbox = path.join(packageRoot, 'blueprints', 'sandbox.yaml');
const fleetBase = path.join(packageRoot, 'blueprints', 'examples', 'djibouti-onprem.yaml');
const fleetSizes = [1, 10, 100] as const;
/**
 * Node.js reads and parses every certificate in NODE_EXTRA_CA_CERTS when a process starts,
 * before any script runs (about 85 ms per start on the reference machine, where the shell sets
 * it to the system bundle). No measured command opens a TLS connection, so the commands run
 * without it; with it, the floor is measured as well and reported beside.
 */
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
const { NODE_EXTRA_CA_CERTS: _extraCaCerts, ...callerEnv } = process.env;
const offline: NodeJS.ProcessEnv = {
  ...callerEnv,
  CHECKPOINT_DISABLE: '1',
  CI: '1',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
  CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
};

/** One run of one command. */
interface Sample {
  /** Wall-clock seconds. */
  readonly wall: number;
  /** CPU seconds, user + system, the command and every child it waited for. */
  readonly cpu: number;
  /** Peak resident set of the largest process, MiB. */
  readonly rssMiB: number;
}

interface Stats {
  readonly runs: number;
  readonly wall: { median: number; min: number; max: number };
  readonly cpu: { median: number; min: number; max: number };
  readonly rssMiB: number;
  readonly samples: Sample[];
}

function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

function stats(samples: Sample[]): Stats {
  return {
    runs: samples.length,
    wall: spread(samples.map((s) => s.wall)),
    cpu: spread(samples.map((s) => s.cpu)),
    rssMiB: Math.max(...samples.map((s) => s.rssMiB)),
    samples,
  };
}

/** Run a command under /usr/bin/time; throws with its output when it fails. */
function measure(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = offline): Sample {
  const rusage = path.join(os.tmpdir(), `govstack-bench-time-${process.pid}`);
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', rusage, command, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${(result.stderr || result.stdout).slice(-3000)}`);
  const [user, system, maxKiB] = readFileSync(rusage, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(rusage, { force: true });
  return { wall, cpu: user + system, rssMiB: maxKiB / 1024 };
}

/** Instructions executed (valgrind callgrind's `I refs`), or undefined when valgrind is missing. */
function instructions(command: string, args: string[], cwd: string): number | undefined {
  const out = path.join(os.tmpdir(), `govstack-bench-callgrind-${process.pid}`);
  const result = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, command, ...args], {
    cwd,
    env: offline,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(out, { force: true });
  const m = /I\s+refs:\s+([\d,]+)/.exec(result.stderr ?? '');
  return result.status === 0 && m ? Number(m[1].replace(/,/g, '')) : undefined;
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
  const cdktfJson = JSON.parse(
    readFileSync(path.join(template, 'cdktf.json'), 'utf8')
      .replace('{{futureFlags}}', '')
      .replace(/"\{\{[a-zA-Z]+\}\}"/g, '"bench"'),
  );
  if (cdktfJson.app !== 'npx ts-node main.ts') throw new Error(`the cdktf-cli template's app is ${cdktfJson.app}`);
  writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, sendCrashReports: 'false' }, null, 2) + '\n');
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'bench-cdktf-app', version: '1.0.0', private: true, main: 'main.js', types: 'main.ts' }, null, 2) + '\n',
  );
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
  };
}

const load = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

function main(): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'govstack-bench-'));
  const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);
  try {
    const host = machine();
    const loadAtStart = load();
    const tools = {
      cdktf: version('cdktf'),
      'cdktf-cli': version('cdktf-cli'),
      'ts-node': version('ts-node'),
      typescript: version('typescript'),
      node: process.version,
    };
    log(`${host.nproc} cores (${host.cpu}), ${host.memoryGiB} GiB, load ${loadAtStart.join(' ')}; ${runs} rounds`);

    const project = path.join(work, 'cdktf-app');
    scaffoldCdktfProject(project);
    const fleetDir = path.join(work, 'fleet');
    mkdirSync(fleetDir);
    const codes = countryCodes.filter((c) => c !== 'DJ').slice(0, 100);
    const fleetFiles = codes.map((code) => {
      const file = path.join(fleetDir, `${code.toLowerCase()}.yaml`);
      writeFileSync(
        file,
        `extends: [${JSON.stringify(fleetBase)}]\nmetadata:\n  name: fleet-${code.toLowerCase()}\n  country: ${code}\n  description: Fleet member ${code}\nmediator:\n  instance: ${code}-PROD\n`,
      );
      return file;
    });

    const samples: Record<string, Sample[]> = {};
    const add = (name: string, s: Sample) => (samples[name] ??= []).push(s);
    const counts = { govstack: 0, cdktfTsNode: 0, cdktfCompiled: 0 };
    const node = process.execPath;
    for (let i = 0; i < runs; i++) {
      const out = path.join(work, `out-${i}`);
      add('floor', measure(node, ['-e', '0'], packageRoot));
      if (extraCaCerts) add('floorExtraCa', measure(node, ['-e', '0'], packageRoot, { ...offline, NODE_EXTRA_CA_CERTS: extraCaCerts }));
      add('catalog', measure(node, [cli, 'catalog'], packageRoot));
      add('validate', measure(node, [cli, 'validate', sandbox, '--quiet'], packageRoot));
      add('synth', measure(node, [cli, 'synth', sandbox, '--out', path.join(out, 'sandbox'), '--quiet'], packageRoot));
      counts.govstack = resourcesIn(path.join(out, 'sandbox', 'stacks', 'sandbox', 'cdk.tf.json'));
      add(
        'cdktfCompiled',
        measure('npx', ['--no-install', 'cdktf', 'synth', '--output', path.join(out, 'cdktf-compiled')], packageRoot, {
          ...offline,
          GOVSTACK_BLUEPRINTS: sandbox,
        }),
      );
      counts.cdktfCompiled = resourcesIn(path.join(out, 'cdktf-compiled', 'stacks', 'sandbox', 'cdk.tf.json'));
      rmSync(path.join(project, 'cdktf.out'), { recursive: true, force: true });
      add('cdktfTsNode', measure('npx', ['--no-install', 'cdktf', 'synth'], project));
      counts.cdktfTsNode = resourcesIn(path.join(project, 'cdktf.out', 'stacks', 'sandbox', 'cdk.tf.json'));
      for (const n of fleetSizes) {
        if (n === 100 && i >= fleet100Runs) continue;
        add(
          `fleet${n}`,
          measure(
            node,
            [
              cli,
              'synth',
              ...fleetFiles.slice(0, n),
              '--extends-root',
              path.dirname(fleetBase),
              '--out',
              path.join(out, `fleet${n}`),
              '--quiet',
            ],
            packageRoot,
          ),
        );
      }
      rmSync(out, { recursive: true, force: true });
      const last = (k: string) => samples[k][samples[k].length - 1];
      log(
        `round ${i + 1}/${runs} (load ${load()[0]}): ${Object.keys(samples)
          .filter((k) => samples[k].length === i + 1)
          .map((k) => `${k} ${last(k).wall.toFixed(2)}s/${last(k).cpu.toFixed(2)}s cpu`)
          .join(', ')}`,
      );
    }
    if (counts.govstack !== counts.cdktfTsNode || counts.govstack !== counts.cdktfCompiled) {
      throw new Error(`the three synths differ in resources: ${JSON.stringify(counts)}`);
    }

    let counted: Record<string, number | undefined> | undefined;
    if (countInstructions) {
      log('instruction counts under callgrind (slow)');
      const out = path.join(work, 'callgrind-out');
      counted = {
        floor: instructions(node, ['-e', '0'], packageRoot),
        catalog: instructions(node, [cli, 'catalog'], packageRoot),
        validate: instructions(node, [cli, 'validate', sandbox, '--quiet'], packageRoot),
        synth: instructions(node, [cli, 'synth', sandbox, '--out', out, '--quiet'], packageRoot),
      };
    }

    const all = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
    const results: Results = {
      date: new Date().toISOString(),
      machine: { ...host, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() },
      tools,
      runs,
      resources: counts.govstack,
      fleetBase: path.relative(packageRoot, fleetBase),
      stats: all,
      instructions: counted,
      extraCaCerts,
    };
    writeFileSync(path.join(packageRoot, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
    const lines = report(results);
    writeBenchmarks(lines);
    for (const line of verdicts(results)) log(line);
    log('wrote BENCHMARKS.md and bench-results.json');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Results = {
  date: string;
  machine: ReturnType<typeof machine> & { loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  tools: Record<string, string>;
  runs: number;
  resources: number;
  fleetBase: string;
  stats: Record<string, Stats>;
  instructions?: Record<string, number | undefined>;
  /** The caller's NODE_EXTRA_CA_CERTS, measured on the floor only. */
  extraCaCerts?: string;
};

/** Per added country: (fleet of n − fleet of 1) / (n − 1), medians. */
function marginal(r: Results, n: number, of: 'wall' | 'cpu'): number {
  return (r.stats[`fleet${n}`][of].median - r.stats.fleet1[of].median) / (n - 1);
}

/** The issue's targets, each with its verdict. */
function verdicts(r: Results): string[] {
  const st = r.stats;
  const floor = st.floor.wall.median;
  const check = (ok: boolean, what: string) => `${ok ? 'met' : 'NOT met'}: ${what}`;
  return [
    check(st.synth.wall.median <= 0.4, `sandbox synth ≤ 0.4 s wall median (${st.synth.wall.median.toFixed(3)} s)`),
    check(st.synth.wall.median / floor <= 7, `sandbox synth ≤ 7× node -e 0 (${(st.synth.wall.median / floor).toFixed(1)}×)`),
    check(st.synth.rssMiB <= 150, `sandbox synth ≤ 150 MB (${st.synth.rssMiB.toFixed(0)} MiB)`),
    check(st.validate.wall.median <= 0.2, `validate ≤ 0.2 s (${st.validate.wall.median.toFixed(3)} s)`),
    check(st.catalog.wall.median <= 0.12, `catalog ≤ 0.12 s (${st.catalog.wall.median.toFixed(3)} s)`),
    check(st.fleet100.wall.median <= 8, `100 countries ≤ 8 s wall (${st.fleet100.wall.median.toFixed(2)} s)`),
    check(st.fleet100.rssMiB <= 1024, `100 countries ≤ 1 GB (${st.fleet100.rssMiB.toFixed(0)} MiB)`),
    check(
      marginal(r, 100, 'cpu') <= marginal(r, 10, 'cpu') * 1.15,
      `cost per added country does not grow with N (CPU ${(marginal(r, 10, 'cpu') * 1000).toFixed(0)} ms at 10, ${(marginal(r, 100, 'cpu') * 1000).toFixed(0)} ms at 100)`,
    ),
  ];
}

function report(r: Results): string[] {
  const st = r.stats;
  const s = (x: number) => `${x.toFixed(3)} s`;
  const range = (x: { median: number; min: number; max: number }) => `${s(x.median)} (${x.min.toFixed(3)}–${x.max.toFixed(3)})`;
  const times = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const row = (name: string, k: string) =>
    `| ${name} | ${range(st[k].wall)} | ${range(st[k].cpu)} | ${st[k].rssMiB.toFixed(0)} MiB | ${times(st[k].wall.median, st.floor.wall.median)} | ${times(st[k].cpu.median, st.floor.cpu.median)} | ${st[k].runs} |`;
  const fleetRow = (n: number) => {
    const f = st[`fleet${n}`];
    const per = `${((f.wall.median / n) * 1000).toFixed(0)} ms / ${((f.cpu.median / n) * 1000).toFixed(0)} ms`;
    const added = n === 1 ? '—' : `${(marginal(r, n, 'wall') * 1000).toFixed(0)} ms / ${(marginal(r, n, 'cpu') * 1000).toFixed(0)} ms`;
    return `| ${n} | ${range(f.wall)} | ${range(f.cpu)} | ${f.rssMiB.toFixed(0)} MiB | ${per} | ${added} | ${f.runs} |`;
  };
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\` (${r.runs} rounds, measurements alternating within each round) on ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB RAM, ${r.machine.os}, Node.js ${r.machine.node}; load average (1/5/15 min) ${r.machine.loadAverageAtStart.join(' / ')} at the start and ${r.machine.loadAverageAtEnd.join(' / ')} at the end. The machine is shared: wall times are upper bounds, CPU time (user + system) is less sensitive to load. Tools: cdktf ${r.tools.cdktf}, cdktf-cli ${r.tools['cdktf-cli']}, ts-node ${r.tools['ts-node']}, TypeScript ${r.tools.typescript}.`,
    '',
    `### Commands, the sandbox (${r.resources} resources), cold`,
    '',
    'Median (min–max) over the runs; peak RSS is the largest of the runs; × floor is the ratio of medians to `node -e 0`.',
    '',
    '| command | wall | CPU (user+sys) | peak RSS | × floor, wall | × floor, CPU | runs |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('`node -e 0` (the floor)', 'floor'),
    row('`govstack catalog`', 'catalog'),
    row('`govstack validate blueprints/sandbox.yaml`', 'validate'),
    row('`govstack synth blueprints/sandbox.yaml`', 'synth'),
    ...(st.floorExtraCa ? [row(`\`node -e 0\` with NODE_EXTRA_CA_CERTS=${r.extraCaCerts} (not in the rows above)`, 'floorExtraCa')] : []),
    row("`cdktf synth`, this repo's cdktf.json (`node dist/stacks/main.js`)", 'cdktfCompiled'),
    row('`cdktf synth`, new cdktf project (`npx ts-node main.ts`)', 'cdktfTsNode'),
    '',
    ...(st.floorExtraCa
      ? [
          `The commands run without NODE_EXTRA_CA_CERTS, which this machine's shell sets: Node.js parses that file at every start, before any script, adding ${((st.floorExtraCa.wall.median - st.floor.wall.median) * 1000).toFixed(0)} ms wall to each process (the row above), and none of these commands opens a TLS connection.`,
          '',
        ]
      : []),
    `\`govstack synth\` against \`cdktf synth\` of the same app: compiled app ${times(st.cdktfCompiled.wall.median, st.synth.wall.median)} slower in wall time (${times(st.cdktfCompiled.cpu.median, st.synth.cpu.median)} in CPU), ts-node project ${times(st.cdktfTsNode.wall.median, st.synth.wall.median)} (${times(st.cdktfTsNode.cpu.median, st.synth.cpu.median)} in CPU). All three write the same number of resources.`,
    '',
    `### Fleets: N countries in one \`govstack synth\``,
    '',
    `Each country is an overlay of \`${r.fleetBase}\` (own name, country, X-Road instance). Per country: the fleet's median over N (wall / CPU). Per added country: (fleet of N − fleet of 1) / (N − 1), the marginal cost, which must not grow with N.`,
    '',
    '| N | wall | CPU (user+sys) | peak RSS | per country | per added country | runs |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...fleetSizes.map(fleetRow),
  ];
  if (r.instructions) {
    const ir = r.instructions;
    const g = (k: string) => (ir[k] === undefined ? 'n/a' : `${(ir[k]! / 1e9).toFixed(2)} G`);
    lines.push(
      '',
      '### Instructions (valgrind callgrind, one run each)',
      '',
      '| `node -e 0` | catalog | validate | synth (sandbox) |',
      '| --- | --- | --- | --- |',
      `| ${g('floor')} | ${g('catalog')} | ${g('validate')} | ${g('synth')} |`,
    );
  }
  lines.push('', '#### Targets (issue 14)', '', ...verdicts(r).map((v) => `- ${v}`));
  return lines;
}

function writeBenchmarks(lines: string[]): void {
  const section = ['<!-- bench:begin (written by `npm run bench`; edit outside these markers) -->', ...lines, '<!-- bench:end -->'].join(
    '\n',
  );
  const file = path.join(packageRoot, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n<!-- bench:begin -->\n<!-- bench:end -->\n';
  const start = current.indexOf('<!-- bench:begin');
  const end = current.indexOf('<!-- bench:end -->');
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + '<!-- bench:end -->'.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

main();
