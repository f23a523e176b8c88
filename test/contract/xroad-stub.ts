import { randomUUID } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { domainToASCII } from 'node:url';
import Ajv from 'ajv';
import { KnownDeviation, Matched, OpenApiContract, sharedFile } from './openapi-contract';

/**
 * An in-memory X-Road 7.8 instance behind one local HTTP server (127.0.0.1, random port):
 * `/<server>/api/v1/…` is the admin API of that security server, or of the central server.
 * It keeps just enough state to answer the operations a configuration client needs, like
 * the real servers do (a client must exist before its service descriptions, an access right's
 * subject must be known to the global configuration, …), and holds itself to the official
 * admin API documents: every request and every response is validated against the operation
 * resolved from `../shared/xroad/*-admin-api.yaml`; an unknown path, an undeclared status or
 * an invalid body is a contract violation, and violations fail the tests.
 *
 * The one path outside those documents is API key management (`/api/v1/api-keys`), the
 * documented bootstrap (Security Server User Guide §19.1, X-Road 7.8.0
 * `common-admin-api/…/ApiKeysController.java`: POST a JSON array of role names with basic
 * authentication, 200 `{id, key, roles}`; DELETE `/{id}`, 200). Its contract is written out
 * below from those sources.
 */

/** X-Road 7.8.0 `org.niis.xroad.restapi.domain.Role`. */
const roles = [
  'XROAD_SECURITY_OFFICER',
  'XROAD_REGISTRATION_OFFICER',
  'XROAD_SERVICE_ADMINISTRATOR',
  'XROAD_SYSTEM_ADMINISTRATOR',
  'XROAD_SECURITYSERVER_OBSERVER',
  'XROAD_MANAGEMENT_SERVICE',
];
const apiKeyContract = new Ajv({ strict: true });
const validateRoles = apiKeyContract.compile({ type: 'array', minItems: 1, uniqueItems: true, items: { enum: roles } });
const validateKey = apiKeyContract.compile({
  type: 'object',
  required: ['id', 'key', 'roles'],
  additionalProperties: false,
  properties: { id: { type: 'integer' }, key: { type: 'string', minLength: 1 }, roles: { type: 'array', items: { enum: roles } } },
});

/**
 * X-Road 7.8.0 `InitializationServiceImpl.getInitializationStatus` returns the stored
 * instance identifier and central server address, empty strings before initialisation,
 * although the document gives both `minLength: 1` (instance_identifier) / `required`.
 */
export const centralServerDeviations: KnownDeviation[] = [
  {
    operationId: 'getInitializationStatus',
    pointer: '/instance_identifier',
    value: '',
    source:
      'nordic-institute/X-Road@7.8.0:src/central-server/admin-service/core/src/main/java/org/niis/xroad/cs/admin/core/service/InitializationServiceImpl.java',
  },
];

export interface RecordedRequest {
  readonly server: string;
  readonly method: string;
  /** Path below /api/v1, decoded. */
  readonly path: string;
  /** Path template of the operation, or the raw path when none matched. */
  readonly template: string;
  readonly operationId: string;
  readonly status: number;
  readonly body?: unknown;
  /** The client's User-Agent (the reconcile names its run there). */
  readonly agent?: string;
}

interface Credentials {
  readonly user: string;
  readonly password: string;
}

interface SsClient {
  member_class: string;
  member_code: string;
  subsystem_code: string;
  connection_type: string;
  status: 'SAVED' | 'REGISTERED' | 'DELETION_IN_PROGRESS';
  /** SHA-256 hash (upper-case hex) → DER of each registered client TLS certificate. */
  tls: Map<string, Buffer>;
}

interface SsDescription {
  id: string;
  url: string;
  type: string;
  disabled: boolean;
  client_id: string;
  refreshed_at: string;
  services: { service_code: string; url: string; timeout: number }[];
}

export interface SecurityServerState {
  readonly kind: 'ss';
  readonly name: string;
  readonly credentials: Credentials;
  anchor: boolean;
  owner?: { memberClass: string; memberCode: string; serverCode: string };
  token: 'INITIALIZED' | 'NOT_INITIALIZED';
  readonly clients: Map<string, SsClient>;
  readonly descriptions: Map<string, SsDescription>;
  /** Service id → client ids with access. */
  readonly rights: Map<string, Map<string, string>>;
}

export interface CentralServerState {
  readonly kind: 'cs';
  readonly name: string;
  readonly credentials: Credentials;
  instance: string;
  address: string;
  token: 'INITIALIZED' | 'NOT_INITIALIZED';
  loggedIn: boolean;
  signingKeys: { id: string; created_at: string }[];
  anchorCreatedAt?: string;
  readonly memberClasses: Map<string, string>;
  /** Encoded member id → name. */
  readonly members: Map<string, string>;
  /** Encoded member id → subsystem codes. */
  readonly subsystems: Map<string, Set<string>>;
}

type State = SecurityServerState | CentralServerState;

interface Reply {
  status: number;
  json?: unknown;
  raw?: Buffer;
  type?: string;
}

interface Ctx {
  readonly server: State;
  readonly m: Matched;
  readonly query: URLSearchParams;
  readonly body: any;
}

const error = (status: number, code: string, ...metadata: string[]): Reply => ({ status, json: { status, error: { code, metadata } } });
const now = () => new Date(Date.UTC(2026, 0, 1)).toISOString();

