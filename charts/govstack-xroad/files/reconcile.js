'use strict';
/*
 * Declarative X-Road configuration: brings an X-Road instance (its central server, when the
 * instance is self-contained, and every security server) to the configuration derived from a
 * govstack-blueprint deployment (`govstack mediator-config --format xroad`), through the
 * admin REST APIs of X-Road 7.8 (paths and bodies as in the Security Server and Central
 * Server admin API OpenAPI documents).
 *
 * The same file is mounted into the chart's reconcile Job (node, no dependencies) and loaded
 * by the project's contract tests, which run it against a stub server that validates every
 * request and response against those OpenAPI documents.
 *
 * What one run does:
 *   0. Takes the run lock (a Kubernetes Lease, see `leaseLock`), so two runs never overlap,
 *      and revokes the API keys an earlier, killed run left behind (the Lease journals every
 *      key before and after it is created).
 * Then per server, in order:
 *   1. Creates a short-lived API key with HTTP basic authentication of the admin user
 *      (POST /api/v1/api-keys, X-Road Security Server User Guide §19.1.1: the one documented
 *      bootstrap path; not part of the OpenAPI documents) and revokes it when done, also when
 *      the run fails or receives SIGTERM.
 *   2. Central server (self-contained instance only): initialises it if needed, then adds
 *      missing member classes, members (renames changed names) and subsystems.
 *   3. Security server: imports the instance's configuration anchor and initialises the
 *      server if needed; lists every subsystem client on it and removes those the blueprint
 *      no longer places there (a removed block, or a block whose owner moved: its service
 *      descriptions, access rights and TLS certificates go with it); adds missing clients
 *      (one subsystem per building block it hosts) with their connection type and, for
 *      `HTTPS`, exactly their declared client TLS certificate; adds, updates, enables or
 *      removes OpenAPI 3 service descriptions so that each provider subsystem serves exactly
 *      its declared services at their service URLs; grants and revokes access rights so that
 *      each service has exactly its declared clients.
 * Nothing is changed when the server already matches, so a second run sends no mutating
 * request besides creating and revoking its own API key. The first failing request stops the
 * run with an error naming the server, method, path and status; the next run carries on from
 * whatever state was reached.
 *
 * Command line (the Job):
 *   node reconcile.js --desired desired.json --servers servers.json
 * servers.json is the chart's topology ConfigMap; credentials come from the environment:
 *   SS_<NAME>_ADMIN_USER, SS_<NAME>_ADMIN_PASSWORD, SS_<NAME>_TOKEN_PIN   (NAME: server name,
 *     upper case, "-" as "_"), CS_ADMIN_USER, CS_ADMIN_PASSWORD, CS_TOKEN_PIN, CS_ADDRESS;
 *   RECONCILE_WAIT_SECONDS (how long to wait for the admin APIs and the lock, default 900),
 *   RECONCILE_HEARTBEAT (file touched while the run makes progress),
 *   ADMIN_API_CA_FILE (PEM the admin APIs' TLS certificates must chain to: the chart's CA;
 *     there is no way to switch verification off),
 *   RECONCILE_CLIENT_CERTS (folder of the consumers' client TLS certificates, PEM),
 *   KUBERNETES_API_URL, KUBERNETES_TOKEN_FILE, KUBERNETES_CA_FILE, RECONCILE_NAMESPACE,
 *   RECONCILE_LEASE (the run lock; in the Job: the API server, a projected token and the
 *     cluster CA).
 */

const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const crypto = require('node:crypto');
const pathLib = require('node:path');

/** Roles of the temporary API key (X-Road 7.8 Role enum); the admin user holds all of them. */
const SECURITY_SERVER_ROLES = ['XROAD_SYSTEM_ADMINISTRATOR', 'XROAD_SECURITY_OFFICER', 'XROAD_REGISTRATION_OFFICER', 'XROAD_SERVICE_ADMINISTRATOR'];
const CENTRAL_SERVER_ROLES = ['XROAD_SYSTEM_ADMINISTRATOR', 'XROAD_SECURITY_OFFICER', 'XROAD_REGISTRATION_OFFICER'];
/** Connection type of a managed client unless the blueprint relaxes it: HTTPS with a registered client TLS certificate. */
const CONNECTION_TYPE = 'HTTPS';
/** Kubernetes Lease annotation journaling the API keys of the run holding the lock. */
const KEY_JOURNAL = 'govstack.global/reconcile-api-keys';
const SIGNING_KEY_LABEL = 'govstack-internal-configuration';

class ReconcileError extends Error {
  /**
   * @param {string} message
   * @param {{ server?: string, method?: string, path?: string, status?: number }} [details]
   */
  constructor(message, details = {}) {
    super(message);
    this.name = 'ReconcileError';
    Object.assign(this, details);
  }
}

/** X-Road's encoded identifier of a member or subsystem: INSTANCE:CLASS:CODE[:SUBSYSTEM]. */
function encodeId(instance, memberClass, memberCode, subsystemCode) {
  return [instance, memberClass, memberCode, ...(subsystemCode ? [subsystemCode] : [])].join(':');
}

