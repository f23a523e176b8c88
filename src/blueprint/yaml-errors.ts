import { YAMLError } from 'yaml';

/** What a YAML error means in plain words, and what to do about it, by the parser's error code. */
const plain: Partial<Record<string, [string, string]>> = {
  MISSING_CHAR: ['a bracket, brace or quote is not closed', 'close it on the same value, or quote the whole value'],
  BAD_INDENT: ['the indentation does not line up', 'indent this line like the other keys at its level (spaces only)'],
  TAB_AS_INDENT: ['a tab is used for indentation', 'indent with spaces'],
  DUPLICATE_KEY: ['a key appears twice in one mapping', 'keep one of them'],
  BLOCK_AS_IMPLICIT_KEY: ['a value is missing or a key has no colon', 'write "key: value" with a space after the colon'],
  MULTILINE_IMPLICIT_KEY: ['a key runs over more than one line (a missing colon?)', 'write "key: value" on one line'],
  UNEXPECTED_TOKEN: [
    'a character YAML reserves appears where a value was expected',
    'quote the value ("…") if it contains : # [ ] { } , or starts with - ? * & ! | > % @ `',
  ],
  BAD_SCALAR_START: ['a value starts with a character YAML reserves', 'quote the value ("…")'],
  BAD_DQ_ESCAPE: ['a double-quoted value has an invalid backslash escape', 'use single quotes, or write the backslash twice'],
  BAD_ALIAS: ['an alias (*name) has no matching anchor (&name) before it', 'define the anchor before the alias, or write the value out'],
  ALIAS_PROPS: ['an alias (*name) carries a tag or anchor', 'remove the tag or anchor from the alias'],
  MULTIPLE_ANCHORS: ['a value has two anchors', 'keep one &anchor'],
  MULTIPLE_TAGS: ['a value has two tags', 'remove the tags'],
  MULTIPLE_DOCS: ['the file holds more than one YAML document (---)', 'keep one blueprint per file'],
  BAD_DIRECTIVE: ['a % directive is not understood', 'remove the line starting with %'],
  BLOCK_IN_FLOW: [
    'a block value (- item or key:) is inside [ ] or { }',
    'write the list or map either in [ ]/{ } or as indented lines, not both',
  ],
  NON_STRING_KEY: ['a key is not plain text', 'write keys as plain words'],
};

/**
 * One plain line for a YAML syntax error: what is wrong, near which key, and what to do. The
 * parser's own text (which can quote the file) is used only for codes not listed above.
 */
export function yamlProblemMessage(error: YAMLError, text: string, line: number): string {
  const flow = /^Flow (sequence|mapping)\b/.exec(error.message);
  if (flow) {
    // The parser notices an unclosed [ or { only where the next key starts: name the key that opened it.
    const [open, close] = flow[1] === 'sequence' ? ['[', ']'] : ['{', '}'];
    const opener = nearestKey(text, line, open);
    return `YAML syntax: the ${open} after ${opener ? `"${opener}"` : 'a key'} is not closed; end it with ${close} on the same line, or quote the value ("…") if the ${open} is part of the text`;
  }
  const key = nearestKey(text, line);
  const near = key ? ` near "${key}"` : '';
  const known = plain[error.code];
  if (known) return `YAML syntax: ${known[0]}${near}; ${known[1]}`;
  return `YAML syntax: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}${near}`;
}

/** The key on the given 1-based line, or on the closest line above that has one (and whose value holds `holding`). */
function nearestKey(text: string, line: number, holding?: string): string | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const match = /^\s*(?:-\s+)?([A-Za-z0-9_$.-]{1,64})\s*:(\s|$)(.*)$/.exec(lines[i]);
    if (match && (!holding || match[3].includes(holding))) return match[1];
  }
  return undefined;
}
