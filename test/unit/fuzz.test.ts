import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { formatProblem, InputError, sortProblems } from '../../src/blueprint/problems';
import { buildingBlocks } from '../../src/catalog';
import { loadModels } from '../../src/model/load-models';
import { packageRoot } from '../../src/paths';
import { synthesize } from '../../src/synth/synthesize';
import { execFile } from 'node:child_process';
import { cli, foreignTemplates } from './support';

/** The cases live in temporary folders and extend the project's blueprints and fixtures: allowed explicitly. */
const fuzzRoots = [path.join(packageRoot, 'blueprints'), path.join(packageRoot, 'test', 'fixtures')];
/**
 * Property-based fuzzing of the blueprint input, through the code the CLI runs (load, merge,
 * validate, resolve; for a sample, synthesise): at least 1,000 blueprints per run, mutated
 * from the sandbox, the examples and the fixtures (keys dropped, duplicated, renamed or
 * retyped; hostile strings and unicode; huge numbers; nested junk; flows to random ids;
 * bad `extends:` paths; broken YAML text). Every case must end as a success or an InputError
 * whose problems each print as one line `file[:line]  /pointer  message`; nothing else may be
 * thrown, no case may hang, and a synth that fails leaves its output folder unchanged with no
 * staging folder behind. Then the real CLI runs on a sample: exit 0 or 2, never a stack trace.
 *
 * The cases run in a worker thread under a watchdog, so a hang fails the test (with the case
 * that hung) instead of blocking it. FUZZ_RUNS and FUZZ_SEED override the count and seed.
 */

// ---------------------------------------------------------------------------------------------
// The corpus and the mutations (shared by the worker and the CLI sample).

interface Base {
  readonly name: string;
  /** The parsed document, `extends:` rewritten to absolute paths. */
  readonly doc: Record<string, unknown>;
}

function loadBases(): Base[] {
  const files = [
    path.join(packageRoot, 'blueprints', 'sandbox.yaml'),
    ...readdirSync(path.join(packageRoot, 'blueprints', 'examples'))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => path.join(packageRoot, 'blueprints', 'examples', f)),
    path.join(packageRoot, 'test', 'fixtures', 'valid', 'minimal.yaml'),
    path.join(packageRoot, 'test', 'fixtures', 'overlay', 'country.yaml'),
  ];
  return files.map((file) => {
    const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (Array.isArray(doc.extends)) doc.extends = doc.extends.map((e) => path.resolve(path.dirname(file), String(e)));
    return { name: path.relative(packageRoot, file), doc };
  });
}

const catalogIds = buildingBlocks.map((b) => b.id);

/** Strings that have broken parsers, templates, shells and terminals. */
const nastyStrings = [
  '${file("/etc/passwd")}',
  '%{ if true }x%{ endif }',
  '$${x}',
  '%%{x}',
  '${TfToken[TOKEN.1]}',
  '${TfToken[TOKEN.99999]}',
  '"; rm -rf / #',
  '`id`',
  '$(id)',
  "'",
  '"',
  '\\',
  '\n',
  '\r\n',
  'a\nb: c',
  '\u0000',
  '\u0007',
  '\u001b[31mred',
  '\u2028',
  '\u0085',
  '{{ .Values.x }}',
  '{{',
  ': - [',
  '&a',
  '*a',
  '!!python/object:os.system',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '..',
  '/',
  '/'.repeat(300),
  'a'.repeat(5000),
  '\ufeff',
  'ä'.repeat(10),
  '🇰🇪',
  '\u202e',
  '\ud800',
  'NaN',
  '-0',
  '0x1F',
  '1e400',
  'null',
  '~',
  'true',
  'no',
  'y',
  '=cmd|calc',
  'C:\\Windows',
  'ﬁ',
  'İ',
  'ǅ',
  'ss',
  'ß',
  'x'.repeat(64),
  'a-b',
  'A',
  '-',
  'a-',
  '1a',
  'a_b',
  'a b',
];