/** A tiny HTTP client for one admin API: JSON in and out, optional API key, no dependencies. */
class AdminApi {
  /**
   * @param {string} server  name used in messages
   * @param {string} baseUrl e.g. https://xroad-ss-interior:<admin port> (the API lives under /api/v1)
   * @param {{ ca?: string | Buffer, timeoutMs?: number, signal?: AbortSignal, onRequest?: (method: string, path: string) => void }} options
   *   ca: the PEM the server's TLS certificate must chain to (verification is always on)
   */
  constructor(server, baseUrl, options) {
    this.server = server;
    this.base = new URL(baseUrl.replace(/\/+$/, '') + '/api/v1');
    this.options = options;
    this.apiKey = undefined;
    this.agent = this.base.protocol === 'https:' ? new https.Agent({ ca: options.ca, rejectUnauthorized: true, keepAlive: false }) : undefined;
  }

  /**
   * @param {string} method
   * @param {string} path        below /api/v1, already encoded
   * @param {{ json?: unknown, binary?: Buffer, basic?: { user: string, password: string }, accept?: string, ok?: number[], noAbort?: boolean }} [req]
   *   noAbort: the request is clean-up and runs even after the run was asked to stop
   * @returns {Promise<{ status: number, body: any, raw: Buffer }>}
   */
  request(method, path, req = {}) {
    const url = new URL(this.base.pathname + path, this.base);
    const headers = { accept: req.accept ?? 'application/json', 'user-agent': `govstack-reconcile/${this.options.runName ?? process.pid}` };
    let payload;
    if (req.json !== undefined) {
      payload = Buffer.from(JSON.stringify(req.json));
      headers['content-type'] = 'application/json';
    } else if (req.binary) {
      payload = req.binary;
      headers['content-type'] = 'application/octet-stream';
    }
    if (payload) headers['content-length'] = String(payload.length);
    if (req.basic) headers.authorization = 'Basic ' + Buffer.from(`${req.basic.user}:${req.basic.password}`).toString('base64');
    else if (this.apiKey) headers.authorization = `X-Road-ApiKey token=${this.apiKey}`;
    const signal = req.noAbort ? undefined : this.options.signal;
    if (signal && signal.aborted) return Promise.reject(new ReconcileError(`${this.server}: stopped before ${method} /api/v1${path}`, { server: this.server, method, path, status: 0, aborted: true }));
    if (this.options.onRequest) this.options.onRequest(method, path);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const r = lib.request(url, { method, headers, agent: this.agent, signal, timeout: this.options.timeoutMs ?? 60000 }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const type = String(res.headers['content-type'] ?? '');
          let body;
          if (raw.length > 0 && type.includes('json')) {
            try {
              body = JSON.parse(raw.toString('utf8'));
            } catch {
              body = undefined;
            }
          }
          const status = res.statusCode ?? 0;
          const ok = req.ok ?? [200, 201, 204];
          if (!ok.includes(status)) {
            reject(new ReconcileError(`${this.server}: ${method} /api/v1${path} answered ${status}${describeError(body, raw)}`, { server: this.server, method, path, status }));
            return;
          }
          resolve({ status, body, raw });
        });
      });
      r.on('timeout', () => r.destroy(new Error(`${method} /api/v1${path} timed out`)));
      r.on('error', (err) => reject(new ReconcileError(`${this.server}: ${method} /api/v1${path} failed: ${err.message}`, { server: this.server, method, path, status: 0, aborted: Boolean(signal && signal.aborted) })));
      if (payload) r.write(payload);
      r.end();
    });
  }

  /** GET, accepting `ok` statuses (default 200). */
  get(path, ok) {
    return this.request('GET', path, { ok: ok ?? [200] });
  }
}

/** The error code X-Road puts in its ErrorInfo body, when there is one. */
function describeError(body, raw) {
  if (body && typeof body === 'object') {
    const code = body.error && body.error.code;
    const meta = body.error && Array.isArray(body.error.metadata) ? ` ${body.error.metadata.join(', ')}` : '';
    const warnings = Array.isArray(body.warnings) && body.warnings.length > 0 ? `; warnings: ${body.warnings.map((w) => w.code).join(', ')}` : '';
    if (code) return ` (${code}${meta}${warnings})`;
  }
  const text = raw.toString('utf8').trim();
  return text ? ` (${text.slice(0, 200)})` : '';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Touch the heartbeat file the Job's liveness probe watches. */
function heartbeat(options) {
  if (!options.heartbeatFile) return;
  try {
    const now = new Date();
    fs.utimesSync(options.heartbeatFile, now, now);
  } catch {
    try {
      fs.writeFileSync(options.heartbeatFile, '');
    } catch {
      /* best effort */
    }
  }
}

/** Same roles, as sets. */
function sameRoles(a, b) {
  return Array.isArray(a) && a.length === b.length && b.every((r) => a.includes(r));
}

/**
 * One server's session: a temporary API key, created with basic authentication and revoked at
 * the end. Waits up to `waitSeconds` for the admin API to answer at all (a starting server
 * refuses connections or answers 502/503).
 *
 * X-Road 7.8 API keys carry no name (id, key, roles: common-admin-api ApiKeysController), so
 * the run names its keys in the lock's journal instead: before creating a key it records the
 * highest key id the server already has, after creating it the key's id. A later run revokes
 * every journaled id first, and, when a run was killed between the two records, every key
 * above the recorded id that has exactly the reconcile's roles (key ids come from one
 * increasing database sequence).
 */
async function openSession(api, credentials, roles, options, journal) {
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await revokeStaleKeys(api, credentials, roles, journal, options);
      const listed = (await api.request('GET', '/api-keys', { basic: credentials, ok: [200] })).body;
      const highest = (Array.isArray(listed) ? listed : []).reduce((n, k) => Math.max(n, Number(k.id) || 0), 0);
      await journal.update(api.server, (e) => ({ ids: e.ids, after: highest }));
      const created = await api.request('POST', '/api-keys', { json: roles, basic: credentials, ok: [200, 201] });
      const key = created.body;
      if (!key || typeof key.key !== 'string' || key.id === undefined) throw new ReconcileError(`${api.server}: POST /api/v1/api-keys returned no key`, { server: api.server });
      await journal.update(api.server, (e) => ({ ids: [...e.ids, key.id] }));
      api.apiKey = key.key;
      return key.id;
    } catch (err) {
      const retriable = err instanceof ReconcileError && !err.aborted && (err.status === 0 || err.status === 502 || err.status === 503);
      if (!retriable || Date.now() >= deadline) throw err;
      options.log(`${api.server}: admin API not answering yet (${err.message}); retrying (attempt ${attempt})`);
      heartbeat(options);
      await sleep(options.retryDelayMs ?? 10000);
    }
  }
}

