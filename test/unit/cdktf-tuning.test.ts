import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  cdktfTuning,
  cdktfVersionTuned,
  skipCrossStackPreparation,
  withTunedCdktf,
  withTunedCdktfCopyingElsewhere,
} from '../../src/synth/cdktf-tuning';
import { sortedJson } from '../../src/synth/cdktf-tuning/stable-stringify';
import { FolderCopies } from '../../src/synth/folder-copy';
import {
  App,
  AssetType,
  DefaultTokenResolver,
  TerraformAsset,
  TerraformLocal,
  Lazy,
  StringConcat,
  TerraformOutput,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
import fc from 'fast-check';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import { root } from './support';

// The adjustments of src/synth/cdktf-tuning/ are written for one cdktf version; these tests
// fail when cdktf changes, so that each is re-examined (and re-recorded in cdktfVersionTuned).

/** Run a script in a new node process (module loading as the CLI sees it, without jest's registry). */
function inNode(script: string): unknown {
  const { status, stdout, stderr } = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (status !== 0) throw new Error(`node exited ${status}: ${stderr}`);
  return JSON.parse(stdout);
}
const tuningModule = JSON.stringify(path.join(root, 'dist', 'src', 'synth', 'cdktf-tuning', 'index.js'));

test('cdktf is the version the adjustments were written for, and every adjustment applies', () => {
  expect(require('cdktf/package.json').version).toBe(cdktfVersionTuned);
  const status = inNode(`const t = require(${tuningModule}); process.stdout.write(JSON.stringify(t.cdktfTuning()));`);
  expect(status).toEqual({
    cdktfVersion: cdktfVersionTuned,
    archiverOnUse: true,
    noTokenStackTraces: true,
    noCrossStackPreparation: true,
    plainDataFastPath: true,
    folderAssetLinks: true,
    fastStableStringify: true,
    documentMergeWithoutCopies: true,
  });
});

test('the archive library is loaded only when an archive is made, and then it is the real one', () => {
  const result = inNode(
    [
      `require(${tuningModule});`,
      `require('cdktf');`,
      `const loaded = () => Object.keys(require.cache).filter((f) => /node_modules\\/(archiver-utils|zip-stream)\\//.test(f)).length;`,
      `const before = loaded();`,
      `const archiver = require(require.resolve('archiver', { paths: [require('path').join(require.resolve('cdktf'), '..', 'private')] }));`,
      `const zip = archiver('zip');`,
      `process.stdout.write(JSON.stringify({ before, after: loaded(), standIn: archiver.govstackStandIn === true, directory: typeof zip.directory }));`,
    ].join('\n'),
  );
  expect(result).toEqual({ before: 0, after: expect.any(Number), standIn: true, directory: 'function' });
  expect((result as { after: number }).after).toBeGreaterThan(0);
});

test('tokens made inside withTunedCdktf carry no stack trace; outside, cdktf records one as usual', () => {
  expect(cdktfTuning().noTokenStackTraces).toBe(true);
  const inside = withTunedCdktf(() => Lazy.anyValue({ produce: () => 1 }));
  const outside = Lazy.anyValue({ produce: () => 1 });
  expect(inside.creationStack).toEqual([]);
  expect(outside.creationStack.length).toBeGreaterThan(0);
});

/** Two stacks, the second with an output referencing a namespace of the first. */
function crossStackApp(outdir: string): App {
  const app = new App({ outdir, stackTraces: false });
  const a = new TerraformStack(app, 'a');
  new KubernetesProvider(a, 'kubernetes', {});
  const ns = new NamespaceV1(a, 'ns', { metadata: { name: 'x' } });
  const b = new TerraformStack(app, 'b');
  new TerraformOutput(b, 'name', { value: ns.id });
  return app;
}

test('a stack whose cross-stack preparation is skipped fails loudly on a reference to another stack', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'govstack-tuning-'));
  try {
    const tuned = crossStackApp(path.join(outdir, 'tuned'));
    skipCrossStackPreparation(tuned);
    expect(() => tuned.synth()).toThrow(
      /stack b references kubernetes_namespace_v1\.ns\S*\.id of stack a; govstack stacks must be independent/,
    );
    // cdktf itself, untouched, turns the same reference into a remote-state lookup.
    expect(() => crossStackApp(path.join(outdir, 'plain')).synth()).not.toThrow();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

/** The inode of one file of a folder asset in each of two stacks, synthesised inside or outside withTunedCdktf. */
function assetInodes(tuned: boolean): number[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'govstack-assets-'));
  try {
    const build = () => {
      const app = new App({ outdir, stackTraces: false });
      for (const name of ['a', 'b']) {
        const stack = new TerraformStack(app, name);
        new TerraformAsset(stack, 'chart', { path: path.join(root, 'charts', 'govstack-gateway'), type: AssetType.DIRECTORY });
      }
      app.synth();
    };
    if (tuned) withTunedCdktf(build);
    else build();
    return ['a', 'b'].map((name) => {
      const folder = path.join(outdir, 'stacks', name, 'assets', 'chart');
      return statSync(path.join(folder, readdirSync(folder)[0], 'templates', 'gateways.yaml')).ino;
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

test('inside withTunedCdktf the second copy of a folder asset links the first; outside, cdktf copies it', () => {
  const [a, b] = assetInodes(true);
  expect(b).toBe(a);
  const [c, d] = assetInodes(false);
  expect(d).not.toBe(c);
});

describe('withTunedCdktfCopyingElsewhere hands folder asset copies to a copier (FolderCopies makes them)', () => {
  const chart = path.join(root, 'charts', 'govstack-gateway');
  /** Every file below `dir`, with its text. */
  const contents = (dir: string): Record<string, string> =>
    Object.fromEntries(
      (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
        .filter((e) => e.isFile())
        .map((e) => {
          const file = path.join(e.parentPath, e.name);
          return [path.relative(dir, file), readFileSync(file, 'utf8')];
        }),
    );
  const build = (outdir: string) => () => {
    const app = new App({ outdir, stackTraces: false });
    for (const name of ['a', 'b']) {
      const stack = new TerraformStack(app, name);
      new TerraformAsset(stack, 'chart', { path: chart, type: AssetType.DIRECTORY });
    }
    app.synth();
  };
  const assetFolder = (outdir: string, stack: string) => {
    const folder = path.join(outdir, 'stacks', stack, 'assets', 'chart');
    return path.join(folder, readdirSync(folder)[0]);
  };

  test('the copier gets each copy instead of cdktf; FolderCopies then writes what withTunedCdktf writes, the second copy linking the first', async () => {
    const [serial, elsewhere] = [
      mkdtempSync(path.join(tmpdir(), 'govstack-assets-')),
      mkdtempSync(path.join(tmpdir(), 'govstack-assets-')),
    ];
    try {
      withTunedCdktf(build(serial));
      const requests: [string, string][] = [];
      withTunedCdktfCopyingElsewhere((source, target) => requests.push([source, target]), build(elsewhere));
      expect(requests).toEqual([
        [chart, assetFolder(elsewhere, 'a')],
        [chart, assetFolder(elsewhere, 'b')],
      ]);
      expect(contents(assetFolder(elsewhere, 'a'))).toEqual({}); // cdktf made the folder, copied nothing
      const copies = new FolderCopies();
      for (const [source, target] of requests) copies.copy(source, target);
      await copies.settled();
      expect(contents(elsewhere)).toEqual(contents(serial));
      const inode = (stack: string) => statSync(path.join(assetFolder(elsewhere, stack), 'templates', 'gateways.yaml')).ino;
      expect(inode('b')).toBe(inode('a'));
    } finally {
      rmSync(serial, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('FolderCopies rejects with a failed copy once every copy has ended', async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'govstack-assets-'));
    try {
      const copies = new FolderCopies();
      copies.copy(chart, path.join(outdir, 'first'));
      copies.copy(path.join(outdir, 'missing'), path.join(outdir, 'second'));
      const failure = await copies.settled().catch((e: NodeJS.ErrnoException) => e);
      expect((failure as NodeJS.ErrnoException).code).toBe('ENOENT');
      expect(contents(path.join(outdir, 'first'))).toEqual(contents(chart));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("the stack's JSON is written as json-stable-stringify writes it", () => {
  const realStringify = require(require.resolve('json-stable-stringify', { paths: [path.dirname(require.resolve('cdktf'))] })) as (
    v: unknown,
    o?: unknown,
  ) => string | undefined;
  // JSON-like values with what Terraform JSON holds and what json-stable-stringify treats
  // specially, and keys and strings a writer could get wrong: keys V8 enumerates first (array
  // indexes) or that set the prototype, NUL, escapes, lone surrogates.
  const awkward = fc.constantFrom('0', '10', '4294967294', '01', '__proto__', 'a\u0000', '\u0000{}', '\u0000[]', '"\\u0000', 'é', '\ud800');
  const text = fc.oneof(fc.string(), awkward);
  const { anything } = fc.letrec((tie) => ({
    anything: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date()),
      fc.array(tie('anything')),
      fc.dictionary(text, tie('anything')),
      fc.constant({}),
      fc.constant([]),
    ),
  }));

  test('for generated values: empty objects and arrays, undefined, dates, unicode keys', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expect(sortedJson(value)).toBe(realStringify(value, { space: 2 }));
      }),
      { numRuns: 500 },
    );
  });

  test('for the sandbox document, and a cycle is refused as json-stable-stringify refuses it', () => {
    const doc = JSON.parse(readFileSync(path.join(root, 'test', 'golden', 'sandbox.cdk.tf.json'), 'utf8')) as unknown;
    expect(sortedJson(doc)).toBe(realStringify(doc, { space: 2 }));
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(() => sortedJson(cycle)).toThrow(TypeError);
    expect(() => realStringify(cycle, { space: 2 })).toThrow(TypeError);
  });
});

// Leaves: plain values and every kind of token cdktf encodes (string, number, list, map),
// plus strings that only look like numbers in exponent form (cdktf's number-token test).
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('1e5', 'sha256:12e4ab', '${var.x}', '%{ if x }', 'TfToken', ''),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(new Date(0)),
  fc.string({ maxLength: 6 }).map((s) => `a${Token.asString(Lazy.stringValue({ produce: () => s }))}b`),
  fc.integer().map((n) => Token.asNumber(Lazy.numberValue({ produce: () => n }))),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }).map((l) => Token.asList(Lazy.listValue({ produce: () => l }))),
  fc
    .dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 })
    .map((m) => Token.asStringMap(Lazy.anyValue({ produce: () => m }))),
  fc.string({ maxLength: 4 }).map((s) => Lazy.anyValue({ produce: () => ({ nested: s, none: undefined }) })),
  // Numbers at and around the token encodings (cdktf's map marker -123456789 is an ordinary number).
  fc.constantFrom(Token.NUMBER_MAP_TOKEN_VALUE, -(2 ** 960), -(2 ** 961), 2 ** 960, -1.8e289, Number.NaN, -Infinity, -0),
  // Objects cdktf treats apart: a resolvable, a construct's shape, no prototype, a class instance, a token as a key.
  fc.constant({ resolve: () => 'resolved' }),
  fc.constant({ _children: {}, _metadata: [] }),
  fc.string({ maxLength: 4 }).map((s) => Object.assign(Object.create(null) as object, { s, resolve: s })),
  fc.string({ maxLength: 4 }).map(
    (s) =>
      new (class Shape {
        readonly s = s;
      })(),
  ),
  fc.string({ maxLength: 4 }).map((s) => ({ [Token.asString(Lazy.stringValue({ produce: () => `k${s}` }))]: s })),
);
const tree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 }),
  ),
})).node;

