import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Blueprint } from './types';
import { Located, locate, parseLocated, toPlain } from './located';
import { mergeLocated, SchemaNode } from './merge';
import { InputError, Problem, SourceLocation } from './problems';
import { SchemaViolation, schemaAndValidator, templateSequences, validateAgainstSchema } from './validate';

/** Input limits: a blueprint is a few kilobytes; anything far beyond is a mistake or an attack. */
export const fileLimits = { maxBytes: 1024 * 1024, maxExtendsDepth: 8 };

/** A blueprint file as read: its display path and content hash (for audit integrity). */
export interface SourceFile {
  /** Path as shown to the user (relative inside the working directory), or a label for a blueprint from code. */
  readonly path: string;
  /** SHA-256 of the file's bytes (of the canonical JSON for a blueprint from code), hex. */
  readonly sha256: string;
}

/** A validated blueprint with the means to point back into the files it came from. */
export interface LoadedBlueprint {
  /** The entry file, as the user named it. */
  readonly file: string;
  /** The merged, schema-valid blueprint. */
  readonly blueprint: Blueprint;
  /** The entry file first, then every base it extends, each once. */
  readonly sources: readonly SourceFile[];
  /** Where the value at a JSON pointer came from (deepest declared ancestor). */
  locate(pointer: string): SourceLocation;
}

/**
 * Read a blueprint (YAML or JSON), merge its `extends:` bases, and validate it against the
 * schema. Throws InputError listing every problem; never returns a half-valid blueprint.
 */
export function loadBlueprint(file: string): LoadedBlueprint {
  const sources: SourceFile[] = [];
  const problems: Problem[] = [];
  const tree = readWithBases(file, [], sources, problems);
  if (!tree || problems.length > 0) throw new InputError(problems);

  const { value, locations } = toPlain(tree);
  const fallback = { file: displayPath(file), line: 0 };
  const where = (pointer: string) => locate(locations, pointer, fallback);
  const violations = blueprintViolations(value);
  if (violations.length > 0) {
    throw new InputError(violations.map((v) => ({ ...where(v.pointer), pointer: v.pointer, message: v.message })));
  }
  return { file: displayPath(file), blueprint: value as Blueprint, sources, locate: where };
}

/**
 * The checks every blueprint value passes, whether read from a file or declared in code: the
 * JSON Schema and the template-sequence guard. Returns the violations (empty when valid).
 */
export function blueprintViolations(value: unknown): SchemaViolation[] {
  return [...validateAgainstSchema(value), ...templateSequences(value)];
}

function readWithBases(file: string, chain: readonly string[], sources: SourceFile[], problems: Problem[], from?: SourceLocation): Located | undefined {
  const absolute = path.resolve(file);
  const shown = displayPath(file);
  const at = from ?? { file: shown, line: 0 };
  if (chain.includes(absolute)) {
    problems.push({ ...at, pointer: '/extends', message: `extends cycle: ${[...chain, absolute].map(displayPath).join(' -> ')}` });
    return undefined;
  }
  if (chain.length > fileLimits.maxExtendsDepth) {
    problems.push({ ...at, pointer: '/extends', message: `extends chain deeper than ${fileLimits.maxExtendsDepth} files` });
    return undefined;
  }
  const text = readText(absolute, shown, at, problems);
  if (text === undefined) return undefined;
  const parsed = parseLocated(text, shown);
  problems.push(...parsed.problems);
  if (!parsed.tree) return undefined;
  if (!sources.some((s) => s.path === shown)) sources.push({ path: shown, sha256: createHash('sha256').update(text).digest('hex') });
  if (parsed.tree.kind !== 'map') {
    problems.push({ file: shown, line: parsed.tree.loc.line, pointer: '', message: 'a blueprint must be a mapping (key: value)' });
    return undefined;
  }

  const own = new Map(parsed.tree.entries);
  const bases = own.get('extends');
  own.delete('extends');
  own.delete('$schema');
  let merged: Located | undefined;
  if (bases) {
    if (bases.kind !== 'seq' || bases.items.some((b) => b.kind !== 'scalar' || typeof b.value !== 'string')) {
      problems.push({ ...bases.loc, pointer: '/extends', message: 'extends must be a list of file paths' });
      return undefined;
    }
    // Only blueprint files are read, whatever a base names (the schema says the same, but
    // that runs after the merge, and a base's bytes must not be read to find out).
    const notBlueprint = bases.items.find((b) => !/\.(ya?ml|json)$/i.test(String((b as { value: string }).value)));
    if (notBlueprint) {
      problems.push({ ...notBlueprint.loc, pointer: '/extends', message: `extends names ${JSON.stringify((notBlueprint as { value: string }).value)}; a base must be a .yaml, .yml or .json file` });
      return undefined;
    }
    for (const base of bases.items) {
      const basePath = path.resolve(path.dirname(absolute), String((base as { value: string }).value));
      const baseTree = readWithBases(basePath, [...chain, absolute], sources, problems, { file: shown, line: base.loc.line });
      if (!baseTree) return undefined;
      merged = merged ? mergeLocated(merged, baseTree, schemaAndValidator().schema as SchemaNode) : baseTree;
    }
  }
  const self: Located = { kind: 'map', entries: own, loc: parsed.tree.loc };
  return merged ? mergeLocated(merged, self, schemaAndValidator().schema as SchemaNode) : self;
}

function readText(absolute: string, shown: string, at: SourceLocation, problems: Problem[]): string | undefined {
  let bytes: Buffer;
  try {
    const stat = statSync(absolute);
    if (!stat.isFile()) {
      problems.push({ ...at, pointer: '', message: `${shown} is not a file` });
      return undefined;
    }
    if (stat.size > fileLimits.maxBytes) {
      problems.push({ file: shown, line: 0, pointer: '', message: `file is ${(stat.size / 1048576).toFixed(1)} MiB; a blueprint may be at most ${fileLimits.maxBytes / 1048576} MiB` });
      return undefined;
    }
    // A bounded read: files such as /proc/self/pagemap report size 0 but never end.
    const read = readAtMost(absolute, fileLimits.maxBytes);
    if (read.length > fileLimits.maxBytes) {
      problems.push({ file: shown, line: 0, pointer: '', message: `file is larger than ${fileLimits.maxBytes / 1048576} MiB, the most a blueprint may be` });
      return undefined;
    }
    bytes = read;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({ ...at, pointer: '', message: code === 'ENOENT' ? `cannot read ${shown}: no such file` : `cannot read ${shown}: ${code ?? 'read error'}` });
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, bad).toString('latin1').split('\n').length;
    problems.push({ file: shown, line, pointer: '', message: `not valid UTF-8 (byte ${bad})` });
    return undefined;
  }
}

/** A file's bytes, but no more than `limit` and one more chunk (so a longer file shows as longer). */
function readAtMost(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      // Whole 64 KiB chunks: some kernel files (/proc/self/pagemap) refuse odd-sized reads.
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Offset of the first byte that starts a malformed UTF-8 sequence (to report its line). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const follow = lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (follow < 0) return i;
    for (let k = 1; k <= follow; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += follow + 1;
  }
  return i;
}

/** Paths inside the working directory are shown relative, others absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : path.resolve(file);
}