/** Revoke the keys an earlier run journaled for this server and did not revoke itself. */
async function revokeStaleKeys(api, credentials, roles, journal, options) {
  const entry = journal.get(api.server);
  if (entry.ids.length === 0 && entry.after === undefined) return;
  const stale = new Set(entry.ids.map(Number));
  if (entry.after !== undefined) {
    const listed = (await api.request('GET', '/api-keys', { basic: credentials, ok: [200], noAbort: true })).body;
    for (const k of Array.isArray(listed) ? listed : []) if (Number(k.id) > entry.after && sameRoles(k.roles, roles)) stale.add(Number(k.id));
  }
  for (const id of [...stale].sort((a, b) => a - b)) {
    await api.request('DELETE', `/api-keys/${encodeURIComponent(String(id))}`, { basic: credentials, ok: [200, 204, 404], noAbort: true });
    options.log(`${api.server}: revoked API key ${id} left by an earlier run`);
  }
  await journal.update(api.server, () => ({ ids: [] }));
}

async function closeSession(api, keyId, credentials, journal) {
  api.apiKey = undefined;
  await api.request('DELETE', `/api-keys/${encodeURIComponent(String(keyId))}`, { basic: credentials, ok: [200, 204, 404], noAbort: true });
  await journal.update(api.server, (e) => ({ ids: e.ids.filter((id) => id !== keyId) }));
}

/**
 * The API key journal, kept in the lock: `{ [server]: { ids: number[], after?: number } }`.
 * Every change is written to the lock before the run goes on.
 */
class KeyJournal {
  constructor(lock, initial) {
    this.lock = lock;
    this.entries = initial && typeof initial === 'object' ? JSON.parse(JSON.stringify(initial)) : {};
  }
  get(server) {
    const e = this.entries[server] ?? {};
    return { ids: Array.isArray(e.ids) ? e.ids : [], ...(typeof e.after === 'number' ? { after: e.after } : {}) };
  }
  async update(server, fn) {
    const next = fn(this.get(server));
    if (next.ids.length === 0 && next.after === undefined) delete this.entries[server];
    else this.entries[server] = next;
    await this.lock.record(this.entries);
  }
}

// ---------------------------------------------------------------------------------------------
// The run lock
// ---------------------------------------------------------------------------------------------

/**
 * A lock within one process: enough when nothing else can run at the same time (one caller
 * of the library). The Job uses `leaseLock`.
 */
function memoryLock() {
  let journal = {};
  let tail = Promise.resolve();
  const releases = [];
  return {
    async acquire() {
      const previous = tail;
      let release;
      tail = new Promise((r) => (release = r));
      releases.push(release);
      await previous;
      return journal;
    },
    async record(entries) {
      journal = JSON.parse(JSON.stringify(entries));
    },
    async release() {
      releases.shift()();
    },
  };
}

/** RFC 3339 with microseconds, the Kubernetes MicroTime format. */
const microTime = (ms) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** Socket errors raised before a request reaches the server (name resolution, refused connection). */
const UNSENT_CODES = new Set(['EAI_AGAIN', 'ENOTFOUND', 'ECONNREFUSED']);

/** One JSON request to the Kubernetes API; resolves with status and body for every HTTP answer. */
function kubeRequest(base, method, path, { token, ca, json, timeoutMs }) {
  const url = new URL(path, base);
  const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  const headers = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) };
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const r = lib.request(url, { method, headers, ca, rejectUnauthorized: true, timeout: timeoutMs ?? 30000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    r.on('timeout', () => r.destroy(new Error(`${method} ${path} timed out`)));
    r.on('error', (err) => {
      const failure = new ReconcileError(`lock: ${method} ${path} failed: ${err.message}`, { server: 'kubernetes', method, path, status: 0 });
      failure.unsent = UNSENT_CODES.has(err.code);
      reject(failure);
    });
    if (payload) r.write(payload);
    r.end();
  });
}

/**
 * The run lock as a Kubernetes Lease (coordination.k8s.io/v1) in the mediator's namespace.
 * Why a Lease: the API server's optimistic concurrency (create fails on an existing object,
 * update fails on a stale resourceVersion) makes taking it atomic; its renew time and duration
 * free it by themselves when a run is killed; operators can see the holder with kubectl; and
 * X-Road has no object that could carry a lock and a journal. The Lease also carries the
 * API key journal (annotation `govstack.global/reconcile-api-keys`), so the next holder can
 * revoke what a killed run left.
 *
 * A held, unexpired Lease is waited for (up to `waitSeconds`); the holder renews it every
 * third of its duration and stops the run if it ever loses it.
 * @param {{ url: string, namespace: string, name: string, holder: string, token?: string, ca?: string | Buffer,
 *           durationSeconds?: number, waitSeconds?: number, retryDelayMs?: number, log?: (line: string) => void }} o
 */
