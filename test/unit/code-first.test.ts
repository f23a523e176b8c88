import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
// The public index, as a consumer imports it.
import {
  Blueprint,
  CountryDeployment,
  GovStackApp,
  InputError,
  loadBlueprint,
  resolveBlueprint,
  resolveModel,
  synthesize,
} from '../../src/index';
import { root } from './support';

const sandboxFile = path.join(root, 'blueprints', 'sandbox.yaml');
const sandbox = parse(readFileSync(sandboxFile, 'utf8')) as Blueprint;
const withoutExtends = [
  sandboxFile,
  ...readdirSync(path.join(root, 'blueprints', 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(root, 'blueprints', 'examples', f)),
].filter((f) => !('extends' in (parse(readFileSync(f, 'utf8')) as object)));

/** The problems an InputError carries, as `pointer  message` lines (the label is the same on all). */
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.problems.map((p) => `${p.pointer}  ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('resolveBlueprint |', () => {
  test.each(withoutExtends.map((f) => [path.relative(root, f), f]))('%s as an object gives the model the file gives', (_name, file) => {
    const fromFile = resolveModel(loadBlueprint(file));
    const fromCode = resolveBlueprint(parse(readFileSync(file, 'utf8')) as Blueprint, { label: 'code' });
    // Warnings (ux) carry where they were declared: file and line for a file, the label for code.
    const comparable = (m: typeof fromFile) => JSON.stringify({ ...m, sources: undefined, locate: undefined, warnings: undefined });
    expect(comparable(fromCode)).toBe(comparable(fromFile));
    const said = (m: typeof fromFile) => (m.warnings ?? []).map((w) => `${w.pointer}  ${w.message}`);
    expect(said(fromCode)).toEqual(said(fromFile));
    for (const w of fromCode.warnings ?? []) expect(w).toMatchObject({ file: 'code', line: 0 });
    expect(fromCode.sources).toEqual([{ path: 'code', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(fromCode.locate('/metadata/name')).toEqual({ file: 'code', line: 0 });
  });

  test('a stack declared in code synthesises byte-identical Terraform to the same blueprint as a file', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'govstack-code-first-'));
    try {
      const model = resolveBlueprint(sandbox);
      const app = new GovStackApp({ outdir: path.join(out, 'code') });
      new CountryDeployment(app, model.name, { model });
      app.synth();
      const [fromFile] = synthesize([resolveModel(loadBlueprint(sandboxFile))], path.join(out, 'file'));
      expect(readFileSync(path.join(out, 'code', 'stacks', 'sandbox', 'cdk.tf.json'), 'utf8')).toBe(readFileSync(fromFile.file, 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('every mistake of the issue is reported, all in one error, each at its pointer', () => {
    const bad = {
      ...sandbox,
      metadata: { ...sandbox.metadata, name: 'KE_Test', country: 'Kenya' },
      mediator: {
        ...sandbox.mediator,
        organisations: [
          { ...sandbox.mediator.organisations[0], title: 'Interior ${file("/etc/passwd")}' },
          ...sandbox.mediator.organisations.slice(1),
        ],
      },
      buildingBlocks: {
        ...sandbox.buildingBlocks,
        identity: { ...sandbox.buildingBlocks.identity, replicas: 0 },
        registraton: { owner: 'digital-agency' },
      },
    } as unknown as Blueprint;
    let error: InputError | undefined;
    try {
      resolveBlueprint(bad, { label: 'ke.ts' });
    } catch (err) {
      error = err as InputError;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error!.problems.map((p) => p.pointer).sort()).toEqual([
      '/buildingBlocks/identity/replicas',
      '/buildingBlocks/registraton',
      '/mediator/organisations/0/title',
      '/metadata/country',
      '/metadata/name',
    ]);
    const lines = error!.message.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines).toContain('ke.ts  /buildingBlocks/registraton  unknown property "registraton" (did you mean "registration"?)');
    expect(lines.find((l) => l.includes('/mediator/organisations/0/title'))).toMatch(
      /contains "\$\{", which Terraform would read as an interpolation/,
    );
  });

  test('cross-field rules run on code too: an owner that is not an organisation, a flow to a disabled block', () => {
    const bad: Blueprint = {
      ...sandbox,
      buildingBlocks: {
        ...sandbox.buildingBlocks,
        gis: { owner: 'nobody' },
        messaging: { ...sandbox.buildingBlocks.messaging, enabled: false },
      },
    };
    expect(problemsOf(() => resolveBlueprint(bad)).sort()).toEqual([
      '/buildingBlocks/gis/owner  owner "nobody" is not an organisation in /mediator/organisations',
      '/buildingBlocks/scheduler/consumes/0/to  scheduler consumes messaging, which is disabled',
      '/buildingBlocks/workflow/consumes/0/to  workflow consumes messaging, which is disabled',
    ]);
  });

  test('values no file could hold are problems at their pointers, not crashes', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const bad = {
      ...sandbox,
      metadata: { ...sandbox.metadata, description: (() => 'x') as unknown as string },
      gateway: { ...sandbox.gateway, rateLimit: { requests: Number.NaN, unit: 'Second' } },
      mediator: { ...sandbox.mediator, memberClasses: ['GOV', undefined] as unknown as string[] },
      deployment: { charts: new Map() as unknown as object },
      observability: cyclic as never,
    } as unknown as Blueprint;
    expect(problemsOf(() => resolveBlueprint(bad)).sort()).toEqual([
      '/deployment/charts  a Map instance cannot be part of a blueprint (only plain objects)',
      '/gateway/rateLimit/requests  NaN is not a finite number',
      '/mediator/memberClasses/1  undefined in a list',
      '/metadata/description  a function cannot be part of a blueprint (only strings, numbers, booleans, null, lists and plain objects)',
      '/observability/self  refers back to an enclosing object (a cycle)',
    ]);
  });

  test('optional fields left undefined are not problems', () => {
    const model = resolveBlueprint({ ...sandbox, security: undefined, deployment: { waits: undefined, timeoutSeconds: 600 } });
    expect(model.deployment.timeoutSeconds).toBe(600);
  });

  test('extends is refused in code: compose objects instead', () => {
    expect(problemsOf(() => resolveBlueprint({ ...sandbox, extends: ['base.yaml'] }))).toEqual([
      '/extends  extends names files; in code, spread a base object into this one (or load the files with loadBlueprint)',
    ]);
  });

  test("the caller's object is not changed and not kept", () => {
    const copy = structuredClone(sandbox);
    const model = resolveBlueprint(copy);
    expect(copy).toEqual(sandbox);
    (copy.metadata as { name: string }).name = 'changed';
    expect(model.name).toBe('sandbox');
  });
});
