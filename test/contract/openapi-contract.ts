import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths';

/**
 * Contract checks against an official OpenAPI 3.0 document: resolve an operation by method and
 * path template, and validate a request (path and query parameters, content type, body,
 * API key header) and a response (declared status, content type, body) with ajv.
 *
 * The documents are read at test time from `<repository root>/../shared/` (CI checks the
 * shared folder out beside the clone); nothing of them is copied into the project.
 */
export const sharedDir = path.resolve(packageRoot, '..', 'shared');

export function sharedFile(...parts: string[]): string {
  const file = path.join(sharedDir, ...parts);
  if (!existsSync(file))
    throw new Error(`${file} not found: the contract tests read the official API documents from ../shared beside the repository`);
  return file;
}

type Json = any;

export interface Operation {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly spec: Json;
  readonly parameters: Json[];
}

export interface Matched {
  readonly operation: Operation;
  /** Decoded path parameters. */
  readonly params: Record<string, string>;
}

/**
 * A spec deviation of the real server that a stub may reproduce: the value at `pointer` of
 * the response of `operationId` may be `value` although the schema forbids it. Each one must
 * be backed by the server's source.
 */
export interface KnownDeviation {
  readonly operationId: string;
  readonly pointer: string;
  readonly value: unknown;
  readonly source: string;
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Deep copy of a schema tree with local `$ref`s pointed into the named document and unresolvable external ones dropped. */
function rebase(node: Json, id: string, dropped: Set<string>, mode: 'request' | 'response'): Json {
  if (Array.isArray(node)) return node.map((n) => rebase(n, id, dropped, mode));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      if (v.startsWith('#')) out.$ref = `${id}${v}`;
      else dropped.add(v); // e.g. ../common-openapi-definition.yaml#/…/ErrorInfo: not published with the document
      continue;
    }
    out[k] = rebase(v, id, dropped, mode);
  }
  // OpenAPI: readOnly properties are not sent in requests (and are not required there).
  if (mode === 'request' && out.readOnly === true) return { not: {}, description: 'readOnly: must not be sent in a request' };
  return out;
}

export class OpenApiContract {
  readonly doc: Json;
  readonly basePath: string;
  /** External `$ref`s that could not be resolved (their schemas accept anything). */
  readonly unresolved = new Set<string>();
  private readonly operations: Operation[] = [];
  private readonly ajv: Record<'request' | 'response', Ajv> = { request: undefined as never, response: undefined as never };
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly id: string;