function leaseLock(o) {
  const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases`;
  const duration = o.durationSeconds ?? 60;
  const log = o.log ?? (() => {});
  // A request that never left (the API server's name did not resolve, the connection was
  // refused) is safe to send again whatever its method: a DNS hiccup must not fail the Job.
  const req = async (method, p, json) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await kubeRequest(o.url, method, p, { token: o.token, ca: o.ca, json });
      } catch (err) {
        if (!err.unsent || attempt >= 5) throw err;
        log(`${err.message}; retrying (attempt ${attempt})`);
        await sleep(o.retryDelayMs ?? 2000);
      }
    }
  };
  let lease;
  let timer;
  let chain = Promise.resolve();
  let lost;
  const journalOf = (l) => {
    try {
      return JSON.parse(((l.metadata || {}).annotations || {})[KEY_JOURNAL] || '{}');
    } catch {
      return {};
    }
  };
  const fail = (what, r) => new ReconcileError(`lock: ${what} Lease ${o.namespace}/${o.name} answered ${r.status}${r.body && r.body.message ? ` (${r.body.message})` : ''}`, { server: 'kubernetes', status: r.status });
  const put = (mutate) => {
    const next = JSON.parse(JSON.stringify(lease));
    mutate(next);
    return req('PUT', `${path}/${encodeURIComponent(o.name)}`, next);
  };
  const write = (mutate) => {
    chain = chain.then(async () => {
      if (lost) throw lost;
      const r = await put((l) => {
        mutate(l);
        l.spec.renewTime = microTime(Date.now());
      });
      if (r.status !== 200) {
        lost = fail('lost the', r);
        throw lost;
      }
      lease = r.body;
    });
    return chain;
  };
  return {
    /** Take the Lease; resolves with the journal the previous holder left. */
    async acquire(onLost) {
      const deadline = Date.now() + (o.waitSeconds ?? 0) * 1000;
      for (;;) {
        const now = Date.now();
        const got = await req('GET', `${path}/${encodeURIComponent(o.name)}`);
        let r;
        if (got.status === 404) {
          r = await req('POST', path, {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: o.name, namespace: o.namespace, annotations: { [KEY_JOURNAL]: '{}' } },
            spec: { holderIdentity: o.holder, leaseDurationSeconds: duration, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
          });
        } else if (got.status === 200) {
          const spec = got.body.spec || {};
          const renewed = Date.parse(spec.renewTime || spec.acquireTime || 0);
          const free = !spec.holderIdentity || !(renewed + (spec.leaseDurationSeconds ?? duration) * 1000 > now);
          if (free) {
            lease = got.body;
            r = await put((l) => {
              l.spec = { ...l.spec, holderIdentity: o.holder, leaseDurationSeconds: duration, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: (l.spec.leaseTransitions ?? 0) + 1 };
            });
          } else {
            r = { status: 423, holder: spec.holderIdentity };
          }
        } else {
          throw fail('reading the', got);
        }
        if (r.status === 200 || r.status === 201) {
          lease = r.body;
          timer = setInterval(() => {
            write(() => {}).catch((err) => onLost && onLost(err));
          }, Math.max(250, (duration * 1000) / 3));
          timer.unref();
          return journalOf(lease);
        }
        if (r.status !== 409 && r.status !== 423) throw fail('taking the', r);
        if (Date.now() >= deadline) throw new ReconcileError(`lock: Lease ${o.namespace}/${o.name} is held by ${r.holder ?? 'another run'}; gave up waiting`, { server: 'kubernetes', status: 423 });
        log(`lock: Lease ${o.namespace}/${o.name} is held by ${r.holder ?? 'another run'}; waiting`);
        await sleep(o.retryDelayMs ?? 2000);
      }
    },
    /** Write the API key journal into the Lease (and renew it). */
    record(entries) {
      return write((l) => {
        l.metadata.annotations = { ...(l.metadata.annotations || {}), [KEY_JOURNAL]: JSON.stringify(entries) };
      });
    },
    /** Give the Lease up (the journal stays for the next holder). */
    async release() {
      clearInterval(timer);
      await chain.catch(() => {});
      if (lost) return;
      const r = await put((l) => {
        l.spec.holderIdentity = null;
        l.spec.renewTime = microTime(Date.now());
      });
      if (r.status !== 200) throw fail('releasing the', r);
    },
  };
}

/** Records and logs what a run changed. */
class Changes {
  constructor(options) {
    this.options = options;
    /** @type {{ server: string, action: string, target: string }[]} */
    this.list = [];
  }
  add(server, action, target) {
    this.list.push({ server, action, target });
    this.options.log(`${server}: ${action} ${target}`);
    heartbeat(this.options);
  }
}

// ---------------------------------------------------------------------------------------------
// Central server (self-contained instance)
// ---------------------------------------------------------------------------------------------

async function reconcileCentralServer(api, desired, target, changes) {
  const status = (await api.get('/initialization/status')).body;
  if (status.instance_identifier && status.instance_identifier !== desired.instance) {
    throw new ReconcileError(`${api.server}: initialised for instance "${status.instance_identifier}", the blueprint declares "${desired.instance}"; refusing to change it`, { server: api.server });
  }
  if (!status.instance_identifier || status.software_token_init_status === 'NOT_INITIALIZED') {
    await api.request('POST', '/initialization', {
      json: { instance_identifier: desired.instance, central_server_address: target.address, software_token_pin: target.tokenPin },
    });
    changes.add(api.server, 'initialise', `instance ${desired.instance} at ${target.address}`);
  }

  const classes = new Set((await api.get('/member-classes')).body.map((c) => c.code));
  for (const code of desired.memberClasses) {
    if (classes.has(code)) continue;
    await api.request('POST', '/member-classes', { json: { code, description: `GovStack member class ${code}` } });
    changes.add(api.server, 'create member class', code);
  }

  for (const member of desired.members) {
    const id = encodeId(desired.instance, member.memberClass, member.memberCode);
    const found = await api.get(`/members/${encodeURIComponent(id)}`, [200, 404]);
    if (found.status === 404) {
      await api.request('POST', '/members', { json: { member_name: member.name, member_id: { member_class: member.memberClass, member_code: member.memberCode } } });
      changes.add(api.server, 'create member', `${id} (${member.name})`);
    } else if (found.body.member_name !== member.name) {
      await api.request('PATCH', `/members/${encodeURIComponent(id)}`, { json: { member_name: member.name } });
      changes.add(api.server, 'rename member', `${id} to ${member.name}`);
    }
    const existing = new Set((await api.get(`/members/${encodeURIComponent(id)}/subsystems`)).body.map((s) => s.subsystem_id && s.subsystem_id.subsystem_code));
    for (const subsystem of desired.subsystems.filter((s) => s.memberClass === member.memberClass && s.memberCode === member.memberCode)) {
      if (existing.has(subsystem.subsystemCode)) continue;
      await api.request('POST', '/subsystems', {
        json: { subsystem_id: { member_class: subsystem.memberClass, member_code: subsystem.memberCode, subsystem_code: subsystem.subsystemCode }, subsystem_name: subsystem.name },
      });
      changes.add(api.server, 'create subsystem', subsystem.id);
    }
  }
}

/**
 * The instance's internal configuration anchor, made on first need: logs the software token
 * in, adds an internal configuration signing key when there is none, and (re)creates the
 * anchor when there is none.
 */
async function centralServerAnchor(api, target, changes) {
  const container = (await api.get('/configuration-sources/INTERNAL/anchor')).body;
  if (!container || !container.anchor) {
    const tokens = (await api.get('/tokens')).body;
    const token = tokens[0];
    if (!token) throw new ReconcileError(`${api.server}: no signing token`, { server: api.server });
    if (!token.logged_in) {
      await api.request('PUT', `/tokens/${encodeURIComponent(token.id)}/login`, { json: { password: target.tokenPin } });
      changes.add(api.server, 'log in', `token ${token.id}`);
    }
    const keys = token.configuration_signing_keys ?? [];
    if (!keys.some((k) => k.source_type === 'INTERNAL')) {
      await api.request('POST', '/configuration-sources/INTERNAL/signing-keys', { json: { token_id: token.id, key_label: SIGNING_KEY_LABEL } });
      changes.add(api.server, 'create signing key', `INTERNAL on token ${token.id}`);
    }
    await api.request('PUT', '/configuration-sources/INTERNAL/anchor/re-create');
    changes.add(api.server, 'create anchor', 'INTERNAL');
  }
  const file = await api.request('GET', '/configuration-sources/INTERNAL/anchor/download', { accept: 'application/xml' });
  return file.raw;
}

// ---------------------------------------------------------------------------------------------
// Security server
// ---------------------------------------------------------------------------------------------

async function initialiseSecurityServer(api, server, target, changes, anchor) {
  const status = (await api.get('/initialization/status')).body;
  if (status.software_token_init_status === 'UNKNOWN') {
    throw new ReconcileError(`${api.server}: the signer does not report the token status yet (UNKNOWN); try again when the server has started`, { server: api.server });
  }
  if (!status.is_anchor_imported) {
    const file = await anchor();
    if (!file) throw new ReconcileError(`${api.server}: no configuration anchor imported; import the instance's anchor (POST /api/v1/system/anchor) first`, { server: api.server });
    await api.request('POST', '/system/anchor', { binary: file });
    changes.add(api.server, 'import', 'configuration anchor');
  }
  if (!status.is_server_owner_initialized || !status.is_server_code_initialized || status.software_token_init_status !== 'INITIALIZED') {
    await api.request('POST', '/initialization', {
      json: { owner_member_class: server.ownerClass, owner_member_code: server.ownerCode, security_server_code: server.serverCode, software_token_pin: target.tokenPin, ignore_warnings: true },
    });
    changes.add(api.server, 'initialise', `${server.ownerClass}/${server.ownerCode}/${server.serverCode}`);
  }
}