export interface StubOptions {
  readonly instance: string;
  /** anchor: the instance's configuration anchor is already imported (an operator's step when the central server is elsewhere). */
  readonly securityServers: readonly { name: string; credentials: Credentials; anchor?: boolean }[];
  readonly centralServer?: { credentials: Credentials };
  /** Subsystems known to the global configuration besides the central server's (an instance run elsewhere). */
  readonly globalSubsystems?: readonly string[];
  /** Stop by itself after this long without a request (ms); 0: never. @default 60000 */
  readonly idleMs?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  readonly tls?: { key: string; cert: string };
  /** Where to listen. @default 127.0.0.1 on a random port */
  readonly listen?: { host: string; port: number };
  /**
   * Serve this one server at the root (`/api/v1/…`), as a real server does, instead of
   * `/<server>/api/v1/…`. @default undefined: every server below its name
   */
  readonly single?: string;
}

export class XRoadStub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly servers = new Map<string, State>();
  private readonly contracts: { ss: OpenApiContract; cs: OpenApiContract };
  private readonly apiKeys = new Map<string, Map<number, string>>();
  private readonly keyRoles = new Map<number, string[]>();
  private nextId = 1;
  private faults: { when: (r: { server: string; method: string; template: string }) => boolean; status: number }[] = [];
  private server!: Server;
  private idle?: NodeJS.Timeout;
  port = 0;
  /** Called before each admin API request (API keys aside) is handled, with the number recorded so far. */
  onRequest?: (count: number) => void;
  /** Called after each request (API keys included) is answered and recorded, with the violations it added. */
  onRecorded?: (request: RecordedRequest, violations: readonly string[]) => void;

  private constructor(readonly options: StubOptions) {
    this.contracts = {
      ss: new OpenApiContract(sharedFile('xroad', 'security-server-admin-api.yaml')),
      cs: new OpenApiContract(sharedFile('xroad', 'central-server-admin-api.yaml'), centralServerDeviations),
    };
    for (const s of options.securityServers) {
      this.servers.set(s.name, {
        kind: 'ss',
        name: s.name,
        credentials: s.credentials,
        anchor: s.anchor ?? false,
        token: 'NOT_INITIALIZED',
        clients: new Map(),
        descriptions: new Map(),
        rights: new Map(),
      });
    }
    if (options.centralServer) {
      this.servers.set('central-server', {
        kind: 'cs',
        name: 'central-server',
        credentials: options.centralServer.credentials,
        instance: '',
        address: '',
        token: 'NOT_INITIALIZED',
        loggedIn: false,
        signingKeys: [],
        memberClasses: new Map(),
        members: new Map(),
        subsystems: new Map(),
      });
    }
  }

  static async start(options: StubOptions): Promise<XRoadStub> {
    const stub = new XRoadStub(options);
    const handler = (req: IncomingMessage, res: ServerResponse) => void stub.handle(req, res);
    stub.server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
    await new Promise<void>((resolve) => stub.server.listen(options.listen?.port ?? 0, options.listen?.host ?? '127.0.0.1', resolve));
    stub.port = (stub.server.address() as AddressInfo).port;
    stub.server.unref();
    stub.touch();
    return stub;
  }

  /** Admin API base URL of a server (the API is below `/api/v1`). */
  url(server: string): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${this.options.single ? '' : `/${server}`}`;
  }

  /** Make the next request matching `when` fail with `status` (once). */
  failOnce(when: (r: { server: string; method: string; template: string }) => boolean, status = 500): void {
    this.faults.push({ when, status });
  }

  /** Requests that change state, except API key bootstrap. */
  mutating(since = 0): RecordedRequest[] {
    return this.requests.slice(since).filter((r) => r.method !== 'GET' && !r.template.startsWith('/api-keys'));
  }

  /** API keys still valid on each server (every run must revoke its own). */
  liveKeys(): number {
    return [...this.apiKeys.values()].reduce((n, keys) => n + keys.size, 0);
  }

  ss(name: string): SecurityServerState {
    const s = this.servers.get(name);
    if (!s || s.kind !== 'ss') throw new Error(`no security server ${name}`);
    return s;
  }

  cs(): CentralServerState {
    const s = this.servers.get('central-server');
    if (!s || s.kind !== 'cs') throw new Error('no central server');
    return s;
  }

  close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    if (this.options.idleMs === 0) return;
    this.idle = setTimeout(() => void this.close(), this.options.idleMs ?? 60000);
    this.idle.unref();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.touch();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://stub');
    const [, serverName, ...rest] = this.options.single
      ? ['', this.options.single, ...url.pathname.split('/').slice(1)]
      : url.pathname.split('/');
    const violationsBefore = this.violations.length;
    const method = (req.method ?? 'GET').toUpperCase();
    const server = this.servers.get(serverName);
    const full = '/' + rest.join('/');
    const send = (reply: Reply, template: string, operationId: string, body?: unknown, m?: Matched, contract?: OpenApiContract) => {
      let payload = reply.raw ?? (reply.json !== undefined ? Buffer.from(JSON.stringify(reply.json)) : Buffer.alloc(0));
      const type = reply.type ?? (reply.json !== undefined ? 'application/json' : undefined);
      if (m && contract) {
        for (const p of contract.validateResponse(m, reply.status, type, payload))
          this.violations.push(`${serverName} ${method} ${template} response ${reply.status}: ${p}`);
      }
      const record = {
        server: serverName,
        method,
        path: decodeURIComponent(full.replace(/^\/api\/v1/, '')),
        template,
        operationId,
        status: reply.status,
        body,
        agent: req.headers['user-agent'],
      };
      this.requests.push(record);
      if (this.onRecorded) this.onRecorded(record, this.violations.slice(violationsBefore));
      res.writeHead(reply.status, type ? { 'content-type': type, 'content-length': payload.length } : { 'content-length': payload.length });
      res.end(payload);
      payload = Buffer.alloc(0);
    };
    if (!server || !full.startsWith('/api/v1/')) {
      this.violations.push(`${method} ${url.pathname}: no such server or not below /api/v1`);
      return send({ status: 404 }, url.pathname, 'unknown');
    }
    const apiPath = full.slice('/api/v1'.length);
    const apiPathRaw = url.pathname.slice(`${this.options.single ? '' : `/${serverName}`}/api/v1`.length);

    if (apiPath === '/api-keys' || apiPath.startsWith('/api-keys/'))
      return send(
        this.apiKey(server, method, apiPathRaw, req, raw),
        `/api-keys${apiPath === '/api-keys' ? '' : '/{id}'}`,
        { POST: 'createApiKey', GET: 'listApiKeys' }[method] ?? 'revokeApiKey',
      );

    if (this.onRequest) this.onRequest(this.requests.length);
    const contract = server.kind === 'ss' ? this.contracts.ss : this.contracts.cs;
    const m = contract.match(method, apiPathRaw);
    if (!m) {
      this.violations.push(`${serverName} ${method} ${apiPathRaw}: no such operation in ${contract.file}`);
      return send({ status: 404 }, apiPathRaw, 'unknown');
    }
    const template = m.operation.template;
    let body: unknown;
    const problems = contract.validateRequest(m, {
      query: url.searchParams,
      contentType: req.headers['content-type'],
      body: raw,
      authorization: req.headers.authorization,
    });
    if (problems.length > 0) {
      for (const p of problems) this.violations.push(`${serverName} ${method} ${template} request: ${p}`);
      return send(error(400, 'contract_violation'), template, m.operation.operationId, undefined, m, contract);
    }
    if (raw.length > 0) body = String(req.headers['content-type']).includes('json') ? JSON.parse(raw.toString('utf8')) : raw;
    const key = /^X-Road-ApiKey token=(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!key || ![...(this.apiKeys.get(serverName)?.values() ?? [])].includes(key))
      return send({ status: 401 }, template, m.operation.operationId, body, m, contract);
    const fault = this.faults.findIndex((f) => f.when({ server: serverName, method, template }));
    if (fault >= 0) {
      const { status } = this.faults.splice(fault, 1)[0];
      return send({ status }, template, m.operation.operationId, body, m, contract);
    }
    const invalid = identifierViolations(server.kind, `${method} ${template}`, body);
    if (invalid) return send(invalid, template, m.operation.operationId, body, m, contract);
    const handler = (server.kind === 'ss' ? ssHandlers : csHandlers)[`${method} ${template}`];
    if (!handler) {
      this.violations.push(`${serverName} ${method} ${template}: the stub does not implement this operation`);
      return send({ status: 500 }, template, m.operation.operationId, body, m, contract);
    }
    const reply = handler.call(this, { server, m, query: url.searchParams, body } as Ctx);
    send(reply, template, m.operation.operationId, body, m, contract);
  }

  private apiKey(server: State, method: string, rawPath: string, req: IncomingMessage, raw: Buffer): Reply {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [user, password] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (user !== server.credentials.user || password !== server.credentials.password) return { status: 401 };
    const keys = this.apiKeys.get(server.name) ?? new Map<number, string>();
    this.apiKeys.set(server.name, keys);
    if (method === 'POST' && rawPath === '/api-keys') {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
      if (!String(req.headers['content-type']).includes('application/json') || !validateRoles(body)) {
        this.violations.push(`${server.name} POST /api-keys request: ${JSON.stringify(validateRoles.errors ?? 'not JSON')}`);
        return { status: 400 };
      }
      const id = this.nextId++;
      const key = randomUUID();
      keys.set(id, key);
      this.keyRoles.set(id, [...(body as string[])].sort());
      const reply = { id, key, roles: [...(body as string[])].sort() };
      if (!validateKey(reply)) this.violations.push(`${server.name} POST /api-keys response: ${JSON.stringify(validateKey.errors)}`);
      return { status: 200, json: reply };
    }
    if (method === 'GET' && rawPath === '/api-keys') {
      // ApiKeysController.list: every key of the server, without its secret.
      return { status: 200, json: [...keys.keys()].sort((x, y) => x - y).map((id) => ({ id, roles: [...(this.keyRoles.get(id) ?? [])] })) };
    }
    const del = /^\/api-keys\/(\d+)$/.exec(rawPath);
    if (method === 'DELETE' && del) {
      return keys.delete(Number(del[1])) ? { status: 200 } : error(404, 'api_key_not_found');
    }
    this.violations.push(`${server.name} ${method} /api-keys${rawPath}: not an API key operation of UG-SS §19.1`);
    return { status: 404 };
  }

  /** A new identifier, unique within the stub. */
  sequence(): number {
    return this.nextId++;
  }

  /** Subsystem ids the global configuration knows: the central server's, plus any seeded. */
  globalSubsystems(): Set<string> {
    const known = new Set(this.options.globalSubsystems ?? []);
    const cs = this.servers.get('central-server');
    if (cs && cs.kind === 'cs') for (const [member, codes] of cs.subsystems) for (const code of codes) known.add(`${member}:${code}`);
    return known;
  }
}

// ---------------------------------------------------------------------------------------------
// Field validation the admin APIs add to their OpenAPI documents (X-Road 7.8.0)
// ---------------------------------------------------------------------------------------------

/**
 * `@IdentifierChars` with `strict-identifier-checks = true`, the default of new installations
 * since 7.3.0 (src/central-server/admin-service/application/src/main/resources/application.yml;
 * doc/Manuals/ug-syspar_x-road_v6_system_parameters.md): letters, digits and '()+,-.=?
 * (src/common/common-admin-api/src/main/java/ee/ria/xroad/common/validation/StrictIdentifierValidator.java).
 */
export const xroadIdentifier = /^[A-Za-z0-9'()+,\-.=?]*$/;
/**
 * `@NoControlChars`: no ISO control character, byte order mark or zero-width space
 * (…/common/validation/StringValidationUtils.java).
 */
export const xroadControlChars = /[\u0000-\u001f\u007f-\u009f\ufeff\u200b]/;

/** A host name X-Road accepts in a URL: dot-separated labels of letters, digits and inner hyphens (FormatUtils.URL_HOST_REGEX). */
const xroadUrlHost = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;

/**
 * Whether X-Road 7.8.0 takes `url` as a service's URL (`PATCH /services/{id}`): it starts with
 * `http://` or `https://`, parses as a URL, and its host, converted to ASCII (IDN), is made of
 * the labels `xroadUrlHost` allows; else 400 `malformed_url`
 * (src/security-server/admin-service/application/…/restapi/service/ServiceService.java
 * updateService → src/common/common-domain/…/restapi/util/FormatUtils.java isValidUrl;
 * InvalidUrlException → ErrorMessage.MALFORMED_URL, DeviationCodes.ERROR_MALFORMED_URL).
 * The OpenAPI document adds `maxLength: 255` (ServiceUpdate.url), checked with the schema.
 */
