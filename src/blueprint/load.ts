import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Blueprint } from './types';
import { Located, locate, parseLocated, toPlain } from './located';
import { mergeLocated, Removal, SchemaNode } from './merge';
import { InputError, joinPointer, Problem, SourceLocation } from './problems';
import { schemaAndValidator, SchemaViolation, templateSequences, validateAgainstSchema } from './validate';
import { crossFieldProblems } from './rules';
import { riskWarnings } from './warnings';
import { quantityText } from './quantity';

/**
 * Input limits: a blueprint is a few kilobytes; anything far beyond is a mistake or an attack.
 * `maxTotalBytes` caps all files one blueprint reads through `extends:` together (each file
 * counts once, however often it is named).
 */
export const fileLimits = { maxBytes: 1024 * 1024, maxExtendsDepth: 8, maxTotalBytes: 4 * 1024 * 1024 };

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
  /** Valid but risky, or what the audit will FAIL; and what overlays took away (see warnings.ts). */
  readonly warnings: readonly Problem[];
}

/** How a blueprint file is read. */
export interface LoadOptions {
  /**
   * Folders whose files `extends:` may name besides the entry file's own folder tree (the only
   * one allowed by default: not the working directory, which is wherever the user happens to
   * stand). Every path is compared after resolving symlinks.
   * @default none: bases must lie in the entry file's folder or below it
   */
  readonly extendsRoots?: readonly string[];
}

/**
 * Read a blueprint (YAML or JSON), merge its `extends:` bases, and validate it against the
 * schema and the cross-field rules. Throws InputError listing every problem; never returns a
 * half-valid blueprint.
 */
export function loadBlueprint(file: string, options: LoadOptions = {}): LoadedBlueprint {
  const reader = new Reader(file, options);
  const tree = reader.read(file, []);
  if (!tree || reader.problems.length > 0) throw new InputError(reader.problems);

  const { value, locations } = toPlain(tree);
  const fallback = { file: displayPath(file), line: 0 };
  const where = (pointer: string) => locate(locations, pointer, fallback);
  const dropped = dropFlowsToRemovedBlocks(value, where, reader.removed);
  const checked = validateBlueprintValue(value, where);
  if (checked.problems.length > 0) throw new InputError(checked.problems);
  const blueprint = resolveRelativePaths(checked.blueprint!, where);
  return { file: displayPath(file), blueprint, sources: reader.sources, locate: where, warnings: [...dropped, ...checked.warnings] };
}

/**
 * The validation pipeline on a value already in memory (a merged blueprint, or one built in
 * code): JSON Schema, template sequences, cross-field rules, then the warnings. `locate` maps
 * a JSON pointer to where the value was declared (default: `<blueprint>`, line 0).
 * Quantities written as numbers come back as strings, as Kubernetes would read them.
 */
export function validateBlueprintValue(
  value: unknown,
  locate: (pointer: string) => SourceLocation = () => ({ file: '<blueprint>', line: 0 }),
): { blueprint?: Blueprint; problems: Problem[]; warnings: Problem[] } {
  const at = (v: SchemaViolation): Problem => ({ ...locate(v.pointer), pointer: v.pointer, message: v.message });
  const violations = blueprintViolations(value);
  if (violations.length > 0) return { problems: violations.map(at), warnings: [] };
  const blueprint = normalizeQuantities(value as Blueprint);
  const crossField = crossFieldProblems(blueprint);
  if (crossField.length > 0) return { problems: crossField.map(at), warnings: [] };
  return { blueprint, problems: [], warnings: riskWarnings(blueprint).map(at) };
}

/**
 * The checks every blueprint value passes first, whether read from a file or declared in code:
 * the JSON Schema and the template-sequence guard. Returns the violations (empty when valid).
 */
export function blueprintViolations(value: unknown): SchemaViolation[] {
  return [...validateAgainstSchema(value), ...templateSequences(value)];
}