/** Client statuses X-Road 7.8 deletes directly; others are unregistered first (ClientService.deleteLocalClient). */
const DELETABLE_STATUSES = ['SAVED', 'DELETION_IN_PROGRESS', 'GLOBAL_ERROR'];

/**
 * The subsystem clients on the server are exactly the hosted ones: an undeclared subsystem
 * (its block removed, or moved to another owner's server) loses its service descriptions
 * (which takes their access rights along), is unregistered when registered, and is deleted.
 * Members (the owner) are never touched.
 */
async function reconcileClients(api, desired, hosted, changes, certificateOf) {
  const existing = (await api.get(`/clients?instance=${encodeURIComponent(desired.instance)}&show_members=false&internal_search=true`)).body;
  const byId = new Map(existing.filter((c) => c.subsystem_code).map((c) => [encodeId(c.instance_id ?? desired.instance, c.member_class, c.member_code, c.subsystem_code), c]));
  const wanted = new Set(hosted.map((s) => s.id));
  for (const [id, client] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    if (wanted.has(id)) continue;
    const path = `/clients/${encodeURIComponent(id)}`;
    for (const d of (await api.get(`${path}/service-descriptions`)).body) {
      await api.request('DELETE', `/service-descriptions/${encodeURIComponent(String(d.id))}`);
      changes.add(api.server, 'delete service description', `${d.url} of ${id} (no longer declared here)`);
    }
    if (!DELETABLE_STATUSES.includes(client.status)) {
      await api.request('PUT', `${path}/unregister`);
      changes.add(api.server, 'unregister client', id);
    }
    await api.request('DELETE', path);
    changes.add(api.server, 'delete client', id);
  }
  for (const subsystem of hosted) {
    const connection = subsystem.connectionType ?? CONNECTION_TYPE;
    let client = byId.get(subsystem.id);
    if (!client) {
      client = (await api.request('POST', '/clients', {
        json: { client: { member_class: subsystem.memberClass, member_code: subsystem.memberCode, subsystem_code: subsystem.subsystemCode, connection_type: connection }, ignore_warnings: true },
      })).body;
      changes.add(api.server, 'create client', `${subsystem.id} (${connection})`);
    } else if (client.connection_type !== connection) {
      await api.request('PATCH', `/clients/${encodeURIComponent(subsystem.id)}`, { json: { connection_type: connection } });
      changes.add(api.server, 'update client', `${subsystem.id} connection ${connection}`);
    }
    if (client && client.status === 'SAVED') {
      await api.request('PUT', `/clients/${encodeURIComponent(subsystem.id)}/register`);
      changes.add(api.server, 'register client', subsystem.id);
    }
    await reconcileTlsCertificates(api, subsystem, connection === 'HTTPS' ? certificateOf(subsystem) : undefined, changes);
  }
}

