/**
 * kubectl as the compliance run uses it: one place that runs it and says, in one line, why a
 * call failed. A kubectl that cannot start, a cluster it cannot reach, a kubeconfig it cannot
 * read or credentials the cluster refuses are the environment's doing (EnvironmentError, exit 2,
 * kubectl's own error line); only a manifest the API server finds invalid is the program's.
 */
import { spawnSync } from 'node:child_process';
import { EnvironmentError } from '../blueprint/problems';

/** Which kubectl, and which cluster it talks to. */
export interface KubectlTarget {
  /** kubectl executable: a name looked up on PATH, or a path. */
  readonly kubectl: string;
  /** kubeconfig file. @default kubectl's own choice (KUBECONFIG, then ~/.kube/config) */
  readonly kubeconfig?: string;
  /** kubeconfig context. @default the kubeconfig's current context */
  readonly context?: string;
}

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs kubectl with `args` (and `input` on its standard input) and returns its exit status and
 * output, whatever the status. An EnvironmentError when kubectl cannot be started at all.
 */
export function runKubectl(t: KubectlTarget, args: readonly string[], input?: string): KubectlResult {
  const base = [...(t.kubeconfig ? ['--kubeconfig', t.kubeconfig] : []), ...(t.context ? ['--context', t.context] : [])];
  const r = spawnSync(t.kubectl, [...base, ...args], { input: input ?? '', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const where = t.kubectl.includes('/') ? `${t.kubectl}: no such file` : `no ${t.kubectl} on PATH`;
      throw new EnvironmentError(`kubectl not found (${where}): install it or pass --kubectl PATH`);
    }
    if (code === 'EACCES') throw new EnvironmentError(`kubectl ${t.kubectl} cannot be run: permission denied`);
    throw new EnvironmentError(`kubectl ${t.kubectl} cannot be run: ${r.error.message}`);
  }
  if (r.status === null) throw new EnvironmentError(`kubectl ${args.slice(0, 2).join(' ')} was stopped by ${r.signal ?? 'a signal'}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs kubectl and returns its standard output; any failure is thrown as {@link kubectlFailure} says. */
export function kubectlOk(t: KubectlTarget, args: readonly string[], input?: string): string {
  const r = runKubectl(t, args, input);
  if (r.status !== 0) throw kubectlFailure(t.kubectl, args, r);
  return r.stdout;
}

/** client-go's log lines (`E1130 13:34:14.123264   11897 memcache.go:381] …`), which precede kubectl's own message. */
const klogLine = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\] /;

/**
 * kubectl's own error line from its standard error: the first line that is not a client-go log
 * line (the last of those when there is nothing else), or '' when it said nothing.
 */
export function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.find((l) => !klogLine.test(l)) ?? lines[lines.length - 1] ?? '';
}

/**
 * The error for a failed call of `kubectl` (the executable as given) with `args`: an EnvironmentError naming what stood in the way (the
 * cluster unreachable, the kubeconfig unusable, the credentials refused, or else the command),
 * with kubectl's own error line; a plain Error (a bug) when the API server found a manifest
 * the program wrote invalid.
 */
export function kubectlFailure(kubectl: string, args: readonly string[], r: KubectlResult): Error {
  const line = errorLine(r.stderr);
  // The verb and what it acts on: the words before the first flag (`delete job`, `get namespace gs-compliance`).
  const flag = args.findIndex((a) => a.startsWith('-'));
  const command = [kubectl, ...args.slice(0, flag < 0 ? 3 : Math.min(flag, 3))].join(' ');
  if (line === '') return new EnvironmentError(`${command} exited ${r.status} without a message`);
  if (/^Error from server \(Invalid\)/.test(line)) return new Error(`${command}: ${line}`);
  if (
    /Unable to connect to the server|connection to the server .* was refused|connection refused|dial tcp|no such host|i\/o timeout|TLS handshake|x509:/.test(
      line,
    )
  )
    return new EnvironmentError(`kubectl could not reach the cluster: ${line}`);
  if (
    /error loading config file|invalid configuration|no configuration has been provided|context .* does not exist|context was not found|^Error in configuration|^error: stat /.test(
      line,
    )
  )
    return new EnvironmentError(`kubectl could not use its kubeconfig: ${line}`);
  if (/^Error from server \((Forbidden|Unauthorized)\)|must be logged in/.test(line))
    return new EnvironmentError(`the cluster refused ${command}: ${line}`);
  return new EnvironmentError(`${command} failed: ${line}`);
}