/** Reads one blueprint's files: each at most once, confined, capped in total size. */
class Reader {
  readonly sources: SourceFile[] = [];
  readonly problems: Problem[] = [];
  readonly removed: Removal[] = [];
  /** Merged tree of each file already read, by real path (undefined: it failed). */
  private readonly done = new Map<string, Located | undefined>();
  private readonly roots: string[];
  private totalBytes = 0;
  private readonly entry: string;

  constructor(file: string, options: LoadOptions) {
    this.entry = path.resolve(file);
    const entryDir = realOrSelf(path.dirname(this.entry));
    this.roots = [entryDir, ...(options.extendsRoots ?? []).map((r) => realOrSelf(path.resolve(r)))];
  }

  read(file: string, chain: readonly string[], from?: SourceLocation): Located | undefined {
    const absolute = path.resolve(file);
    const shown = displayPath(file);
    const at = from ?? { file: shown, line: 0 };
    const isBase = from !== undefined;
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.problems.push({
        ...at,
        pointer: '',
        message: code === 'ENOENT' ? `cannot read ${shown}: no such file` : `cannot read ${shown}: ${code ?? 'read error'}`,
      });
      return undefined;
    }
    if (chain.includes(real)) {
      this.problems.push({ ...at, pointer: '/extends', message: `extends cycle: ${[...chain, real].map(displayPath).join(' -> ')}` });
      return undefined;
    }
    if (this.done.has(real)) return this.done.get(real);
    if (chain.length > fileLimits.maxExtendsDepth) {
      this.problems.push({ ...at, pointer: '/extends', message: `extends chain deeper than ${fileLimits.maxExtendsDepth} files` });
      return undefined;
    }
    if (isBase && !this.roots.some((root) => isInside(real, root))) {
      this.problems.push({
        ...at,
        pointer: '/extends',
        message: `extends names ${shown}, which is outside ${this.roots.map(displayPath).join(' and ')} (after following symlinks); move the base inside, or allow its folder with --extends-root ${folderShown(path.dirname(real))}`,
      });
      return undefined;
    }
    const result = this.readOne(real, absolute, shown, at, isBase, chain);
    this.done.set(real, result);
    return result;
  }

  private readOne(
    real: string,
    absolute: string,
    shown: string,
    at: SourceLocation,
    isBase: boolean,
    chain: readonly string[],
  ): Located | undefined {
    const text = readText(real, shown, at, this.problems);
    if (text === undefined) return undefined;
    this.totalBytes += Buffer.byteLength(text);
    if (this.totalBytes > fileLimits.maxTotalBytes) {
      this.problems.push({
        ...at,
        pointer: '/extends',
        message: `the files named through extends hold more than ${fileLimits.maxTotalBytes / 1048576} MiB together; a blueprint and its bases are a few kilobytes`,
      });
      return undefined;
    }
    const parsed = parseOnce(text, shown);
    // Never echo a base that is not a blueprint: `extends:` may name any file the user can read.
    if (isBase && parsed.problems.length > 0) {
      const line = parsed.problems[0].line;
      this.problems.push({
        file: shown,
        line,
        pointer: '',
        message: `this base is not a valid blueprint file (YAML error${line ? ` at line ${line}` : ''}); run "govstack validate ${shown}" to see the details`,
      });
      return undefined;
    }
    if (isBase && !looksLikeBlueprint(parsed.tree)) {
      this.problems.push({
        ...at,
        pointer: '/extends',
        message: `${shown} is not a blueprint (its top level is not blueprint sections); nothing of it is shown`,
      });
      return undefined;
    }
    this.problems.push(...parsed.problems);
    if (!parsed.tree) return undefined;
    if (!this.sources.some((s) => s.path === shown))
      this.sources.push({ path: shown, sha256: createHash('sha256').update(text).digest('hex') });
    if (parsed.tree.kind !== 'map') {
      this.problems.push({ file: shown, line: parsed.tree.loc.line, pointer: '', message: 'a blueprint must be a mapping (key: value)' });
      return undefined;
    }

    const own = new Map(parsed.tree.entries);
    const bases = own.get('extends');
    own.delete('extends');
    own.delete('$schema');
    const schema = schemaAndValidator().schema as SchemaNode;
    let merged: Located | undefined;
    if (bases) {
      if (bases.kind !== 'seq' || bases.items.some((b) => b.kind !== 'scalar' || typeof b.value !== 'string')) {
        this.problems.push({ ...bases.loc, pointer: '/extends', message: 'extends must be a list of file paths' });
        return undefined;
      }
      // Only blueprint files are read, whatever a base names (the schema says the same, but
      // that runs after the merge, and a base's bytes must not be read to find out).
      const notBlueprint = bases.items.find((b) => !/\.(ya?ml|json)$/i.test(String((b as { value: string }).value)));
      if (notBlueprint) {
        this.problems.push({
          ...notBlueprint.loc,
          pointer: '/extends',
          message: `extends names ${JSON.stringify((notBlueprint as { value: string }).value)}; a base must be a .yaml, .yml or .json file`,
        });
        return undefined;
      }
      for (const base of bases.items) {
        const basePath = path.resolve(path.dirname(absolute), String((base as { value: string }).value));
        const baseTree = this.read(basePath, [...chain, real], { file: shown, line: base.loc.line });
        if (!baseTree) return undefined;
        merged = merged ? mergeLocated(merged, baseTree, schema, '', this.removed) : baseTree;
      }
    }
    const self: Located = { kind: 'map', entries: own, loc: parsed.tree.loc };
    return merged ? mergeLocated(merged, self, schema, '', this.removed) : self;
  }
}

