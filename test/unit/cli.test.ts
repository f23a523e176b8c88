import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fixtureBaseArgs, root, runCli, stackFolders } from './support';

const temp = () => mkdtempSync(path.join(tmpdir(), 'govstack-cli-'));

describe('govstack CLI |', () => {
  test('--help lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['validate', 'synth', 'catalog']) expect(r.stdout).toContain(`govstack ${cmd}`);
  });

  test('no command is a usage error: exit 2 with a hint', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Name a command');
  });

  test('an unknown option is a usage error: exit 2', async () => {
    const r = await runCli(['synth', '--outt', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument/);
  });

  test('synth without arguments writes the sandbox stack into cdktf.out', async () => {
    const cwd = temp();
    const r = await runCli(['synth'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sandbox: wrote cdktf\.out\/stacks\/sandbox\/cdk\.tf\.json \(\d+ resources\)\n$/);
    expect(existsSync(path.join(cwd, 'cdktf.out', 'stacks', 'sandbox', 'cdk.tf.json'))).toBe(true);
    expect(readdirSync(cwd)).toEqual(['cdktf.out']);
    rmSync(cwd, { recursive: true });
  });

  test('the same blueprint from two working directories gives byte-identical output', async () => {
    const a = temp();
    const b = temp();
    cpSync(path.join(root, 'blueprints'), path.join(b, 'copy-of-blueprints'), { recursive: true });
    // kenya-aks.yaml extends bases/…, inside its own folder tree, as extends: requires by default.
    const left0 = await runCli(['synth', path.join(root, 'blueprints', 'examples', 'kenya-aks.yaml'), '--out', 'out'], a);
    const right0 = await runCli(['synth', path.join('copy-of-blueprints', 'examples', 'kenya-aks.yaml'), '--out', 'elsewhere/out'], b);
    expect([left0.code, right0.code]).toEqual([0, 0]);
    const left = path.join(a, 'out', 'stacks', 'ke-test');
    const right = path.join(b, 'elsewhere', 'out', 'stacks', 'ke-test');
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort();
    expect(files(left)).toEqual(files(right));
    expect(files(left).length).toBeGreaterThan(5);
    for (const f of files(left)) expect(readFileSync(path.join(right, f))).toEqual(readFileSync(path.join(left, f)));
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });

  test('a failing synth leaves an existing output folder exactly as it was', async () => {
    const cwd = temp();
    await runCli(['synth', '--out', 'out'], cwd);
    const before = readFileSync(path.join(cwd, 'out', 'stacks', 'sandbox', 'cdk.tf.json'));
    const r = await runCli(
      [
        'synth',
        path.join(root, 'blueprints', 'sandbox.yaml'),
        path.join(root, 'test', 'fixtures', 'invalid', 'bad-country.yaml'),
        ...fixtureBaseArgs,
        '--out',
        'out',
      ],
      cwd,
    );
    expect(r.code).toBe(2);
    expect(readFileSync(path.join(cwd, 'out', 'stacks', 'sandbox', 'cdk.tf.json'))).toEqual(before);
    expect(readdirSync(cwd)).toEqual(['out']);
    expect(stackFolders(path.join(cwd, 'out', 'stacks'))).toEqual(['sandbox']);
    rmSync(cwd, { recursive: true });
  });

  test('synth of several blueprints keeps other stacks already in the folder', async () => {
    const cwd = temp();
    await runCli(['synth', '--out', 'out'], cwd);
    const r = await runCli(['synth', path.join(root, 'blueprints', 'examples', 'estonia-eks.yaml'), '--out', 'out', '--json'], cwd);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ name: 'ee-staging', file: 'out/stacks/ee-staging/cdk.tf.json' })]);
    expect(stackFolders(path.join(cwd, 'out', 'stacks'))).toEqual(['ee-staging', 'sandbox']);
    const manifest = JSON.parse(readFileSync(path.join(cwd, 'out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(['ee-staging', 'sandbox']);
    rmSync(cwd, { recursive: true });
  });

  test("re-synthesising keeps Terraform's working files: local state, .terraform, lock file", async () => {
    const cwd = temp();
    await runCli(['synth', '--out', 'out'], cwd);
    const stack = path.join(cwd, 'out', 'stacks', 'sandbox');
    writeFileSync(path.join(stack, 'terraform.govstack.de.dev.sandbox.tfstate'), '{"version":4}');
    mkdirSync(path.join(stack, '.terraform', 'providers'), { recursive: true });
    writeFileSync(path.join(stack, '.terraform.lock.hcl'), '# lock');
    const r = await runCli(['synth', '--out', 'out'], cwd);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(stack, 'terraform.govstack.de.dev.sandbox.tfstate'), 'utf8')).toBe('{"version":4}');
    expect(existsSync(path.join(stack, '.terraform', 'providers'))).toBe(true);
    expect(readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
    expect(stackFolders(path.join(cwd, 'out', 'stacks'))).toEqual(['sandbox']);
    rmSync(cwd, { recursive: true });
  });

  test('two blueprints with the same stack name are rejected', async () => {
    const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
    const r = await runCli(['validate', sandbox, sandbox]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/metadata/name  stack name "sandbox" is also used by');
  });

  test('validate reports a summary per valid file', async () => {
    const r = await runCli(['validate', 'blueprints/sandbox.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^blueprints\/sandbox\.yaml: valid \(sandbox, DE dev, 12 building blocks, \d+ flows\)\n$/);
  });

  test('catalog lists every building block; --json is machine-readable', async () => {
    const text = await runCli(['catalog']);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(12);
    const json = JSON.parse((await runCli(['catalog', '--json'])).stdout);
    expect(json.map((b: any) => b.id)).toContain('information-mediator');
  });

  test('a missing file is bad input, not a crash', async () => {
    const r = await runCli(['validate', 'no/such/file.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no/such/file.yaml  /  cannot read no/such/file.yaml: no such file');
  });
});
