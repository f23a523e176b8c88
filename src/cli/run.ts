import type * as Problems from '../blueprint/problems';

/** Exit codes: 0 success, 1 internal error, 2 bad input (usage or blueprint). */
export const exitCodes = { ok: 0, internal: 1, input: 2 } as const;

/**
 * Run a command body and turn what it throws into an exit code: input problems print one
 * per line (`file:line  /pointer  message`) and exit 2; anything else is an internal error,
 * printed without a stack trace (set GOVSTACK_DEBUG=1 for one) and exits 1.
 */
export async function runCommand(body: () => Promise<number | void> | number | void): Promise<void> {
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
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`govstack: internal error: ${message.split('\n')[0]}\n`);
    if (process.env.GOVSTACK_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = exitCodes.internal;
  }
}
