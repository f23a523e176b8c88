/**
 * Preloaded into a GovStack compliance suite (`node --require <this file>`): sends the requests
 * the suite addresses to its hard-coded base URL (`http://localhost:3333/`, some `https://…`) to
 * the building block under test instead, without editing a line of the suite.
 *
 * `GOVSTACK_COMPLIANCE_REDIRECT` holds `from=to` pairs separated by commas: `from` is the
 * `host:port` the suite calls (any scheme), `to` the base URL of the deployment, e.g.
 * `localhost:3333=http://identity.gs-identity.svc:8080`. A request to `https://from` is sent
 * with the scheme of `to`, so suites that hard-code `https://` reach a plain-HTTP Service.
 *
 * Both Node's `http`/`https` modules and its global `fetch` are redirected. Only Node's built-in
 * modules are used: the file runs inside the suite's own dependency tree.
 */
import http = require('http');
import https = require('https');

interface Target {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number;
  readonly pathPrefix: string;
}

/** Parses `from=to,…` into a map from `host:port` to its target; throws on a malformed pair. */
export function parseRedirects(spec: string): Map<string, Target> {
  const map = new Map<string, Target>();
  for (const pair of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`GOVSTACK_COMPLIANCE_REDIRECT: "${pair}" is not from=to`);
    const from = pair.slice(0, eq).toLowerCase();
    const to = new URL(pair.slice(eq + 1));
    if (to.protocol !== 'http:' && to.protocol !== 'https:') throw new Error(`GOVSTACK_COMPLIANCE_REDIRECT: ${to.href} is not http(s)`);
    const port = to.port ? Number(to.port) : to.protocol === 'https:' ? 443 : 80;
    map.set(from, { protocol: to.protocol, hostname: to.hostname, port, pathPrefix: to.pathname.replace(/\/$/, '') });
  }
  return map;
}

type RequestFn = typeof http.request;

function hostKey(options: http.RequestOptions, defaultPort: number): string {
  const host = String(options.hostname ?? options.host ?? 'localhost')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  const port = options.port ? Number(options.port) : defaultPort;
  return `${host}:${port}`;
}

/** `url` itself, or the URL it goes to when its `host:port` is redirected. */
export function rewriteUrl(redirects: Map<string, Target>, url: URL): URL {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url;
  const target = redirects.get(hostKey({ hostname: url.hostname, port: url.port || undefined }, url.protocol === 'https:' ? 443 : 80));
  if (!target) return url;
  return new URL(`${target.protocol}//${target.hostname}:${target.port}${target.pathPrefix}${url.pathname}${url.search}`);
}

/**
 * Replaces the global `fetch` (Node's built-in client, which some suites call instead of
 * `http`) so requests to a redirected address go to their target; a `Request` keeps its
 * method, headers and body.
 */
export function installFetch(redirects: Map<string, Target>): void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return;
  globalThis.fetch = function fetch(input: string | URL | Request, init?: RequestInit) {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const to = rewriteUrl(redirects, url);
    if (to === url) return original(input, init);
    return original(input instanceof Request ? new Request(to, input) : to, init);
  } as typeof globalThis.fetch;
}

/** Replaces `request` and `get` of both modules so matching requests go to their target. */
export function install(redirects: Map<string, Target>): void {
  const original = { 'http:': http.request, 'https:': https.request };
  const wrap = (scheme: 'http:' | 'https:'): RequestFn =>
    function request(this: unknown, ...args: unknown[]) {
      let options: http.RequestOptions;
      let rest: unknown[];
      if (typeof args[0] === 'string' || args[0] instanceof URL) {
        const url = new URL(String(args[0]));
        const extra =
          typeof args[1] === 'object' && args[1] !== null && typeof args[1] !== 'function' ? (args[1] as http.RequestOptions) : {};
        options = {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          path: url.pathname + url.search,
          ...extra,
        };
        rest = args.slice(extra === args[1] ? 2 : 1);
      } else {
        options = { ...(args[0] as http.RequestOptions) };
        rest = args.slice(1);
      }
      const target = redirects.get(hostKey(options, scheme === 'https:' ? 443 : 80));
      if (!target) return (original[scheme] as (...a: unknown[]) => http.ClientRequest)(...args);
      const rewritten: http.RequestOptions = {
        ...options,
        protocol: target.protocol,
        hostname: target.hostname,
        host: undefined,
        port: target.port,
        path: target.pathPrefix + (options.path ?? '/'),
        headers: { ...(options.headers ?? {}), host: `${target.hostname}:${target.port}` },
      };
      if (target.protocol !== scheme) delete rewritten.agent;
      return (original[target.protocol] as (...a: unknown[]) => http.ClientRequest)(rewritten, ...rest);
    } as RequestFn;
  for (const [mod, scheme] of [
    [http, 'http:'],
    [https, 'https:'],
  ] as const) {
    const request = wrap(scheme);
    mod.request = request;
    mod.get = ((...args: Parameters<RequestFn>) => {
      const req = request(...args);
      req.end();
      return req;
    }) as typeof http.get;
  }
}

const spec = process.env.GOVSTACK_COMPLIANCE_REDIRECT;
if (spec) {
  const redirects = parseRedirects(spec);
  install(redirects);
  installFetch(redirects);
}