/** What `f` (which calls cdktf) returns or throws, outside the tuned section and inside it. */
function cdktfAndTuned(f: () => unknown): { cdktf: unknown; tuned: unknown } {
  const outcome = (g: () => unknown) => {
    try {
      return { value: g() };
    } catch (err) {
      return { error: String(err) };
    }
  };
  return { cdktf: outcome(f), tuned: outcome(() => withTunedCdktf(f)) };
}

describe('plain data on the fast path resolves exactly as cdktf resolves it', () => {
  const stack = new TerraformStack(new App({ stackTraces: false }), 'fast-path');
  const resolveIn = (value: unknown) =>
    Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
  const both = (value: unknown) => cdktfAndTuned(() => resolveIn(value));

  test('for generated values with tokens anywhere, the result (or the error) is the same', () => {
    expect(cdktfTuning().plainDataFastPath).toBe(true);
    fc.assert(
      fc.property(tree, (value) => {
        const { cdktf, tuned } = both(value);
        expect(tuned).toStrictEqual(cdktf);
      }),
      { numRuns: 300 },
    );
  });

  test('what cdktf refuses is refused with its message: a list token as a key or a string, a construct, a function, a cycle', () => {
    const listToken = Token.asList(Lazy.listValue({ produce: () => ['x'] }))[0];
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const value of [{ [listToken]: 1 }, { s: `x${listToken}` }, { c: stack }, { f: () => 1 }, cyclic]) {
      const { cdktf, tuned } = both(value);
      expect(cdktf).toHaveProperty('error');
      expect(tuned).toStrictEqual(cdktf);
    }
  });
});