export function xroadServiceUrlValid(url: string): boolean {
  if (!url.startsWith('http://') && !url.startsWith('https://')) return false;
  try {
    new URL(url); // java.net.URL's own refusals (a port that is not a number…)
  } catch {
    return false;
  }
  // The host as java.net.URL reads it: between `//` (and any user info) and the port or path;
  // not WHATWG's, which repairs `http:///x` into host `x`.
  const host = /^https?:\/\/(?:[^@/?#]*@)?([^/?#:]*)/.exec(url)![1];
  return xroadUrlHost.test(domainToASCII(host));
}

type Rule = 'IdentifierChars' | 'NoControlChars';
/**
 * Which request fields carry which constraint, per operation: the constraint mappings of
 * src/security-server/admin-service/application/src/main/resources/META-INF/custom-constraints.xml
 * (ClientDto, ServiceDescriptionAddDto, ServiceDescriptionUpdateDto, ServiceUpdateDto,
 * InitialServerConfDto) and
 * src/central-server/admin-service/infra-api-rest/src/main/resources/META-INF/custom-constraints.xml
 * (InitialServerConfDto, MemberClassDto, NewMemberIdDto, MemberAddDto, MemberNameDto,
 * NewSubsystemIdDto, SubsystemAddDto), both at tag 7.8.0. Lengths, required fields and enums
 * are in the OpenAPI documents and checked there.
 */
const fieldRules: Record<'ss' | 'cs', Record<string, [string, Rule][]>> = {
  ss: {
    'POST /clients': [
      ['/client/member_code', 'IdentifierChars'],
      ['/client/subsystem_code', 'IdentifierChars'],
    ],
    'POST /clients/{id}/service-descriptions': [
      ['/url', 'NoControlChars'],
      ['/rest_service_code', 'IdentifierChars'],
    ],
    'PATCH /service-descriptions/{id}': [
      ['/url', 'NoControlChars'],
      ['/new_rest_service_code', 'IdentifierChars'],
    ],
    'PATCH /services/{id}': [['/url', 'NoControlChars']],
    'POST /initialization': [
      ['/security_server_code', 'IdentifierChars'],
      ['/owner_member_class', 'IdentifierChars'],
      ['/owner_member_code', 'IdentifierChars'],
    ],
  },
  cs: {
    'POST /initialization': [['/instance_identifier', 'IdentifierChars']],
    'POST /member-classes': [['/code', 'IdentifierChars']],
    'POST /members': [
      ['/member_id/member_class', 'IdentifierChars'],
      ['/member_id/member_code', 'IdentifierChars'],
      ['/member_name', 'NoControlChars'],
    ],
    'PATCH /members/{member_id}': [['/member_name', 'NoControlChars']],
    'POST /subsystems': [
      ['/subsystem_id/member_class', 'IdentifierChars'],
      ['/subsystem_id/member_code', 'IdentifierChars'],
      ['/subsystem_id/subsystem_code', 'IdentifierChars'],
      ['/subsystem_name', 'NoControlChars'],
    ],
  },
};

/** The 400 `validation_failure` the real API answers (ExceptionTranslator: field → constraint names), or undefined. */
export function identifierViolations(kind: 'ss' | 'cs', operation: string, body: unknown): Reply | undefined {
  const errors: Record<string, string[]> = {};
  for (const [pointer, rule] of fieldRules[kind][operation] ?? []) {
    const value = pointer
      .split('/')
      .slice(1)
      .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), body);
    if (typeof value !== 'string') continue;
    const bad = rule === 'IdentifierChars' ? !xroadIdentifier.test(value) || xroadControlChars.test(value) : xroadControlChars.test(value);
    if (bad) errors[pointer.slice(1).replace(/\//g, '.')] = [rule];
  }
  return Object.keys(errors).length === 0
    ? undefined
    : { status: 400, json: { status: 400, error: { code: 'validation_failure', validation_errors: errors } } };
}

/** Upper-case SHA-256 of a DER or PEM certificate, or undefined when it is not one. */
function certificateHash(raw: Buffer): string | undefined {
  try {
    return new X509Certificate(raw).fingerprint256.replace(/:/g, '');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Security server operations
// ---------------------------------------------------------------------------------------------

type Handler = (this: XRoadStub, ctx: Ctx) => Reply;

function ssClientJson(instance: string, c: SsClient) {
  return {
    id: `${instance}:${c.member_class}:${c.member_code}:${c.subsystem_code}`,
    instance_id: instance,
    member_class: c.member_class,
    member_code: c.member_code,
    subsystem_code: c.subsystem_code,
    member_name: `${c.member_class} ${c.member_code}`,
    owner: false,
    has_valid_local_sign_cert: false,
    connection_type: c.connection_type,
    status: c.status,
  };
}

function serviceJson(s: SecurityServerState, d: SsDescription, svc: SsDescription['services'][0]) {
  const id = `${d.client_id}:${svc.service_code}`;
  return {
    id,
    service_code: svc.service_code,
    full_service_code: svc.service_code,
    timeout: svc.timeout,
    // X-Road 7.8.0 ServiceConverter: ssl_auth is false for http URLs.
    ssl_auth: false,
    subjects_count: s.rights.get(id)?.size ?? 0,
    url: svc.url,
    endpoints: [{ id: String(d.id) + '1', service_code: svc.service_code, method: '*', path: '**', generated: false }],
  };
}

function tlsCertificateJson(hash: string, der: Buffer) {
  const cert = new X509Certificate(der);
  const cn = (dn: string) => /CN=([^\n,]+)/.exec(dn)?.[1] ?? dn;
  return {
    hash,
    issuer_common_name: cn(cert.issuer),
    issuer_distinguished_name: cert.issuer.replace(/\n/g, ', '),
    subject_common_name: cn(cert.subject),
    subject_distinguished_name: cert.subject.replace(/\n/g, ', '),
    not_before: new Date(cert.validFrom).toISOString(),
    not_after: new Date(cert.validTo).toISOString(),
    serial: cert.serialNumber,
    version: 3,
    signature_algorithm: 'SHA256withRSA',
    signature: 'AB',
    public_key_algorithm: 'RSA',
    rsa_public_key_modulus: 'AB',
    rsa_public_key_exponent: 65537,
    key_usages: ['DIGITAL_SIGNATURE'],
    subject_alternative_names: cert.subjectAltName || cn(cert.subject),
  };
}

function descriptionJson(s: SecurityServerState, d: SsDescription) {
  return {
    id: d.id,
    url: d.url,
    type: d.type,
    disabled: d.disabled,
    disabled_notice: '',
    refreshed_at: d.refreshed_at,
    client_id: d.client_id,
    services: d.services.map((svc) => serviceJson(s, d, svc)),
  };
}

function findService(s: SecurityServerState, id: string): { d: SsDescription; svc: SsDescription['services'][0] } | undefined {
  for (const d of s.descriptions.values()) for (const svc of d.services) if (`${d.client_id}:${svc.service_code}` === id) return { d, svc };
  return undefined;
}

function instanceOf(this: XRoadStub): string {
  return this.options.instance;
}

const ssHandlers: Record<string, Handler> = {
  'GET /initialization/status'({ server }) {
    const s = server as SecurityServerState;
    return {
      status: 200,
      json: {
        is_anchor_imported: s.anchor,
        is_server_code_initialized: !!s.owner,
        is_server_owner_initialized: !!s.owner,
        software_token_init_status: s.token,
        enforce_token_pin_policy: false,
      },
    };
  },
  'POST /system/anchor'({ server }) {
    const s = server as SecurityServerState;
    if (s.anchor) return error(409, 'anchor_exists');
    s.anchor = true;
    return { status: 201 };
  },
  'POST /initialization'({ server, body }) {
    const s = server as SecurityServerState;
    if (!s.anchor) return error(409, 'anchor_not_found');
    if (s.owner && s.token === 'INITIALIZED') return error(409, 'server_already_fully_initialized');
    s.owner = { memberClass: body.owner_member_class, memberCode: body.owner_member_code, serverCode: body.security_server_code };
    s.token = 'INITIALIZED';
    return { status: 201 };
  },
  'GET /clients'({ server, query }) {
    const s = server as SecurityServerState;
    const instance = instanceOf.call(this);
    const list = [...s.clients.values()]
      .filter(() => !query.get('instance') || query.get('instance') === instance)
      .map((c) => ssClientJson(instance, c));
    return { status: 200, json: list };
  },
  'POST /clients'({ server, body }) {
    const s = server as SecurityServerState;
    if (!s.owner) return error(409, 'server_not_initialized');
    const c = body.client;
    if (!c.subsystem_code) return error(400, 'member_not_supported_by_stub');
    const id = `${instanceOf.call(this)}:${c.member_class}:${c.member_code}:${c.subsystem_code}`;
    if (s.clients.has(id)) return error(409, 'client_already_exists', id);
    const client: SsClient = {
      member_class: c.member_class,
      member_code: c.member_code,
      subsystem_code: c.subsystem_code,
      connection_type: c.connection_type ?? 'HTTPS',
      status: 'SAVED',
      tls: new Map(),
    };
    s.clients.set(id, client);
    return { status: 201, json: ssClientJson(instanceOf.call(this), client) };
  },
  'PATCH /clients/{id}'({ server, m, body }) {
    const s = server as SecurityServerState;
    const c = s.clients.get(m.params.id);
    if (!c) return error(404, 'client_not_found', m.params.id);
    if (body.connection_type) c.connection_type = body.connection_type;
    return { status: 200, json: ssClientJson(instanceOf.call(this), c) };
  },
  'DELETE /clients/{id}'({ server, m }) {
    const s = server as SecurityServerState;
    const c = s.clients.get(m.params.id);
    if (!c) return error(404, 'client_not_found', m.params.id);
    // ClientService.deleteLocalClient: only SAVED, DELETION_IN_PROGRESS or GLOBAL_ERROR clients.
    if (c.status === 'REGISTERED') return error(409, 'action_not_possible', `cannot delete client with status ${c.status}`);
    for (const d of [...s.descriptions.values()].filter((x) => x.client_id === m.params.id)) {
      for (const svc of d.services) s.rights.delete(`${d.client_id}:${svc.service_code}`);
      s.descriptions.delete(d.id);
    }
    for (const rights of s.rights.values()) rights.delete(m.params.id);
    s.clients.delete(m.params.id);
    return { status: 204 };
  },
  'PUT /clients/{id}/register'({ server, m }) {
    const s = server as SecurityServerState;
    const c = s.clients.get(m.params.id);
    if (!c) return error(404, 'client_not_found', m.params.id);
    // ClientService.registerClient: only SAVED clients; the sandbox central server auto-approves (govstack.md §2.2).
    if (c.status !== 'SAVED') return error(409, 'action_not_possible', "Only clients with status 'saved' can be registered");
    if (!this.globalSubsystems().has(m.params.id)) return error(400, 'client_not_found_in_global_conf', m.params.id);
    c.status = 'REGISTERED';
    return { status: 204 };
  },
  'PUT /clients/{id}/unregister'({ server, m }) {
    const s = server as SecurityServerState;
    const c = s.clients.get(m.params.id);
    if (!c) return error(404, 'client_not_found', m.params.id);
    if (c.status !== 'REGISTERED') return error(409, 'action_not_possible', `cannot unregister client with status ${c.status}`);
    c.status = 'DELETION_IN_PROGRESS';
    return { status: 204 };
  },
  'GET /clients/{id}/tls-certificates'({ server, m }) {
    const s = server as SecurityServerState;
    const c = s.clients.get(m.params.id);
    if (!c) return error(404, 'client_not_found', m.params.id);
    return { status: 200, json: [...c.tls].map(([hash, der]) => tlsCertificateJson(hash, der)) };
  },
  'POST /clients/{id}/tls-certificates'({ server, m, body }) {
    const s = server as SecurityServerState;
    const c = s.clients.get(m.params.id);
    if (!c) return error(404, 'client_not_found', m.params.id);
    const raw = body as Buffer;
    const hash = certificateHash(raw);
    if (!hash) return error(400, 'invalid_certificate');
    // ClientService.addTlsCertificate: CertificateAlreadyExistsException.
    if (c.tls.has(hash)) return error(409, 'certificate_already_exists', hash);
    c.tls.set(hash, new X509Certificate(raw).raw);
    return { status: 201, json: tlsCertificateJson(hash, c.tls.get(hash)!) };
  },
  'DELETE /clients/{id}/tls-certificates/{hash}'({ server, m }) {
    const s = server as SecurityServerState;
    const c = s.clients.get(m.params.id);
    if (!c) return error(404, 'client_not_found', m.params.id);
    const hash = m.params.hash.toUpperCase();
    if (!c.tls.delete(hash)) return error(404, 'certificate_not_found', m.params.hash);
    return { status: 204 };
  },
  'GET /clients/{id}/service-descriptions'({ server, m }) {
    const s = server as SecurityServerState;
    if (!s.clients.has(m.params.id)) return error(404, 'client_not_found', m.params.id);
    return { status: 200, json: [...s.descriptions.values()].filter((d) => d.client_id === m.params.id).map((d) => descriptionJson(s, d)) };
  },
  'POST /clients/{id}/service-descriptions'({ server, m, body }) {
    const s = server as SecurityServerState;
    if (!s.clients.has(m.params.id)) return error(404, 'client_not_found', m.params.id);
    if (body.type !== 'OPENAPI3' || !body.rest_service_code) return error(400, 'stub_supports_openapi3_with_service_code');
    // ServiceDescriptionService.checkDuplicateUrl / checkDuplicateServiceCodes: the same URL, or a
    // service code equal ignoring case, on the same client is a conflict.
    const mine = [...s.descriptions.values()].filter((d) => d.client_id === m.params.id);
    if (mine.some((d) => d.url === body.url)) return error(409, 'url_already_exists', body.url);
    const taken = mine.find((d) => d.services.some((x) => x.service_code.toLowerCase() === String(body.rest_service_code).toLowerCase()));
    if (taken) return error(409, 'service_already_exists', body.rest_service_code, taken.url);
    // The server reads the description at `url`; its first `servers` entry becomes the service URL.
    const d: SsDescription = {
      id: String(this.sequence()),
      url: body.url,
      type: 'OPENAPI3',
      disabled: true,
      client_id: m.params.id,
      refreshed_at: now(),
      services: [{ service_code: body.rest_service_code, url: 'http://openapi-servers.example.invalid/', timeout: 60 }],
    };
    s.descriptions.set(d.id, d);
    return { status: 201, json: descriptionJson(s, d) };
  },
  'PATCH /service-descriptions/{id}'({ server, m, body }) {
    const s = server as SecurityServerState;
    const d = s.descriptions.get(m.params.id);
    if (!d) return error(404, 'service_description_not_found', m.params.id);
    d.url = body.url;
    if (body.new_rest_service_code) d.services[0].service_code = body.new_rest_service_code;
    d.refreshed_at = now();
    return { status: 200, json: descriptionJson(s, d) };
  },
  'DELETE /service-descriptions/{id}'({ server, m }) {
    const s = server as SecurityServerState;
    const d = s.descriptions.get(m.params.id);
    if (!d) return error(404, 'service_description_not_found', m.params.id);
    for (const svc of d.services) s.rights.delete(`${d.client_id}:${svc.service_code}`);
    s.descriptions.delete(m.params.id);
    return { status: 204 };
  },
  'PUT /service-descriptions/{id}/enable'({ server, m }) {
    const s = server as SecurityServerState;
    const d = s.descriptions.get(m.params.id);
    if (!d) return error(404, 'service_description_not_found', m.params.id);
    d.disabled = false;
    return { status: 204 };
  },
  'PATCH /services/{id}'({ server, m, body }) {
    const s = server as SecurityServerState;
    const found = findService(s, m.params.id);
    if (!found) return error(404, 'service_not_found', m.params.id);
    if (!xroadServiceUrlValid(String(body.url))) return error(400, 'malformed_url');
    if (body.ssl_auth && !String(body.url).startsWith('https')) return error(400, 'invalid_https_url');
    found.svc.url = body.url;
    found.svc.timeout = body.timeout;
    return { status: 200, json: serviceJson(s, found.d, found.svc) };
  },
  'GET /services/{id}/service-clients'({ server, m }) {
    const s = server as SecurityServerState;
    if (!findService(s, m.params.id)) return error(404, 'service_not_found', m.params.id);
    const rights = s.rights.get(m.params.id) ?? new Map();
    return {
      status: 200,
      json: [...rights].sort().map(([id, at]) => ({ id, name: id, service_client_type: 'SUBSYSTEM', rights_given_at: at })),
    };
  },
  'POST /services/{id}/service-clients'({ server, m, body }) {
    const s = server as SecurityServerState;
    if (!findService(s, m.params.id)) return error(404, 'service_not_found', m.params.id);
    const rights = s.rights.get(m.params.id) ?? new Map<string, string>();
    const known = this.globalSubsystems();
    const ids: string[] = body.items.map((i: { id: string }) => i.id);
    // X-Road 7.8.0 AccessRightService: subjects must exist in the global configuration (or locally); duplicates are refused.
    const unknown = ids.filter((id) => !known.has(id) && !s.clients.has(id));
    if (unknown.length > 0) return error(400, 'service_client_not_found', ...unknown);
    const dup = ids.filter((id) => rights.has(id));
    if (dup.length > 0) return error(409, 'duplicate_accessright', ...dup);
    for (const id of ids) rights.set(id, now());
    s.rights.set(m.params.id, rights);
    return { status: 201, json: ids.map((id) => ({ id, name: id, service_client_type: 'SUBSYSTEM', rights_given_at: now() })) };
  },
  'POST /services/{id}/service-clients/delete'({ server, m, body }) {
    const s = server as SecurityServerState;
    if (!findService(s, m.params.id)) return error(404, 'service_not_found', m.params.id);
    const rights = s.rights.get(m.params.id) ?? new Map<string, string>();
    const ids: string[] = body.items.map((i: { id: string }) => i.id);
    const missing = ids.filter((id) => !rights.has(id));
    if (missing.length > 0) return error(400, 'accessright_not_found', ...missing);
    for (const id of ids) rights.delete(id);
    return { status: 204 };
  },
};

// ---------------------------------------------------------------------------------------------
// Central server operations
// ---------------------------------------------------------------------------------------------

function memberJson(instance: string, id: string, name: string) {
  const [, memberClass, memberCode] = id.split(':');
  return {
    member_name: name,
    client_id: { instance_id: instance, type: 'MEMBER', member_class: memberClass, member_code: memberCode, encoded_id: id },
  };
}

function signingKeyJson(k: { id: string; created_at: string }) {
  return {
    id: k.id,
    label: { label: 'govstack-internal-configuration' },
    created_at: k.created_at,
    active: true,
    available: true,
    possible_actions: ['DELETE'],
    source_type: 'INTERNAL',
    key_hash: 'AB',
    token_id: '0',
  };
}

const csHandlers: Record<string, Handler> = {
  'GET /initialization/status'({ server }) {
    const s = server as CentralServerState;
    return {
      status: 200,
      json: { instance_identifier: s.instance, central_server_address: s.address, software_token_init_status: s.token },
    };
  },
  'POST /initialization'({ server, body }) {
    const s = server as CentralServerState;
    if (s.instance && s.token === 'INITIALIZED') return error(409, 'init_already_initialized');
    s.instance = body.instance_identifier;
    s.address = body.central_server_address;
    s.token = 'INITIALIZED';
    return { status: 201 };
  },
  'GET /member-classes'({ server }) {
    const s = server as CentralServerState;
    return { status: 200, json: [...s.memberClasses].map(([code, description]) => ({ code, description })) };
  },
  'POST /member-classes'({ server, body }) {
    const s = server as CentralServerState;
    if (s.memberClasses.has(body.code)) return error(409, 'member_class_exists', body.code);
    s.memberClasses.set(body.code, body.description);
    return { status: 201, json: { code: body.code, description: body.description } };
  },
  'GET /members/{member_id}'({ server, m }) {
    const s = server as CentralServerState;
    const name = s.members.get(m.params.member_id);
    return name === undefined
      ? error(404, 'member_not_found', m.params.member_id)
      : { status: 200, json: memberJson(s.instance, m.params.member_id, name) };
  },
  'POST /members'({ server, body }) {
    const s = server as CentralServerState;
    const { member_class: memberClass, member_code: memberCode } = body.member_id;
    if (!s.memberClasses.has(memberClass)) return error(400, 'invalid_member_class', memberClass);
    const id = `${s.instance}:${memberClass}:${memberCode}`;
    if (s.members.has(id)) return error(409, 'member_exists', id);
    s.members.set(id, body.member_name);
    return { status: 201, json: memberJson(s.instance, id, body.member_name) };
  },
  'PATCH /members/{member_id}'({ server, m, body }) {
    const s = server as CentralServerState;
    if (!s.members.has(m.params.member_id)) return error(404, 'member_not_found', m.params.member_id);
    s.members.set(m.params.member_id, body.member_name);
    return { status: 200, json: memberJson(s.instance, m.params.member_id, body.member_name) };
  },
  'GET /members/{member_id}/subsystems'({ server, m }) {
    const s = server as CentralServerState;
    if (!s.members.has(m.params.member_id)) return error(404, 'member_not_found', m.params.member_id);
    const [, memberClass, memberCode] = m.params.member_id.split(':');
    return {
      status: 200,
      json: [...(s.subsystems.get(m.params.member_id) ?? [])].sort().map((code) => ({
        subsystem_id: {
          instance_id: s.instance,
          type: 'SUBSYSTEM',
          member_class: memberClass,
          member_code: memberCode,
          subsystem_code: code,
          encoded_id: `${m.params.member_id}:${code}`,
        },
        used_security_servers: [],
      })),
    };
  },
  'POST /subsystems'({ server, body }) {
    const s = server as CentralServerState;
    const { member_class: memberClass, member_code: memberCode, subsystem_code: code } = body.subsystem_id;
    const member = `${s.instance}:${memberClass}:${memberCode}`;
    if (!s.members.has(member)) return error(400, 'member_not_found', member);
    const codes = s.subsystems.get(member) ?? new Set<string>();
    if (codes.has(code)) return error(409, 'subsystem_exists', `${member}:${code}`);
    codes.add(code);
    s.subsystems.set(member, codes);
    return {
      status: 201,
      json: {
        member_name: s.members.get(member),
        client_id: { instance_id: s.instance, type: 'SUBSYSTEM', member_class: memberClass, member_code: memberCode, subsystem_code: code },
      },
    };
  },
  'GET /tokens'({ server }) {
    const s = server as CentralServerState;
    return {
      status: 200,
      json: [
        {
          id: '0',
          name: 'softToken-0',
          keys: [],
          status: 'OK',
          logged_in: s.loggedIn,
          active: true,
          available: true,
          possible_actions: [s.loggedIn ? 'LOGOUT' : 'LOGIN'],
          configuration_signing_keys: s.signingKeys.map(signingKeyJson),
        },
      ],
    };
  },
  'PUT /tokens/{token_id}/login'({ server, m }) {
    const s = server as CentralServerState;
    if (m.params.token_id !== '0') return error(404, 'token_not_found');
    s.loggedIn = true;
    return { status: 200, json: { id: '0', name: 'softToken-0', keys: [], status: 'OK', logged_in: true, active: true, available: true } };
  },
  'POST /configuration-sources/{configuration_type}/signing-keys'({ server }) {
    const s = server as CentralServerState;
    if (!s.loggedIn) return error(400, 'token_not_logged_in');
    const key = { id: `key-${s.signingKeys.length + 1}`, created_at: now() };
    s.signingKeys.push(key);
    return { status: 201, json: signingKeyJson(key) };
  },
  'GET /configuration-sources/{configuration_type}/anchor'({ server }) {
    const s = server as CentralServerState;
    return { status: 200, json: s.anchorCreatedAt ? { anchor: { hash: 'AB:CD', created_at: s.anchorCreatedAt } } : {} };
  },
  'PUT /configuration-sources/{configuration_type}/anchor/re-create'({ server }) {
    const s = server as CentralServerState;
    if (s.signingKeys.length === 0) return error(400, 'no_signing_key');
    s.anchorCreatedAt = now();
    return { status: 200, json: { hash: 'AB:CD', created_at: s.anchorCreatedAt } };
  },
  'GET /configuration-sources/{configuration_type}/anchor/download'({ server }) {
    const s = server as CentralServerState;
    if (!s.anchorCreatedAt) return error(404, 'anchor_not_found');
    return {
      status: 200,
      type: 'application/xml',
      raw: Buffer.from(
        `<?xml version="1.0"?><configurationAnchor><instanceIdentifier>${s.instance}</instanceIdentifier></configurationAnchor>`,
      ),
    };
  },
};