/**
 * Parsed files by display path and text, kept for later blueprints of the same process: a
 * fleet's countries extend the same bases, and parsing them again for each country was most
 * of the per-country cost of reading blueprints. The located trees are never mutated (merging
 * builds new ones); a changed file has a new text and is parsed anew. Bounded: small files
 * only, the most recently added few.
 */
const parsedFiles = new Map<string, ReturnType<typeof parseLocated>>();
const parseCacheLimits = { maxEntries: 64, maxFileChars: 64 * 1024 };

function parseOnce(text: string, shown: string): ReturnType<typeof parseLocated> {
  if (text.length > parseCacheLimits.maxFileChars) return parseLocated(text, shown);
  const key = `${shown}\u0000${text}`;
  const known = parsedFiles.get(key);
  if (known) return known;
  const parsed = parseLocated(text, shown);
  parsedFiles.set(key, parsed);
  if (parsedFiles.size > parseCacheLimits.maxEntries) parsedFiles.delete(parsedFiles.keys().next().value!);
  return parsed;
}

/** A base must at least look like a blueprint: a mapping whose keys are blueprint sections. */
function looksLikeBlueprint(tree: Located | undefined): boolean {
  if (!tree || tree.kind !== 'map') return false;
  const sections = Object.keys((schemaAndValidator().schema as { properties: object }).properties);
  return [...tree.entries.keys()].every((key) => sections.includes(key));
}

/**
 * An overlay that removes or disables a building block takes the flows to it away: a flow
 * declared in another file (the base) to a block this overlay removed (`x: null`) or disabled
 * (`enabled: false`) is dropped with a warning naming both lines. In the file that declares
 * both, the flow stays, and the model reports it as an error.
 */
