/** Where a value came from: the file and the 1-based line of its key (0 when unknown). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** One thing wrong with the input, reported as `file:line  /json/pointer  message`. */
export interface Problem extends SourceLocation {
  /** RFC 6901 JSON pointer into the merged blueprint; empty for the whole document. */
  readonly pointer: string;
  readonly message: string;
}

/**
 * Bad input: the user can fix it. Carries every problem found, so one run reports them all.
 * Everything else that is thrown is an internal error.
 */
export class InputError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

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
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.pointer.localeCompare(b.pointer) || a.message.localeCompare(b.message),
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