/**
 * With connection type HTTPS the security server accepts a request for a subsystem only over
 * a TLS connection whose client certificate is registered for it: exactly the subsystem's
 * declared certificate (none for the other types).
 */
async function reconcileTlsCertificates(api, subsystem, pem, changes) {
  const path = `/clients/${encodeURIComponent(subsystem.id)}/tls-certificates`;
  const current = (await api.get(path)).body;
  let wanted;
  let der;
  if (pem) {
    const cert = new crypto.X509Certificate(pem);
    der = cert.raw;
    wanted = cert.fingerprint256.replace(/:/g, '').toUpperCase();
  }
  for (const c of current) {
    if (wanted && String(c.hash).toUpperCase() === wanted) continue;
    await api.request('DELETE', `${path}/${encodeURIComponent(c.hash)}`);
    changes.add(api.server, 'delete TLS certificate', `${c.hash} of ${subsystem.id}`);
  }
  if (wanted && !current.some((c) => String(c.hash).toUpperCase() === wanted)) {
    await api.request('POST', path, { binary: der });
    changes.add(api.server, 'add TLS certificate', `${wanted} of ${subsystem.id}`);
  }
}

/** The service code a service description provides (OpenAPI 3 and REST descriptions hold one). */
function serviceCodeOf(description) {
  const services = description.services ?? [];
  return services.length === 1 ? services[0].service_code : undefined;
}

async function reconcileServices(api, subsystem, changes) {
  const path = `/clients/${encodeURIComponent(subsystem.id)}/service-descriptions`;
  let descriptions = (await api.get(path)).body;
  const wanted = new Map(subsystem.services.map((s) => [s.code, s]));

  // Remove what the blueprint no longer declares (this subsystem is managed as a whole).
  const seen = new Set();
  for (const d of descriptions) {
    const code = serviceCodeOf(d);
    const keep = d.type === 'OPENAPI3' && code !== undefined && wanted.has(code) && !seen.has(code);
    if (keep) {
      seen.add(code);
      continue;
    }
    await api.request('DELETE', `/service-descriptions/${encodeURIComponent(String(d.id))}`);
    changes.add(api.server, 'delete service description', `${d.url} (${code ?? d.type}) of ${subsystem.id}`);
  }
  descriptions = descriptions.filter((d) => d.type === 'OPENAPI3' && seen.has(serviceCodeOf(d)));
  const byCode = new Map(descriptions.map((d) => [serviceCodeOf(d), d]));

  for (const service of subsystem.services) {
    let d = byCode.get(service.code);
    if (!d) {
      d = (await api.request('POST', path, { json: { url: service.specUrl, type: 'OPENAPI3', rest_service_code: service.code, ignore_warnings: true } })).body;
      changes.add(api.server, 'create service description', `${service.code} of ${subsystem.id} from ${service.specUrl}`);
    } else if (d.url !== service.specUrl) {
      d = (await api.request('PATCH', `/service-descriptions/${encodeURIComponent(String(d.id))}`, {
        json: { url: service.specUrl, type: 'OPENAPI3', rest_service_code: service.code, ignore_warnings: true },
      })).body;
      changes.add(api.server, 'update service description', `${service.code} of ${subsystem.id} to ${service.specUrl}`);
    }
    if (d.disabled) {
      await api.request('PUT', `/service-descriptions/${encodeURIComponent(String(d.id))}/enable`);
      changes.add(api.server, 'enable service description', `${service.code} of ${subsystem.id}`);
    }
    const current = (d.services ?? []).find((s) => s.service_code === service.code);
    if (!current) throw new ReconcileError(`${api.server}: service description ${d.id} of ${subsystem.id} does not provide service ${service.code}`, { server: api.server });
    if (current.url !== service.serviceUrl || current.timeout !== service.timeout || current.ssl_auth === true) {
      await api.request('PATCH', `/services/${encodeURIComponent(current.id)}`, { json: { url: service.serviceUrl, timeout: service.timeout, ssl_auth: false, ignore_warnings: true } });
      changes.add(api.server, 'update service', `${current.id} url ${service.serviceUrl}`);
    }
    await reconcileRights(api, current.id, service.clients, changes);
  }
}