const hugeNumbers = [1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), Infinity, -Infinity, NaN, -0, 0.5, 1e-320, 4294967296, 99999999999999999999];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...nastyStrings), fc.string({ maxLength: 8 }), fc.constantFrom(...nastyStrings))
      .map((p) => p.join('')),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][-a-z0-9]{0,40}$/) },
);

/** A value of any type: scalars, hostile strings, huge numbers, and nested junk. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(...hugeNumbers),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(0).map(() => []),
  fc.constant(0).map(() => ({})),
  fc.jsonValue({ maxDepth: 4 }),
  fc.nat({ max: 90 }).map((depth) => nest(depth)),
);

function nest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
  return value;
}

/** One edit of the parsed document; numbers pick a path or an item by modulo. */
type Op =
  | { kind: 'drop'; at: number }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'string'; at: number; value: string }
  | { kind: 'number'; at: number; value: number }
  | { kind: 'rename'; at: number; key: string }
  | { kind: 'addKey'; at: number; key: string; value: unknown }
  | { kind: 'flow'; block: number; to: string; via: unknown }
  | { kind: 'enable'; block: number; owner: number }
  | { kind: 'extends'; value: unknown };

/** An edit of the serialised text, after the document edits. */
type TextOp =
  | { kind: 'none' }
  | { kind: 'json' }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'tabs' }
  | { kind: 'bom' }
  | { kind: 'multiDocument' }
  | { kind: 'aliases' };

export interface Case {
  readonly base: number;
  readonly ops: readonly Op[];
  readonly text: TextOp;
}

const extendsValues: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    ['nope.yaml'],
    ['../../../../etc/passwd'],
    ['/etc/hostname'],
    ['/proc/self/pagemap'],
    ['/dev/zero'],
    [''],
    [42],
    [null],
    [['x.yaml']],
    'not-a-list.yaml',
    [],
    ['.'],
    ['/'],
    ['/tmp'],
    ['SELF'],
    ['SELF', 'SELF'],
    ['DIR.yaml'],
    ['../'.repeat(30) + 'etc/shadow.yaml'],
    [path.join(packageRoot, 'blueprints', 'examples', 'bases', 'social-protection.yaml')],
    [path.join(packageRoot, 'test', 'fixtures', 'valid', 'minimal.yaml')],
    [path.join(packageRoot, 'test', 'fixtures', 'invalid', 'extends-cycle-a.yaml')],
    [path.join(packageRoot, 'test', 'fixtures', 'invalid', 'alias-bomb.yaml')],
    [path.join(packageRoot, 'blueprints', 'blueprint.schema.json')],
    [path.join(packageRoot, 'package.json')],
  ),
  fc.array(
    hostileString.map((s) => `${s}.yaml`),
    { maxLength: 3 },
  ),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: junk }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('string' as const), at: fc.nat(), value: hostileString }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: fc.constantFrom(...hugeNumbers) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: hostileString }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addKey' as const), at: fc.nat(), key: hostileString, value: junk }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flow' as const),
      block: fc.nat(),
      to: fc.oneof(fc.constantFrom(...catalogIds), hostileString),
      via: fc.constantFrom<unknown>(undefined, 'direct', 'mediator', 'carrier-pigeon', 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('enable' as const), block: fc.nat(), owner: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extends' as const), value: extendsValues }) },
);

const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'json' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(
        hostileString,
        fc.constantFrom('\t', ':', '- ', '[', '{', '}', '"', "'", '#', '|', '>', '&x ', '*x', '? ', '%YAML 1.1\n', '!!binary '),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'tabs' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'multiDocument' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'aliases' as const }) },
);

export const caseArbitrary = (bases: number): fc.Arbitrary<Case> =>
  fc.record({ base: fc.nat({ max: bases - 1 }), ops: fc.array(op, { minLength: 0, maxLength: 4 }), text: textOp });

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object')
    for (const key of Object.keys(value)) pathsOf((value as Record<string, unknown>)[key], [...prefix, key], out);
  return out;
}

