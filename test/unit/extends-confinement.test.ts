import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileLimits, loadBlueprint } from '../../src/blueprint/load';
import { InputError, Problem } from '../../src/blueprint/problems';
import { fixture } from './support';

/** Issue 13, item 7: `extends:` reads only blueprints inside the allowed folders, each once. */
let work: string;
let outside: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'govstack-extends-')));
  outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'govstack-elsewhere-')));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function problemsOf(file: string, options = {}): Problem[] {
  try {
    loadBlueprint(file, options);
  } catch (err) {
    if (err instanceof InputError) return [...err.problems];
    throw err;
  }
  return [];
}

const minimalText = () => readFileSync(fixture('valid', 'minimal.yaml'), 'utf8');

describe('confinement |', () => {
  test("a base outside the blueprint's folder tree is refused, naming the folder to allow, and --extends-root allows it", () => {
    writeFileSync(path.join(outside, 'base.yaml'), minimalText());
    const overlay = path.join(work, 'country.yaml');
    writeFileSync(overlay, `extends: [${JSON.stringify(path.join(outside, 'base.yaml'))}]\n`);
    const problems = problemsOf(overlay);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: overlay, line: 1, pointer: '/extends' });
    expect(problems[0].message).toBe(
      `extends names ${path.join(outside, 'base.yaml')}, which is outside ${work} (after following symlinks); move the base inside, or allow its folder with --extends-root ${outside}`,
    );
    expect(problemsOf(overlay, { extendsRoots: [outside] })).toEqual([]);
  });

  test('.. and symlinks are followed before the check: a link inside that points outside is refused', () => {
    writeFileSync(path.join(outside, 'target.yaml'), minimalText());
    symlinkSync(path.join(outside, 'target.yaml'), path.join(work, 's.yaml'));
    const viaLink = path.join(work, 'via-link.yaml');
    writeFileSync(viaLink, 'extends: [s.yaml]\n');
    expect(problemsOf(viaLink).map((p) => p.message)).toEqual([expect.stringMatching(/^extends names .*s\.yaml, which is outside/)]);
    const viaDots = path.join(work, 'via-dots.yaml');
    writeFileSync(viaDots, `extends: [${JSON.stringify(path.relative(work, path.join(outside, 'target.yaml')))}]\n`);
    expect(problemsOf(viaDots).map((p) => p.message)).toEqual([expect.stringMatching(/which is outside/)]);
  });

  test('a symlink named s.yaml to a system file prints nothing of the file', () => {
    const secret = path.join(outside, 'system-file.yaml');
    writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n');
    symlinkSync(secret, path.join(work, 'sys.yaml'));
    const overlay = path.join(work, 'sys-overlay.yaml');
    writeFileSync(overlay, 'extends: [sys.yaml]\n');
    const all = JSON.stringify([...problemsOf(overlay), ...problemsOf(overlay, { extendsRoots: [outside] })]);
    expect(all).not.toContain('root:x');
    expect(all).toContain('is not a blueprint (its top level is not blueprint sections); nothing of it is shown');
  });

  test('a base that is not valid YAML is reported by line only, never quoted', () => {
    writeFileSync(path.join(work, 'broken.yaml'), 'password: "hunter2\n');
    const overlay = path.join(work, 'broken-overlay.yaml');
    writeFileSync(overlay, 'extends: [broken.yaml]\n');
    const problems = problemsOf(overlay);
    expect(JSON.stringify(problems)).not.toMatch(/hunter2|password/);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^this base is not a valid blueprint file \(YAML error at line \d+\); run "govstack validate .*broken\.yaml" to see the details$/,
      ),
    ]);
  });
});

describe('each file is read once |', () => {
  test('eight files that each name the next six times validate, reading each file once', () => {
    // The issue's fan-out: without memoisation this is 6^8 reads and merges.
    const dir = path.join(work, 'fan-out');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'f8.yaml'), minimalText());
    for (let i = 7; i >= 1; i--)
      writeFileSync(
        path.join(dir, `f${i}.yaml`),
        `extends: [${Array(6)
          .fill(`f${i + 1}.yaml`)
          .join(', ')}]\n`,
      );
    const opened: string[] = [];
    // The module object the loader calls into (a namespace import would be a copy).
    const fs = require('node:fs') as typeof import('node:fs');
    const original = fs.openSync;
    const spy = jest.spyOn(fs, 'openSync').mockImplementation(((file: string, ...rest: unknown[]) => {
      opened.push(String(file));
      return (original as (...a: unknown[]) => number)(file, ...rest);
    }) as typeof fs.openSync);
    try {
      const loaded = loadBlueprint(path.join(dir, 'f1.yaml'));
      expect(loaded.blueprint.metadata.name).toBe('minimal');
      expect(loaded.sources).toHaveLength(8);
    } finally {
      spy.mockRestore();
    }
    const counts = new Map<string, number>();
    for (const file of opened.filter((f) => f.startsWith(dir))) counts.set(path.basename(file), (counts.get(path.basename(file)) ?? 0) + 1);
    expect([...counts.entries()].sort()).toEqual(Array.from({ length: 8 }, (_, i) => [`f${i + 1}.yaml`, 1]));
  });

  test('the files named through extends are capped together', () => {
    const dir = path.join(work, 'total');
    mkdirSync(dir);
    const filler = `# ${'z'.repeat(1000)}\n`.repeat(Math.floor((fileLimits.maxBytes - 2048) / 1003));
    writeFileSync(path.join(dir, 'b0.yaml'), minimalText() + filler);
    for (let i = 1; i <= 5; i++) writeFileSync(path.join(dir, `b${i}.yaml`), `extends: [b${i - 1}.yaml]\n${filler}`);
    const problems = problemsOf(path.join(dir, 'b5.yaml'));
    expect(problems.map((p) => p.message)).toContain(
      `the files named through extends hold more than ${fileLimits.maxTotalBytes / 1048576} MiB together; a blueprint and its bases are a few kilobytes`,
    );
  });
});
