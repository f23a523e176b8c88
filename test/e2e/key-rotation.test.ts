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
 * written with passphrase A; a plan with passphrase B alone fails; one apply with
 * `rotate: true` (B as the key, A as the fallback) re-encrypts it; then B alone opens it and A
 * no longer does. A stack of outputs only, so no provider or cluster is needed.
 */
const env = toolchainEnv();
const work = mkdtempSync(path.join(tmpdir(), 'govstack-e2e-rotation-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const oldKey = 'the old passphrase, 16+ characters';
const newKey = 'the new passphrase, 16+ characters';

function stackWith(encryption: StateEncryption, marker: string): string {
  const dir = path.join(work, `${encryption.rotate ? 'rotate' : 'plain'}-${marker}`);
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

  // One apply with rotate: the new passphrase encrypts, the old one is the fallback.
  const rotating = stackWith({ keyProvider: 'pbkdf2', rotate: true }, 'two');
  const both = { ...b, TF_VAR_state_encryption_previous_passphrase: oldKey };
  tofu(rotating, ['init', '-input=false'], both);
  tofu(rotating, ['apply', '-input=false', '-auto-approve'], both);
  expect(readFileSync(path.join(work, 'tiny.tfstate'), 'utf8')).not.toBe(written);

  // After it: rotate removed, the new passphrase reads the state, the old one no longer does.
  const after = stackWith({ keyProvider: 'pbkdf2' }, 'two');
  tofu(after, ['init', '-input=false'], b);
  const replan = tofu(after, ['plan', '-input=false', '-detailed-exitcode'], b, [2]);
  expect(replan.stdout).toContain('No changes.');
  expect(fails(after, ['plan', '-input=false'], a)).toMatch(/decryption failed/i);
});