/** Exactly the declared clients may call the service: grant the missing, revoke the rest. */
async function reconcileRights(api, serviceId, clients, changes) {
  const path = `/services/${encodeURIComponent(serviceId)}/service-clients`;
  const current = (await api.get(path)).body.map((c) => c.id);
  const wanted = new Set(clients);
  const missing = [...wanted].filter((id) => !current.includes(id)).sort();
  const extra = current.filter((id) => !wanted.has(id)).sort();
  if (extra.length > 0) {
    await api.request('POST', `${path}/delete`, { json: { items: extra.map((id) => ({ id })) } });
    for (const id of extra) changes.add(api.server, 'revoke', `${id} on ${serviceId}`);
  }
  if (missing.length > 0) {
    await api.request('POST', path, { json: { items: missing.map((id) => ({ id })) } });
    for (const id of missing) changes.add(api.server, 'grant', `${id} on ${serviceId}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

/**
 * Bring the instance to the desired configuration.
 * @param {any} desired   `govstack mediator-config --format xroad` document
 * @param {{ securityServers: Record<string, { url: string, user: string, password: string, tokenPin: string }>,
 *           centralServer?: { url: string, user: string, password: string, tokenPin: string, address: string } }} targets
 * @param {{ log?: (line: string) => void, waitSeconds?: number, retryDelayMs?: number, ca?: string | Buffer,
 *           heartbeatFile?: string, timeoutMs?: number, signal?: AbortSignal, runName?: string,
 *           lock?: { acquire(onLost?: (err: Error) => void): Promise<any>, record(entries: any): Promise<void>, release(): Promise<void> },
 *           clientCertificate?: (subsystem: any) => string | undefined }} [opts]
 *   ca: PEM the admin APIs' certificates must chain to (https only); runName: sent as the
 *   User-Agent `govstack-reconcile/<runName>` (default the process id); lock: default a lock of
 *   this process only; clientCertificate: PEM of a subsystem's client TLS certificate, needed
 *   for every hosted subsystem whose connection type is HTTPS.
 * @returns {Promise<{ changes: { server: string, action: string, target: string }[] }>}
 */
async function reconcile(desired, targets, opts = {}) {
  const options = { log: () => {}, waitSeconds: 0, ...opts };
  const changes = new Changes(options);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (options.signal) {
    if (options.signal.aborted) stop.abort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  }
  const apiOptions = { ca: options.ca, timeoutMs: options.timeoutMs, signal: stop.signal, runName: options.runName, onRequest: () => heartbeat(options) };
  const certificateOf = (subsystem) => {
    const pem = options.clientCertificate && options.clientCertificate(subsystem);
    if (!pem) throw new ReconcileError(`no client TLS certificate for ${subsystem.id} (connection type HTTPS)`, { server: subsystem.securityServer });
    return pem;
  };

  for (const server of desired.securityServers) {
    if (!targets.securityServers[server.name]) throw new ReconcileError(`no admin endpoint or credentials for security server ${server.name}`, { server: server.name });
  }
  const csTarget = desired.centralServer ? targets.centralServer : undefined;
  if (desired.centralServer && !csTarget) throw new ReconcileError('the instance is self-contained but no central server endpoint was given', { server: 'central-server' });

  const lock = options.lock ?? defaultLock;
  let lost;
  const journal = new KeyJournal(lock, await lock.acquire((err) => {
    lost = err;
    stop.abort();
  }));
  let cs;
  let csKey;
  const csCredentials = csTarget ? { user: csTarget.user, password: csTarget.password } : undefined;
  let anchorFile;
  const anchor = async () => {
    if (!cs) return undefined;
    if (!anchorFile) anchorFile = await centralServerAnchor(cs, csTarget, changes);
    return anchorFile;
  };

  try {
    if (csTarget) {
      cs = new AdminApi('central-server', csTarget.url, apiOptions);
      csKey = await openSession(cs, csCredentials, CENTRAL_SERVER_ROLES, options, journal);
      await reconcileCentralServer(cs, desired, csTarget, changes);
    }
    for (const server of desired.securityServers) {
      const target = targets.securityServers[server.name];
      const credentials = { user: target.user, password: target.password };
      const api = new AdminApi(server.name, target.url, apiOptions);
      const keyId = await openSession(api, credentials, SECURITY_SERVER_ROLES, options, journal);
      try {
        await initialiseSecurityServer(api, server, target, changes, anchor);
        const hosted = desired.subsystems.filter((s) => s.securityServer === server.name);
        await reconcileClients(api, desired, hosted, changes, certificateOf);
        for (const subsystem of hosted) await reconcileServices(api, subsystem, changes);
      } finally {
        await closeSession(api, keyId, credentials, journal).catch((err) => options.log(`${server.name}: could not revoke the temporary API key: ${err.message}`));
      }
    }
  } catch (err) {
    if (lost) throw lost;
    throw err;
  } finally {
    if (cs && csKey !== undefined) await closeSession(cs, csKey, csCredentials, journal).catch((err) => options.log(`central-server: could not revoke the temporary API key: ${err.message}`));
    if (options.signal) options.signal.removeEventListener('abort', onAbort);
    await lock.release().catch((err) => options.log(`could not release the lock: ${err.message}`));
  }
  return { changes: changes.list };
}

/** Runs of this process queue behind each other when no lock is given. */
const defaultLock = memoryLock();

// ---------------------------------------------------------------------------------------------
// Command line (the Job)
// ---------------------------------------------------------------------------------------------

/** Environment variable prefix of a security server's credentials: SS_<NAME>_. */
function envPrefix(name) {
  return `SS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

/** Targets from the chart's topology ConfigMap (servers.json) and the credentials in the environment. */
function targetsFrom(topology, env) {
  const need = (key) => {
    const value = env[key];
    if (!value) throw new ReconcileError(`environment variable ${key} is not set`);
    return value;
  };
  const securityServers = {};
  for (const s of topology.securityServers ?? []) {
    const p = envPrefix(s.name);
    securityServers[s.name] = { url: s.adminUrl, user: need(`${p}ADMIN_USER`), password: need(`${p}ADMIN_PASSWORD`), tokenPin: need(`${p}TOKEN_PIN`) };
  }
  const cs = topology.centralServer;
  const centralServer = cs && cs.enabled
    ? { url: cs.adminUrl, user: need('CS_ADMIN_USER'), password: need('CS_ADMIN_PASSWORD'), tokenPin: need('CS_TOKEN_PIN'), address: need('CS_ADDRESS') }
    : undefined;
  return { securityServers, centralServer };
}

/** The Job's lock: a Lease in its namespace, through the API server with a projected token. */
function leaseFrom(env, waitSeconds, log) {
  const need = (key) => {
    const value = env[key];
    if (!value) throw new ReconcileError(`environment variable ${key} is not set`);
    return value;
  };
  const file = (key) => fs.readFileSync(need(key), 'utf8').trim();
  return leaseLock({
    url: need('KUBERNETES_API_URL'),
    namespace: need('RECONCILE_NAMESPACE'),
    name: need('RECONCILE_LEASE'),
    holder: env.HOSTNAME || `reconcile-${process.pid}`,
    token: file('KUBERNETES_TOKEN_FILE'),
    ca: env.KUBERNETES_CA_FILE ? fs.readFileSync(env.KUBERNETES_CA_FILE) : undefined,
    durationSeconds: Number(env.RECONCILE_LEASE_SECONDS ?? 60),
    waitSeconds,
    retryDelayMs: Number(env.RECONCILE_LOCK_RETRY_MS ?? 2000),
    log,
  });
}

async function main(argv, env, signal) {
  const arg = (name) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0 || !argv[i + 1]) throw new ReconcileError(`usage: reconcile.js --desired FILE --servers FILE (missing --${name})`);
    return argv[i + 1];
  };
  const desired = JSON.parse(fs.readFileSync(arg('desired'), 'utf8'));
  const topology = JSON.parse(fs.readFileSync(arg('servers'), 'utf8'));
  if (topology.instance !== desired.instance) throw new ReconcileError(`the chart's instance "${topology.instance}" differs from the configuration's "${desired.instance}"`);
  const targets = targetsFrom(topology, env);
  const https = [...Object.values(targets.securityServers), ...(targets.centralServer ? [targets.centralServer] : [])].some((t) => t.url.startsWith('https:'));
  if (https && !env.ADMIN_API_CA_FILE) throw new ReconcileError('environment variable ADMIN_API_CA_FILE is not set (the admin APIs are verified against the chart\'s CA)');
  const ca = env.ADMIN_API_CA_FILE ? fs.readFileSync(env.ADMIN_API_CA_FILE) : undefined;
  const certDir = env.RECONCILE_CLIENT_CERTS;
  heartbeat({ heartbeatFile: env.RECONCILE_HEARTBEAT });
  const log = (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const waitSeconds = Number(env.RECONCILE_WAIT_SECONDS ?? 900);
  const { changes } = await reconcile(desired, targets, {
    log,
    waitSeconds,
    retryDelayMs: env.RECONCILE_RETRY_MS ? Number(env.RECONCILE_RETRY_MS) : undefined,
    ca,
    heartbeatFile: env.RECONCILE_HEARTBEAT,
    signal,
    runName: env.HOSTNAME || undefined,
    lock: leaseFrom(env, waitSeconds, log),
    clientCertificate: (subsystem) => {
      const name = subsystem.clientTls && subsystem.clientTls.certificateFile;
      if (!certDir || !name) return undefined;
      const file = pathLib.join(certDir, name);
      return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    },
  });
  log(changes.length === 0 ? 'in step: nothing changed' : `done: ${changes.length} change${changes.length === 1 ? '' : 's'}`);
}

if (require.main === module) {
  // SIGTERM (Job deletion, deadline, node drain) stops the run at its next request; the run
  // then revokes its API keys and releases the lock before the process exits.
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  main(process.argv.slice(2), process.env, stop.signal).then(
    () => process.exit(stop.signal.aborted ? 143 : 0),
    (err) => {
      process.stderr.write(`reconcile failed: ${stop.signal.aborted ? 'stopped by a signal; ' : ''}${err && err.message ? err.message : String(err)}\n`);
      process.exit(stop.signal.aborted ? 143 : 1);
    },
  );
}

module.exports = { reconcile, leaseLock, memoryLock, targetsFrom, envPrefix, encodeId, ReconcileError, SECURITY_SERVER_ROLES, CENTRAL_SERVER_ROLES, CONNECTION_TYPE, KEY_JOURNAL };