describe("the stack's document merged without copies is the one cdktf assembles", () => {
  // Namespaces (one may refer to another's name, and carry an override), locals and outputs
  // (some in a nested construct) holding generated values with tokens, and overrides of the stack.
  const overridePath = fc.constantFrom(
    'terraform.required_version',
    'terraform.backend.local.path',
    'locals.extra',
    'locals.l0',
    'resource.kubernetes_namespace_v1.extra.metadata.name',
    'output.o0.value',
    'provider',
  );
  const spec = fc.record({
    namespaces: fc.array(
      fc.record({
        labels: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
        refersToPrevious: fc.boolean(),
        override: fc.option(fc.tuple(fc.constantFrom('metadata.labels.x', 'metadata', 'lifecycle.ignore_changes', 'timeouts'), tree)),
      }),
      { maxLength: 4 },
    ),
    locals: fc.array(tree, { maxLength: 3 }),
    outputs: fc.array(fc.tuple(fc.boolean(), tree), { maxLength: 3 }),
    stackOverrides: fc.array(fc.tuple(overridePath, tree), { maxLength: 3 }),
  });
  type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

  function stackOf(s: Spec): TerraformStack {
    const stack = new TerraformStack(new App({ stackTraces: false }), 'merge');
    new KubernetesProvider(stack, 'k8s', {});
    const group = new Construct(stack, 'group');
    let previous: NamespaceV1 | undefined;
    s.namespaces.forEach((n, i) => {
      const ns: NamespaceV1 = new NamespaceV1(i % 2 ? group : stack, `ns${i}`, {
        metadata: {
          name: `n${i}`,
          labels: n.labels,
          annotations: n.refersToPrevious && previous ? { ref: previous.metadata.name } : undefined,
        },
      });
      if (n.override) ns.addOverride(...n.override);
      previous = ns;
    });
    s.locals.forEach((value, i) => new TerraformLocal(stack, `l${i}`, value));
    s.outputs.forEach(([nested, value], i) => new TerraformOutput(nested ? group : stack, `o${i}`, { value }));
    for (const [at, value] of s.stackOverrides) stack.addOverride(at, value);
    return stack;
  }

  test('for generated stacks with tokens, references and overrides, the document (or the error) is the same', () => {
    expect(cdktfTuning().documentMergeWithoutCopies).toBe(true);
    fc.assert(
      fc.property(spec, (s) => {
        const stack = stackOf(s);
        const { cdktf, tuned } = cdktfAndTuned(() => stack.toTerraform());
        expect(tuned).toStrictEqual(cdktf);
      }),
      { numRuns: 300 },
    );
  });

  test('inside withTunedCdktf the stack metadata keeps no undefined either (cdktf drops it in its final resolve)', () => {
    const stack = stackOf({
      namespaces: [{ labels: { a: 'b' }, refersToPrevious: false, override: null }],
      locals: [],
      outputs: [],
      stackOverrides: [],
    });
    const doc = withTunedCdktf(() => stack.toTerraform()) as { '//': { metadata: object } };
    expect(Object.keys(doc['//'].metadata)).not.toContain('cloud');
    expect(doc).toStrictEqual(stack.toTerraform());
  });
});