function dropFlowsToRemovedBlocks(value: unknown, where: (pointer: string) => SourceLocation, removed: readonly Removal[]): Problem[] {
  const blocks = (value as { buildingBlocks?: Record<string, { enabled?: boolean; consumes?: { to?: string }[] } | null> }).buildingBlocks;
  if (!blocks || typeof blocks !== 'object') return [];
  const warnings: Problem[] = [];
  const takenAway = (to: string): SourceLocation | undefined => {
    const removal = removed.find((r) => r.pointer === joinPointer('/buildingBlocks', to));
    if (removal) return removal.by;
    const target = blocks[to];
    if (target && typeof target === 'object' && target.enabled === false) return where(`${joinPointer('/buildingBlocks', to)}/enabled`);
    return undefined;
  };
  for (const [from, decl] of Object.entries(blocks)) {
    if (!decl || typeof decl !== 'object' || !Array.isArray(decl.consumes)) continue;
    const kept: unknown[] = [];
    decl.consumes.forEach((flow, i) => {
      const to = flow && typeof flow === 'object' ? flow.to : undefined;
      const flowAt = where(`${joinPointer('/buildingBlocks', from)}/consumes/${i}`);
      const by = typeof to === 'string' ? takenAway(to) : undefined;
      if (!by || by.file === flowAt.file) {
        kept.push(flow);
        return;
      }
      const verb = removed.some((r) => r.pointer === joinPointer('/buildingBlocks', to!)) ? 'removed' : 'disabled';
      warnings.push({
        ...flowAt,
        pointer: `${joinPointer('/buildingBlocks', from)}/consumes/${i}`,
        message: `flow ${from} -> ${to} dropped: ${to} is ${verb} at ${by.file}:${by.line}`,
      });
    });
    decl.consumes = kept as typeof decl.consumes;
  }
  return warnings;
}

/** Quantities written as YAML numbers (`cpu: 1`) become the strings Kubernetes reads. */
function normalizeQuantities(bp: Blueprint): Blueprint {
  for (const decl of Object.values(bp.buildingBlocks)) {
    const r = decl.resources as { requests: Record<string, string | number>; limits: Record<string, string | number> } | undefined;
    if (!r) continue;
    for (const part of [r.requests, r.limits]) for (const key of Object.keys(part)) part[key] = quantityText(part[key]);
  }
  return bp;
}

/**
 * Paths in a blueprint name files on the machine that synthesises it: a relative one is read
 * against the folder of the file that declares it (as `extends:` is), so it does not depend on
 * the folder synth or apply runs in. `~/…` and absolute paths are kept as written.
 */
function resolveRelativePaths(bp: Blueprint, where: (pointer: string) => SourceLocation): Blueprint {
  const resolve = (value: string, pointer: string) => {
    if (path.isAbsolute(value) || value.startsWith('~')) return value;
    return path.resolve(path.dirname(path.resolve(where(pointer).file)), value);
  };
  const target = bp.target as { kind: string; path?: string };
  if (target.kind === 'kubeconfig' && typeof target.path === 'string') target.path = resolve(target.path, '/target/path');
  const charts = bp.deployment?.charts as { localDir?: string } | undefined;
  if (charts?.localDir) charts.localDir = resolve(charts.localDir, '/deployment/charts/localDir');
  return bp;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
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
      problems.push({
        file: shown,
        line: 0,
        pointer: '',
        message: `file is ${(stat.size / 1048576).toFixed(1)} MiB; a blueprint may be at most ${fileLimits.maxBytes / 1048576} MiB`,
      });
      return undefined;
    }
    // A bounded read: files such as /proc/self/pagemap report size 0 but never end.
    const read = readAtMost(absolute, fileLimits.maxBytes);
    if (read.length > fileLimits.maxBytes) {
      problems.push({
        file: shown,
        line: 0,
        pointer: '',
        message: `file is larger than ${fileLimits.maxBytes / 1048576} MiB, the most a blueprint may be`,
      });
      return undefined;
    }
    bytes = read;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({
      ...at,
      pointer: '',
      message: code === 'ENOENT' ? `cannot read ${shown}: no such file` : `cannot read ${shown}: ${code ?? 'read error'}`,
    });
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
    const follow =
      lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (follow < 0) return i;
    for (let k = 1; k <= follow; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += follow + 1;
  }
  return i;
}

/** A folder as displayPath shows it, but `.` for the working directory itself. */
function folderShown(dir: string): string {
  return path.relative(process.cwd(), dir) === '' ? '.' : displayPath(dir);
}

/** Paths inside the working directory are shown relative, others absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : path.resolve(file);
}