function parentOf(doc: unknown, at: Path): { parent: any; key: string | number } {
  let parent: any = doc;
  for (const step of at.slice(0, -1)) parent = parent[step];
  return { parent, key: at[at.length - 1] };
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty: a key named __proto__ must stay data.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Apply a case to its base; returns the text of the blueprint file and its extension. */
export function render(c: Case, bases: readonly Base[], self: string, dir: string): { text: string; ext: string } {
  const doc = structuredClone(bases[c.base].doc) as Record<string, any>;
  // Copies: generated values are shared between cases and must never be edited in place.
  for (const o of structuredClone(c.ops)) {
    const paths = pathsOf(doc);
    const pick = (n: number) => paths[n % paths.length];
    switch (o.kind) {
      case 'drop': {
        if (paths.length === 0) break;
        const { parent, key } = parentOf(doc, pick(o.at));
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      }
      case 'retype':
      case 'string':
      case 'number': {
        if (paths.length === 0) break;
        const { parent, key } = parentOf(doc, pick(o.at));
        if (Array.isArray(parent)) parent[Number(key)] = o.value;
        else setOwn(parent, String(key), o.value);
        break;
      }
      case 'rename': {
        const maps = paths.filter((p) => typeof p[p.length - 1] === 'string');
        if (maps.length === 0) break;
        const { parent, key } = parentOf(doc, maps[o.at % maps.length]);
        const value = parent[key];
        delete parent[key];
        setOwn(parent, o.key, value);
        break;
      }
      case 'addKey': {
        const maps: Path[] = [
          [],
          ...paths.filter((p) => {
            const v = parentOf(doc, [...p, 'x']).parent;
            return v !== null && typeof v === 'object' && !Array.isArray(v);
          }),
        ];
        const at = maps[o.at % maps.length];
        const target = at.reduce((v: any, step) => v[step], doc);
        setOwn(target, o.key, o.value);
        break;
      }
      case 'flow': {
        const blocks = doc.buildingBlocks && typeof doc.buildingBlocks === 'object' ? Object.keys(doc.buildingBlocks) : [];
        if (blocks.length === 0) break;
        const block = doc.buildingBlocks[blocks[o.block % blocks.length]];
        if (!block || typeof block !== 'object') break;
        const flow: Record<string, unknown> = { to: o.to };
        if (o.via !== undefined) flow.via = o.via;
        block.consumes = Array.isArray(block.consumes) ? [...block.consumes, flow] : [flow];
        break;
      }
      case 'enable': {
        const id = catalogIds[o.block % catalogIds.length];
        const orgs = Array.isArray(doc.mediator?.organisations) ? doc.mediator.organisations : [];
        const owner = orgs.length > 0 ? orgs[o.owner % orgs.length]?.name : 'nobody';
        if (doc.buildingBlocks && typeof doc.buildingBlocks === 'object') doc.buildingBlocks[id] = { owner };
        break;
      }
      case 'extends': {
        const swap = (v: unknown): unknown =>
          v === 'SELF' ? self : v === 'DIR.yaml' ? path.join(dir, 'DIR.yaml') : Array.isArray(v) ? v.map(swap) : v;
        doc.extends = swap(o.value);
        break;
      }
    }
  }
  let text = c.text.kind === 'json' ? JSON.stringify(doc, null, 2) : stringify(doc, { aliasDuplicateObjects: false });
  const lines = () => text.split('\n');
  switch (c.text.kind) {
    case 'duplicateLine': {
      const keyed = lines()
        .map((l, i) => [l, i] as const)
        .filter(([l]) => /^\s*[^\s#][^:]*:/.test(l));
      if (keyed.length > 0) {
        const [line, i] = keyed[c.text.at % keyed.length];
        const all = lines();
        all.splice(i, 0, line);
        text = all.join('\n');
      }
      break;
    }
    case 'truncate':
      text = text.slice(0, c.text.at % (text.length + 1));
      break;
    case 'insert': {
      const at = c.text.at % (text.length + 1);
      text = text.slice(0, at) + c.text.text + text.slice(at);
      break;
    }
    case 'tabs':
      text = text.replace(/^ {2}/gm, '\t');
      break;
    case 'bom':
      text = '\ufeff' + text;
      break;
    case 'multiDocument':
      text = `${text}\n---\n${text}`;
      break;
    case 'aliases':
      text = `x-anchor: &a [1, 2, 3]\n${text}\nx-alias: *a\n`;
      break;
    default:
      break;
  }
  return { text, ext: c.text.kind === 'json' ? '.json' : '.yaml' };
}

/** A problem line: `file[:line]  /pointer  message`, one line, nothing blank. */
export function checkProblemLines(err: InputError): void {
  if (err.problems.length === 0) throw new Error('an InputError with no problems');
  for (const problem of sortProblems(err.problems)) {
    const line = formatProblem(problem);
    const breaks = /[\r\n\u2028\u2029\u0085]/.exec(line);
    if (breaks)
      throw new Error(
        `problem spans more than one line (U+${breaks[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${breaks.index}): ${JSON.stringify(line)}`,
      );
    if (!/^\S(.*?)(:\d+)?  \/.*  \S/.test(line))
      throw new Error(`problem line is not "file[:line]  /pointer  message": ${JSON.stringify(line)}`);
    if (!problem.file) throw new Error(`problem without a file: ${JSON.stringify(line)}`);
  }
}

/** Every file under a folder with its sha256, to prove a failed synth changed nothing. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isSymbolicLink())
        out[path.relative(dir, full)] = `-> ${readlinkSync(full)}`; // a stack link: where it leads
      else out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The worker: runs the property, reporting each case before running it.

interface Stats {
  runs: number;
  valid: number;
  rejected: number;
  synthesised: number;
  slowestMs: number;
}

interface FuzzRequest {
  readonly govstackFuzz: true;
  readonly runs: number;
  readonly seed: number;
  readonly dir: string;
  /** Synthesise every n-th case, and the first few valid ones. */
  readonly synthEvery: number;
}

/** A bound far above any real case (milliseconds on an idle machine): only a hang exceeds it. */
const caseBoundMs = { load: 20_000, synth: 90_000 };

function runWorker(request: FuzzRequest): void {
  const bases = loadBases();
  const stats: Stats = { runs: 0, valid: 0, rejected: 0, synthesised: 0, slowestMs: 0 };
  mkdirSync(path.join(request.dir, 'DIR.yaml'), { recursive: true });
  const property = fc.property(caseArbitrary(bases.length), (c) => {
    const n = stats.runs++;
    const caseDir = path.join(request.dir, `case-${n}`);
    mkdirSync(caseDir, { recursive: true });
    const self = path.join(caseDir, 'blueprint.yaml');
    const { text, ext } = render(c, bases, self, request.dir);
    const file = self.replace(/\.yaml$/, ext);
    writeFileSync(file, text);
    parentPort!.postMessage({
      type: 'case',
      heap: Math.round(process.memoryUsage().heapUsed / 1048576),
      n,
      base: bases[c.base].name,
      ops: c.ops.map((o) => o.kind).join(',') + `/${c.text.kind}`,
      file,
    });

    const started = Date.now();
    let models: ReturnType<typeof loadModels> | undefined;
    try {
      models = loadModels([file], { extendsRoots: fuzzRoots });
      stats.valid++;
    } catch (err) {
      if (!(err instanceof InputError)) throw new Error(`not an InputError: ${err instanceof Error ? err.stack : String(err)}`);
      checkProblemLines(err);
      stats.rejected++;
    }
    const loadMs = Date.now() - started;
    if (loadMs > caseBoundMs.load) throw new Error(`load took ${loadMs} ms`);

    const sample = n % request.synthEvery === 0 || (models !== undefined && stats.synthesised < 8);
    if (sample) {
      // As the CLI: synth only what loaded; the out folder already holds another stack.
      const out = path.join(caseDir, 'out');
      mkdirSync(path.join(out, 'stacks', 'keep'), { recursive: true });
      writeFileSync(path.join(out, 'stacks', 'keep', 'cdk.tf.json'), '{"keep":true}\n');
      const before = snapshot(out);
      const synthStarted = Date.now();
      if (models) {
        const stacks = synthesize(models, out);
        if (stacks.length !== 1 || !existsSync(stacks[0].file)) throw new Error('synth wrote no stack');
        const foreign = foreignTemplates(JSON.parse(readFileSync(stacks[0].file, 'utf8')));
        if (foreign.length > 0) throw new Error(`input reached the Terraform JSON as a live template: ${foreign.join(', ')}`);
        if (snapshot(out)['stacks/keep/cdk.tf.json'] !== before['stacks/keep/cdk.tf.json']) throw new Error('synth changed another stack');
        stats.synthesised++;
      } else if (JSON.stringify(snapshot(out)) !== JSON.stringify(before)) {
        throw new Error('a rejected blueprint changed the output folder');
      }
      const staging = readdirSync(caseDir).filter((f) => f.startsWith('.govstack-synth-') || f.includes('.old-'));
      if (staging.length > 0) throw new Error(`staging folders left behind: ${staging.join(', ')}`);
      const synthMs = Date.now() - synthStarted;
      if (synthMs > caseBoundMs.synth) throw new Error(`synth took ${synthMs} ms`);
    }
    stats.slowestMs = Math.max(stats.slowestMs, Date.now() - started);
    rmSync(caseDir, { recursive: true, force: true });
  });
  const details = fc.check(property, { numRuns: request.runs, seed: request.seed, endOnFailure: false });
  parentPort!.postMessage({
    type: 'done',
    stats,
    numRuns: details.numRuns,
    failed: details.failed,
    report: details.failed
      ? `${fc.defaultReportMessage(details) ?? 'failed'}\n${details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance)}`
      : '',
  });
}

/** The CLI as a user runs it, keeping the signal if one ended it. */
function spawnCli(args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: packageRoot, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; signal?: string | null }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        signal: e?.signal ?? null,
        stdout,
        stderr: e && typeof e.code !== 'number' ? `${stderr}\n[spawn: ${e.message}]` : stderr,
      });
    });
  });
}

