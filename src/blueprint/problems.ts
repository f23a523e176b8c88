import { ordinal } from '../ordinal';

/** Where a value came from: the file and the 1-based line of its key (0 when unknown). */
export interface SourceLocation {
  /** File as shown to the user, or the label of a blueprint declared in code. */
  readonly file: string;
  /** 1-based line of the key; 0 when unknown (always 0 for a blueprint declared in code). */
  readonly line: number;
}

/** One thing wrong with the input, reported as `file:line  /json/pointer  message`. */
export interface Problem extends SourceLocation {
  /** RFC 6901 JSON pointer into the merged blueprint; empty for the whole document. */
  readonly pointer: string;
  /** What is wrong and, where possible, how to fix it; one line. */
  readonly message: string;
}

/**
 * Bad input: the user can fix it. Carries every problem found, so one run reports them all.
 * Everything else that is thrown is an internal error.
 */
export class InputError extends Error {
  /**
   * An error carrying every problem of one input.
   * @param problems - every problem found, in the order found; the message lists them one per line
   */
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

/** One problem as one line: `file:line  /json/pointer  message` (`file` alone when the line is unknown). */
export function formatProblem(p: Problem): string {
  // File names and pointers come from the input too (a key may hold a newline): all one line.
  const where = p.line > 0 ? `${oneLine(p.file)}:${p.line}` : oneLine(p.file);
  return `${where}  ${oneLine(p.pointer) || '/'}  ${oneLine(p.message)}`;
}

/** Problems print one per line, whatever the message holds. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Escape one reference token of a JSON pointer (RFC 6901 §3). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(parent: string, token: string | number): string {
  return `${parent}/${pointerToken(token)}`;
}

/** Sort problems so output is stable: by file, line, pointer, message. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => ordinal(a.file, b.file) || a.line - b.line || ordinal(a.pointer, b.pointer) || ordinal(a.message, b.message),
  );
}

/**
 * The environment, not the input or the program, is in the way: an output folder that is a
 * file or cannot be written, a closed pipe, a disk that is full. One plain line, exit 2.
 */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}
