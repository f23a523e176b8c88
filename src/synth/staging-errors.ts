/**
 * An error of the staging code as plain data, and back. It crosses from a worker thread (errors
 * do not cross threads whole), or from another copy of the error classes (the synthesis
 * bundle's, staging-code.ts): the CLI maps classes to exit codes, so it is rebuilt as this
 * copy's class.
 */
import { EnvironmentError, InputError, Problem } from '../blueprint/problems';

/** The fields of a system error (Node's `ErrnoException`) the CLI reads to name an environment problem (src/cli/run.ts). */
const systemErrorFields = ['code', 'syscall', 'path', 'dest'] as const;

/** An error as plain data: its class name, message, an InputError's problems, a system error's fields. */
export interface ReportedError {
  readonly name: string;
  readonly message: string;
  readonly problems?: unknown;
  readonly system?: Partial<Record<(typeof systemErrorFields)[number], unknown>>;
}

/** `err` as plain data. */
export function asReported(err: unknown): ReportedError {
  const e = err as Error & { problems?: unknown } & Record<string, unknown>;
  const system = Object.fromEntries(systemErrorFields.filter((f) => e[f] !== undefined).map((f) => [f, e[f]]));
  return { name: e.name, message: e.message, problems: e.problems, ...(Object.keys(system).length > 0 ? { system } : {}) };
}

/** The error `reported` describes, as this copy's class (InputError, EnvironmentError, else an Error of that name with its system error fields). */
export function rebuilt(reported: ReportedError): Error {
  if (reported.name === 'InputError' && Array.isArray(reported.problems)) return new InputError(reported.problems as Problem[]);
  if (reported.name === 'EnvironmentError') return new EnvironmentError(reported.message);
  return Object.assign(new Error(reported.message), { name: reported.name }, reported.system);
}