if (workerData?.govstackFuzz) {
  runWorker(workerData as FuzzRequest);
} else {
  // -------------------------------------------------------------------------------------------
  // The tests (jest's side).
  const runs = Number(process.env.FUZZ_RUNS ?? 1000);
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  /** Without a message from the worker for this long, a case hangs. */
  const watchdogMs = 180_000;

  test(`at least 1,000 mutated blueprints end as success or one-line problems, never a crash, hang or partial output`, async () => {
    expect(runs).toBeGreaterThanOrEqual(process.env.FUZZ_RUNS ? 1 : 1000);
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-fuzz-'));
    let peakHeapMb = 0;
    try {
      const result = await new Promise<{ stats: Stats; numRuns: number; failed: boolean; report: string }>((resolve, reject) => {
        const worker = new Worker(__filename, {
          workerData: { govstackFuzz: true, runs, seed, dir, synthEvery: 100 } satisfies FuzzRequest,
        });
        let last: { n: number; base: string; ops: string; file: string; heap: number } | undefined;
        let timer: NodeJS.Timeout;
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            void worker.terminate();
            const kept = last ? readFileSync(last.file, 'utf8').slice(0, 4000) : '';
            reject(
              new Error(
                `case ${last?.n} hangs (no progress for ${watchdogMs / 1000}s; seed ${seed}; base ${last?.base}; ops ${last?.ops}):\n${kept}`,
              ),
            );
          }, watchdogMs);
        };
        arm();
        worker.on('message', (m) => {
          arm();
          if (m.type === 'case') {
            last = m;
            peakHeapMb = Math.max(peakHeapMb, m.heap);
          }
          if (m.type === 'done') {
            clearTimeout(timer);
            void worker.terminate();
            resolve(m);
          }
        });
        worker.on('error', (err) => {
          clearTimeout(timer);
          const kept = last && existsSync(last.file) ? readFileSync(last.file, 'utf8').slice(0, 4000) : '';
          reject(new Error(`${err.message} at case ${last?.n} (seed ${seed}; base ${last?.base}; ops ${last?.ops}):\n${kept}`));
        });
      });
      const { stats } = result;
      process.stdout.write(
        `[fuzz] ${stats.runs} blueprints fuzzed (seed ${seed}, FUZZ_SEED=${seed} to replay): ${stats.valid} valid, ${stats.rejected} rejected with one-line problems, ${stats.synthesised} synthesised; slowest case ${stats.slowestMs} ms; peak heap ${peakHeapMb} MB\n`,
      );
      if (result.failed) throw new Error(`fuzz found a failing blueprint (seed ${seed}):\n${result.report}`);
      expect(result.numRuns).toBe(runs);
      expect(stats.runs).toBeGreaterThanOrEqual(runs);
      // Both outcomes must be exercised, or the mutations are too weak or too strong.
      expect(stats.valid).toBeGreaterThan(0);
      expect(stats.rejected).toBeGreaterThan(runs / 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);

  test('the real CLI on a sample of mutated blueprints exits 0 or 2, one line per problem, no stack trace, nothing partial', async () => {
    const bases = loadBases();
    const dir = mkdtempSync(path.join(tmpdir(), 'govstack-fuzz-cli-'));
    try {
      mkdirSync(path.join(dir, 'DIR.yaml'));
      const cases: Case[] = [
        { base: bases.findIndex((b) => b.name.endsWith('minimal.yaml')), ops: [], text: { kind: 'none' } },
        ...fc.sample(caseArbitrary(bases.length), { numRuns: 5, seed }),
      ];
      const codes: (number | null)[] = [];
      for (const [i, c] of cases.entries()) {
        const file = path.join(dir, `cli-${i}.yaml`);
        const { text, ext } = render(c, bases, file, dir);
        const target = file.replace(/\.yaml$/, ext);
        writeFileSync(target, text);
        const out = path.join(dir, `out-${i}`);
        const result = await spawnCli(['synth', target, ...fuzzRoots.flatMap((r) => ['--extends-root', r]), '--out', out]);
        codes.push(result.code);
        if (result.code === null || ![0, 2].includes(result.code) || /\n\s+at |internal error/.test(result.stderr)) {
          throw new Error(
            `exit ${result.code}${result.signal ? ` (${result.signal})` : ''} for case ${JSON.stringify(c).slice(0, 2000)} (seed ${seed}):\n${result.stderr.slice(-3000)}`,
          );
        }
        if (result.code === 2) {
          const lines = result.stderr.trimEnd().split('\n');
          expect(lines[lines.length - 1]).toMatch(/^\d+ problems?; nothing was written$/);
          for (const line of lines.slice(0, -1)) expect(line).toMatch(/^\S(.*?)(:\d+)?  \/.*  \S/);
          expect(existsSync(out)).toBe(false);
        } else {
          expect(result.stdout).toMatch(/: wrote .*cdk\.tf\.json \(\d+ resources\)/);
          expect(statSync(out).isDirectory()).toBe(true);
        }
        expect(readdirSync(dir).filter((f) => f.startsWith('.govstack-synth-'))).toEqual([]);
      }
      expect(codes[0]).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
}
