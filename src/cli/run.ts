import type * as Problems from '../blueprint/problems';

/**
 * Exit codes, one meaning each: 0 success; 1 internal error (a bug: please report it);
 * 2 bad input or an environment problem (usage, blueprint, an unwritable or wrong `--out`, a
 * closed pipe); 3 the answer asked for is "no" (`diff`: the blueprints differ; `audit
 * --fail-on`: findings at that level).
 */
export const exitCodes = { ok: 0, internal: 1, input: 2, no: 3 } as const;

/** Error codes of the file system and pipes that are the environment's doing, not a bug. */
const environmentCodes: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symlinks',
  EMFILE: 'too many open files',
  EPIPE: 'the reader closed the pipe',
};

/** The one line an environment problem prints, or undefined when `err` is not one. */
export function environmentMessage(err: unknown): string | undefined {
  // Loaded here, on failure only: a command that succeeds never pays for the problems module.
  const { EnvironmentError } = require('../blueprint/problems') as typeof Problems;
  if (err instanceof EnvironmentError) return err.message;
  const e = err as (NodeJS.ErrnoException & { dest?: string }) | undefined;
  // mkdir -p through a file fails with EEXIST naming that file (Node 20), not ENOTDIR.
  const code = e?.code === 'EEXIST' && e.syscall === 'mkdir' ? 'ENOTDIR' : e?.code;
  // makeFolder makes each folder once, so ENOENT from mkdir means the file system takes no new folder there (/proc).
  const why =
    code === 'ENOENT' && e?.syscall === 'mkdir' ? 'the file system there takes no new folder' : code ? environmentCodes[code] : undefined;
  if (!why) return undefined;
  // A copy names its source in `path` and what it writes in `dest`: the problem is where it writes.
  const copying = e!.syscall === 'copyfile' && e!.dest !== undefined;
  const where = copying ? e!.dest : e!.path;
  return where
    ? `cannot ${copying || e!.syscall === 'open' || e!.syscall === 'mkdir' || e!.syscall === 'rename' ? 'write' : 'use'} ${where}: ${why}`
    : `${e!.syscall ?? 'output'}: ${why}`;
}

let pipeWatched = false;

/** A reader that goes away (`govstack catalog | head -1`) is an environment problem, said once. */
function watchPipes(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      process.stderr.write('govstack: standard output was closed before everything was written\n');
      process.exit(exitCodes.input);
    }
    throw err;
  });
}

/**
 * Run a command body and turn what it throws into an exit code: input problems print one
 * per line (`file:line  /pointer  message`) and exit 2; environment problems print one plain
 * line and exit 2; anything else is an internal error, printed without a stack trace (set
 * GOVSTACK_DEBUG=1 for one) and exits 1.
 */
export async function runCommand(body: () => Promise<number | void> | number | void): Promise<void> {
  watchPipes();
  try {
    const code = await body();
    process.exitCode = code ?? exitCodes.ok;
  } catch (err) {
    // Required on failure only, so a command that never reads a blueprint never loads it.
    const { formatProblem, InputError, sortProblems } = require('../blueprint/problems') as typeof Problems;
    if (err instanceof InputError) {
      for (const problem of sortProblems(err.problems)) process.stderr.write(formatProblem(problem) + '\n');
      process.stderr.write(`${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}; nothing was written\n`);
      process.exitCode = exitCodes.input;
      return;
    }
    const environment = environmentMessage(err);
    if (environment) {
      process.stderr.write(`govstack: ${environment.split('\n')[0]}\n`);
      process.exitCode = exitCodes.input;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`govstack: internal error: ${message.split('\n')[0]}\n`);
    if (process.env.GOVSTACK_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = exitCodes.internal;
  }
}
