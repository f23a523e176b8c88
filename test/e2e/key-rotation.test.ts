import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { configureStateBackend } from '../../src/constructs/state-backend';
import { StateEncryption } from '../../src/blueprint/types';
import { run } from './harness';
import { toolchainEnv } from './toolchain';

/**
 * State encryption key rotation with the real OpenTofu (README "State encryption"): state
 * written with passphrase A (key generation 1, the default); B alone cannot open it; one apply
 * with `generation: 2, rotate: true` (B under generation 2's name as the key, A under the name
 * that wrote the state as the fallback) re-encrypts it; then `generation: 2` with B alone opens
 * it and A no longer does, under either generation. A stack of outputs only, so no provider or
 * cluster is needed.
 */
const env = toolchainEnv();
const work = mkdtempSync(path.join(tmpdir(), 'govstack-e2e-rotation-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const oldKey = 'the old passphrase, 16+ characters';
const newKey = 'the new passphrase, 16+ characters';

function stackWith(encryption: StateEncryption, marker: string): string {
  const dir = path.join(work, `${encryption.rotate ? 'rotate' : 'plain'}-g${encryption.generation ?? 1}-${marker}`);
  mkdirSync(dir, { recursive: true });
  const app = new App({ outdir: dir, stackTraces: false });
  const stack = new TerraformStack(app, 'tiny');
  configureStateBackend(stack, { backend: 'local', path: path.join(work, 'tiny.tfstate'), encryption }, 'govstack/xx/dev/tiny.tfstate');
  new TerraformOutput(stack, 'marker', { value: marker });
  app.synth();
  return path.join(dir, 'stacks', 'tiny');
}

function tofu(dir: string, args: string[], vars: Record<string, string>, okCodes: number[] = []) {
  return run('tofu', [...args, '-no-color'], { cwd: dir, env: { ...env, ...vars }, okCodes });
}

function fails(dir: string, args: string[], vars: Record<string, string>): string {
  try {
    tofu(dir, args, vars);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`tofu ${args.join(' ')} succeeded but must fail`);
}

test('rotate moves the state from the old passphrase to the new one in one apply', () => {
  const a = { TF_VAR_state_encryption_passphrase: oldKey };
  const b = { TF_VAR_state_encryption_passphrase: newKey };
  const first = stackWith({ keyProvider: 'pbkdf2' }, 'one');
  tofu(first, ['init', '-input=false'], a);
  tofu(first, ['apply', '-input=false', '-auto-approve'], a);
  const written = readFileSync(path.join(work, 'tiny.tfstate'), 'utf8');
  expect(JSON.parse(written)).toEqual(expect.objectContaining({ encrypted_data: expect.any(String) }));

  // The failure the issue reports: the new passphrase alone cannot read the old state.
  // (init already reads the state.)
  const plain = stackWith({ keyProvider: 'pbkdf2' }, 'two');
  expect(fails(plain, ['init', '-input=false'], b)).toMatch(/decryption failed/i);

  // One apply with rotate: the new passphrase encrypts as generation 2, the old one is the
  // fallback under generation 1's name, the one that wrote the state.
  const rotating = stackWith({ keyProvider: 'pbkdf2', generation: 2, rotate: true }, 'two');
  const both = { ...b, TF_VAR_state_encryption_previous_passphrase: oldKey };
  tofu(rotating, ['init', '-input=false'], both);
  tofu(rotating, ['apply', '-input=false', '-auto-approve'], both);
  const rotated = readFileSync(path.join(work, 'tiny.tfstate'), 'utf8');
  expect(rotated).not.toBe(written);
  expect(JSON.parse(rotated)).toEqual(expect.objectContaining({ encrypted_data: expect.any(String) }));

  // After it: rotate removed, generation 2 kept; the new passphrase reads the state (no
  // changes: the marker output was written by the rotating apply), the old one no longer does.
  const after = stackWith({ keyProvider: 'pbkdf2', generation: 2 }, 'two');
  tofu(after, ['init', '-input=false'], b);
  const replan = tofu(after, ['plan', '-input=false', '-detailed-exitcode'], b);
  expect(replan.stdout).toContain('No changes.');
  expect(fails(after, ['plan', '-input=false'], a)).toMatch(/decryption failed/i);
  // Nor does the old configuration: the state no longer carries generation 1's key.
  const old = stackWith({ keyProvider: 'pbkdf2' }, 'three');
  expect(fails(old, ['init', '-input=false'], a)).toMatch(/decrypt/i);
  expect(readFileSync(path.join(work, 'tiny.tfstate'), 'utf8')).toBe(rotated);
});
