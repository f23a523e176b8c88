import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';

/**
 * The environment the real tools need (PATH with tofu, helm, kubectl…, the offline provider
 * mirror), read from the toolchain script so tests and users share one source. Fails — never
 * skips — when a tool is missing, naming the command that builds it.
 */
export function toolchainEnv(): NodeJS.ProcessEnv {
  const script = path.join(packageRoot, 'scripts', 'toolchain.sh');
  const exports = execFileSync('bash', [script, '--print-env'], { encoding: 'utf8' });
  const env: NodeJS.ProcessEnv = { ...process.env };
  const run = execFileSync('bash', ['-c', `${exports}\nenv -0`], { encoding: 'utf8', env });
  for (const entry of run.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  for (const tool of ['tofu', 'helm', 'kubectl', 'kube-apiserver', 'etcd']) {
    const found = (env.PATH ?? '').split(':').some((dir) => existsSync(path.join(dir, tool)));
    if (!found) throw new Error(`${tool} is not built; run scripts/toolchain.sh first`);
  }
  if (!env.TF_CLI_CONFIG_FILE || !existsSync(env.TF_CLI_CONFIG_FILE))
    throw new Error('the offline provider mirror is missing; run scripts/toolchain.sh first');
  return env;
}