  constructor(
    readonly file: string,
    readonly deviations: readonly KnownDeviation[] = [],
  ) {
    this.doc = parse(readFileSync(file, 'utf8'));
    this.id = `contract:${path.basename(file)}`;
    this.basePath = String(this.doc.servers?.[0]?.url ?? '').replace(/\/+$/, '');
    const formats = new Set<string>();
    const collect = (n: Json) => {
      if (Array.isArray(n)) n.forEach(collect);
      else if (n && typeof n === 'object') {
        if (typeof n.format === 'string') formats.add(n.format);
        Object.values(n).forEach(collect);
      }
    };
    collect(this.doc);
    for (const mode of ['request', 'response'] as const) {
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, validateSchema: false, verbose: true });
      addFormats(ajv);
      ajv.addFormat('url', /^https?:\/\/[^\s]+$/);
      // The X-Road documents use formats of their own (text, enum, hash, int32, filename…) as annotations.
      for (const f of formats) if (!ajv.formats[f]) ajv.addFormat(f, true);
      const readOnlyRequired = mode === 'request' ? this.dropReadOnlyRequired(this.doc) : this.doc;
      ajv.addSchema(rebase(readOnlyRequired, this.id, this.unresolved, mode), this.id);
      this.ajv[mode] = ajv;
    }
    for (const [template, item] of Object.entries<Json>(this.doc.paths ?? {})) {
      for (const method of methods) {
        const op = item[method];
        if (!op) continue;
        this.operations.push({
          method: method.toUpperCase(),
          template,
          operationId: op.operationId,
          spec: op,
          parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => this.deref(p)),
        });
      }
    }
  }

  /** Object schemas whose required properties are readOnly: those names are not required in requests. */
  private dropReadOnlyRequired(node: Json): Json {
    if (Array.isArray(node)) return node.map((n) => this.dropReadOnlyRequired(n));
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) out[k] = this.dropReadOnlyRequired(v);
    if (Array.isArray(out.required) && out.properties) {
      out.required = out.required.filter((name: string) => this.deref(out.properties[name] ?? {}).readOnly !== true);
    }
    return out;
  }

  /** Resolve a local `$ref` (one or more hops). */
  deref(node: Json): Json {
    let n = node;
    for (let i = 0; n && typeof n.$ref === 'string' && n.$ref.startsWith('#/') && i < 10; i++) {
      n = n.$ref
        .slice(2)
        .split('/')
        .reduce((o: Json, k: string) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), this.doc);
    }
    return n ?? {};
  }

  /** The operation serving `method` on `apiPath` (the path below the document's server URL, still encoded). */
  match(method: string, apiPath: string): Matched | undefined {
    const segments = apiPath.split('/').slice(1);
    let best: { m: Matched; literal: number } | undefined;
    for (const op of this.operations) {
      if (op.method !== method) continue;
      const parts = op.template.split('/').slice(1);
      if (parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literal = 0;
      let ok = true;
      parts.forEach((p, i) => {
        const param = /^\{(.+)\}$/.exec(p);
        if (param) {
          if (segments[i] === '') ok = false;
          else params[param[1]] = decodeURIComponent(segments[i]);
        } else if (p === segments[i]) literal++;
        else ok = false;
      });
      if (ok && (!best || literal > best.literal)) best = { m: { operation: op, params }, literal };
    }
    return best?.m;
  }

  private validator(mode: 'request' | 'response', schema: Json, key: string): ValidateFunction {
    const cacheKey = `${mode} ${key}`;
    let v = this.cache.get(cacheKey);
    if (!v) {
      v = this.ajv[mode].compile(rebase(schema, this.id, this.unresolved, mode));
      this.cache.set(cacheKey, v);
    }
    return v;
  }

  private errors(v: ValidateFunction, data: unknown, where: string): string[] {
    if (v(data)) return [];
    return (v.errors ?? []).map((e) =>
      e.keyword === 'not' && (e.parentSchema as Json)?.description?.startsWith('readOnly')
        ? `${where}${e.instancePath} is readOnly and must not be sent`
        : `${where}${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
    );
  }

  /** Problems of a request, or [] when it keeps the contract. */
  validateRequest(m: Matched, req: { query: URLSearchParams; contentType?: string; body: Buffer; authorization?: string }): string[] {
    const op = m.operation;
    const problems: string[] = [];
    const declared = new Map<string, Json>(op.parameters.map((p) => [`${p.in}:${p.name}`, p]));
    for (const [name, value] of Object.entries(m.params)) {
      const p = declared.get(`path:${name}`);
      if (!p) problems.push(`path parameter ${name} is not declared`);
      else
        problems.push(...this.errors(this.validator('request', p.schema ?? {}, `${op.operationId} path ${name}`), value, `path ${name}`));
    }
    for (const name of new Set(req.query.keys())) {
      const p = declared.get(`query:${name}`);
      if (!p) {
        problems.push(`query parameter ${name} is not declared`);
        continue;
      }
      const schema = this.deref(p.schema ?? {});
      for (const raw of req.query.getAll(name)) {
        const value =
          schema.type === 'boolean'
            ? raw === 'true'
              ? true
              : raw === 'false'
                ? false
                : raw
            : schema.type === 'integer' || schema.type === 'number'
              ? Number(raw)
              : raw;
        problems.push(...this.errors(this.validator('request', p.schema ?? {}, `${op.operationId} query ${name}`), value, `query ${name}`));
      }
    }
    for (const p of op.parameters)
      if (p.required && p.in === 'query' && !req.query.has(p.name)) problems.push(`required query parameter ${p.name} missing`);

    const security = op.spec.security ?? this.doc.security ?? [];
    if (security.some((s: Json) => 'ApiKeyAuth' in s) && !/^X-Road-ApiKey token=\S+$/.test(req.authorization ?? '')) {
      problems.push('no "Authorization: X-Road-ApiKey token=…" header (security scheme ApiKeyAuth)');
    }

    const body = op.spec.requestBody ? this.deref(op.spec.requestBody) : undefined;
    if (req.body.length === 0) {
      if (body?.required) problems.push('request body required');
      return problems;
    }
    if (!body) return [...problems, 'the operation takes no request body'];
    const type = (req.contentType ?? '').split(';')[0].trim();
    const media = body.content?.[type];
    if (!media) return [...problems, `content type "${type}" not accepted (${Object.keys(body.content ?? {}).join(', ')})`];
    if (type.includes('json')) {
      let data: unknown;
      try {
        data = JSON.parse(req.body.toString('utf8'));
      } catch {
        return [...problems, 'request body is not JSON'];
      }
      problems.push(
        ...this.errors(this.validator('request', media.schema ?? {}, `${op.operationId} request ${type}`), data, 'request body'),
      );
    }
    return problems;
  }

  /** Problems of a response, or [] when it keeps the contract. */
  validateResponse(m: Matched, status: number, contentType: string | undefined, body: Buffer): string[] {
    const op = m.operation;
    const declared = op.spec.responses?.[String(status)] ?? op.spec.responses?.default;
    if (!declared) return [`status ${status} is not declared (${Object.keys(op.spec.responses ?? {}).join(', ')})`];
    const response = this.deref(declared);
    const content = response.content as Record<string, Json> | undefined;
    // Error responses without a described body: X-Road sends its ErrorInfo (defined in a document not
    // published with these), which is then not checked; a success without one must be empty.
    if (!content || Object.keys(content).length === 0)
      return body.length === 0 || status >= 400 ? [] : [`status ${status} declares no body, got ${body.length} bytes`];
    const type = (contentType ?? '').split(';')[0].trim();
    const media = content[type];
    if (!media) return [`content type "${type}" not declared for ${status} (${Object.keys(content).join(', ')})`];
    if (!type.includes('json')) return body.length > 0 ? [] : ['empty body'];
    let data: Json;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch {
      return ['response body is not JSON'];
    }
    const v = this.validator('response', media.schema ?? {}, `${op.operationId} response ${status} ${type}`);
    if (v(data)) return [];
    const at = (pointer: string) =>
      pointer
        .split('/')
        .slice(1)
        .reduce((o: Json, k: string) => (o ? o[k] : undefined), data);
    const known = (instancePath: string) =>
      this.deviations.some(
        (d) =>
          d.operationId === op.operationId && d.pointer === instancePath && JSON.stringify(at(instancePath)) === JSON.stringify(d.value),
      );
    return (v.errors ?? [])
      .filter((e) => !known(e.instancePath))
      .map(
        (e) =>
          `response body${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
      );
  }
}
