'use strict';
/**
 * Serves every document of a mock from one Mockoon environment on one port: imports each
 * document with Mockoon's own importer (`mockoon-cli import`: an OpenAPI 2/3 file becomes an
 * environment, a Mockoon environment is migrated to the CLI's version), then merges the
 * environments in the order given. A Mockoon environment listens on one port of its own, so
 * two cannot share the building block's single port; one merged environment can.
 *
 * Merge rules (`merge`):
 * - each route's endpoint carries its own environment's `endpointPrefix` (an OpenAPI file's
 *   `servers[0].url` path), so the merged environment has none;
 * - routes keep the order of the documents, so the first document's routes (GovStack's example
 *   environment, when there is one) are matched first and its request rules win;
 * - a route whose method and path (parameter names and letter case ignored, as Mockoon matches
 *   paths) an earlier route already has is left out: Mockoon would never reach it;
 * - environment-wide headers of every document but the first are copied onto its own routes'
 *   responses (a response's header wins); data buckets and callbacks are kept, and their ids
 *   must not collide; every other setting (latency, CORS, TLS, proxy) is the first document's.
 *
 * A document whose YAML repeats a mapping key (YAML 1.2 forbids it; several of GovStack's
 * payments files do) is refused by the importer, whose YAML parser (`yaml`, a dependency of
 * @mockoon/commons) rejects duplicate keys. Such a document, and only such a one (every other
 * refusal stays an error), is re-read with that same parser allowing duplicates, later keys
 * winning as in JSON.parse, and the JSON it converts to is imported instead; its report line
 * lists each repeated key (`duplicateKeys`: JSON pointer and 1-based lines), so the log says
 * what the later key replaced.
 *
 * Usage: node merge-mockoon.js [--mockoon <mockoon-cli>] --output <file> <document>...
 *   <document>: a path or http(s) address, as `mockoon-cli import --input` takes it.
 *   --mockoon: the CLI to import with (default: `mockoon-cli` on PATH); a `.js` file is run
 *   with this Node.js.
 * Prints one JSON line per document, {document, routes, alreadyServed, sample: {method, path},
 * duplicateKeys?} (`sample`: its first GET route, else its first route, parameters set to `1`:
 * a request any consumer can make to see the document served), then writes the merged
 * environment to <file>. Exits 1 on any failure, 2 on bad usage.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

/** `METHOD /path` of a route as Mockoon matches it: slashes deduplicated, parameter names and letter case ignored. */
function routeKey(method, endpoint) {
  const p = `/${endpoint}`
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '')
    .replace(/:[A-Za-z0-9_]+/g, ':')
    .toLowerCase();
  return `${method.toLowerCase()} ${p || '/'}`;
}

/** `endpoint` under `prefix`, joined as Mockoon joins them (slashes deduplicated), without the leading slash. */
function prefixed(prefix, endpoint) {
  return `/${prefix || ''}/${endpoint}`.replace(/\/{2,}/g, '/').replace(/^\//, '');
}

/** A request that reaches one of `routes` (the first GET, else the first route): `:name` parameters set to `1`, any query part dropped. */
function sampleRequest(routes) {
  const route = routes.find((r) => r.method === 'get') ?? routes[0];
  if (!route) return undefined;
  const p = `/${route.endpoint}`.replace(/\?.*$/, '').replace(/:[A-Za-z0-9_]+/g, '1').replace(/\/{2,}/g, '/');
  return { method: route.method.toUpperCase(), path: p };
}

/**
 * Merges imported Mockoon environments into one (rules above).
 * @param {{name: string, environment: object}[]} imported documents in serving order
 * @returns {{environment: object, report: {document: string, routes: number, alreadyServed: number, sample?: {method: string, path: string}}[]}}
 * @throws Error when no environment is given, or data buckets or callbacks of two documents share an id
 */
function merge(imported) {
  if (imported.length === 0) throw new Error('no environment to merge');
  const first = imported[0].environment;
  const routes = [];
  const data = [];
  const callbacks = [];
  const seen = new Set();
  const report = [];
  for (const [index, { name, environment }] of imported.entries()) {
    for (const bucket of environment.data ?? []) {
      if (data.some((b) => b.id === bucket.id || b.uuid === bucket.uuid)) throw new Error(`${name}: data bucket id ${bucket.id} is already used`);
      data.push(bucket);
    }
    for (const callback of environment.callbacks ?? []) {
      if (callbacks.some((c) => c.uuid === callback.uuid || c.id === callback.id))
        throw new Error(`${name}: callback id ${callback.id} is already used`);
      callbacks.push(callback);
    }
    const shared = index === 0 ? [] : (environment.headers ?? []);
    let added = 0;
    let leftOut = 0;
    const routesOfDocument = [];
    for (const route of environment.routes ?? []) {
      const endpoint = prefixed(environment.endpointPrefix, route.endpoint);
      const key = routeKey(route.method, endpoint);
      routesOfDocument.push({ method: route.method, endpoint });
      if (seen.has(key)) {
        leftOut++;
        continue;
      }
      seen.add(key);
      added++;
      const responses = (route.responses ?? []).map((r) => {
        const own = new Set((r.headers ?? []).map((h) => h.key.toLowerCase()));
        return { ...r, headers: [...(r.headers ?? []), ...shared.filter((h) => !own.has(h.key.toLowerCase()))] };
      });
      routes.push({ ...route, endpoint, responses });
    }
    report.push({ document: name, routes: added, alreadyServed: leftOut, sample: sampleRequest(routesOfDocument) });
  }
  const environment = {
    ...first,
    endpointPrefix: '',
    routes,
    data,
    callbacks,
    folders: [],
    rootChildren: routes.map((r) => ({ type: 'route', uuid: r.uuid })),
  };
  return { environment, report };
}

/** The command that runs `cli`: a `.js` file (the npm bin's target) is run with this Node.js, so no shebang lookup is needed. */
function cliCommand(cli) {
  let found = cli;
  if (!cli.includes('/')) {
    const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
    found = dirs.map((d) => path.join(d, cli)).find((p) => fs.existsSync(p));
    if (!found) throw new Error(`${cli} is not on PATH (${process.env.PATH ?? ''})`);
  }
  const real = fs.realpathSync(found);
  return real.endsWith('.js') ? [process.execPath, real] : [real];
}

/**
 * Imports one document with Mockoon's importer.
 * @returns {{ environment?: object, refusal?: string }} the environment it wrote, or why the importer refused the document
 * @throws Error when the importer cannot be run
 */
function importDocument(command, document, out) {
  const run = spawnSync(command[0], [...command.slice(1), 'import', '--input', document, '--output', out], { encoding: 'utf8' });
  if (run.error) throw new Error(`${command.join(' ')}: ${run.error.message}`);
  if (run.status !== 0) return { refusal: `importing ${document} failed (exit ${run.status}): ${(run.stderr || run.stdout).trim()}` };
  return { environment: JSON.parse(fs.readFileSync(out, 'utf8')) };
}

/**
 * The YAML parser Mockoon's own OpenAPI converter uses: `yaml` as @mockoon/commons resolves it
 * from the CLI's installation (nothing is installed besides the CLI).
 * @throws Error when the CLI is not a Node.js script (no installation to resolve from)
 */
function mockoonYaml(command) {
  const cliScript = command[command.length - 1];
  if (!cliScript.endsWith('.js')) throw new Error(`${cliScript} is not Mockoon's Node.js CLI: no YAML parser of its own to re-read a document with`);
  const fromCli = createRequire(cliScript);
  return createRequire(fromCli.resolve('@mockoon/commons'))('yaml');
}

/** The text of a document, read as `mockoon-cli import` reads it (http(s) address or path). */
async function readDocument(document) {
  if (/^https?:/.test(document)) {
    const res = await fetch(document);
    if (!res.ok) throw new Error(`fetching ${document}: HTTP ${res.status}`);
    return res.text();
  }
  return fs.readFileSync(document, 'utf8');
}

/** JSON pointer of `keys` (RFC 6901 escapes). */
function pointer(keys) {
  return keys.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Mapping keys `text` repeats: JSON pointer of each and the 1-based lines of its occurrences,
 * in document order; `undefined` when the text has any other YAML error (or none at all),
 * so only a document refused for duplicate keys alone is read leniently.
 */
function duplicateKeysOf(YAML, text) {
  const strict = YAML.parseDocument(text);
  if (strict.errors.length === 0 || strict.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return undefined;
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) return undefined;
  const found = [];
  const walk = (node, keys) => {
    if (YAML.isMap(node)) {
      const seen = new Map();
      for (const pair of node.items) {
        const key = YAML.isScalar(pair.key) ? pair.key.value : String(pair.key);
        const line = lines.linePos(pair.key.range[0]).line;
        const entry = seen.get(key);
        if (entry) entry.lines.push(line);
        else seen.set(key, { pointer: pointer([...keys, key]), lines: [line] });
        walk(pair.value, [...keys, key]);
      }
      for (const entry of seen.values()) if (entry.lines.length > 1) found.push(entry);
    } else if (YAML.isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...keys, i]));
    }
  };
  walk(doc.contents, []);
  return found.sort((a, b) => a.lines[0] - b.lines[0]);
}

/**
 * Imports a document; one the importer refuses only because it repeats mapping keys is re-read
 * with Mockoon's YAML parser allowing them (later keys win, as in JSON.parse) and imported as JSON.
 * @returns {Promise<{ environment: object, duplicateKeys?: { pointer: string, lines: number[] }[] }>}
 * @throws Error with the importer's refusal for any other document it refuses
 */
async function importLeniently(command, document, out) {
  const first = importDocument(command, document, out);
  if (first.environment) return { environment: first.environment };
  const YAML = mockoonYaml(command);
  const text = await readDocument(document);
  const duplicateKeys = duplicateKeysOf(YAML, text);
  if (!duplicateKeys || duplicateKeys.length === 0) throw new Error(first.refusal);
  const converted = `${out}.lenient.json`;
  fs.writeFileSync(converted, JSON.stringify(YAML.parse(text, { uniqueKeys: false })));
  const second = importDocument(command, converted, out);
  if (!second.environment) throw new Error(`${first.refusal}; read with later duplicate keys winning, it was refused again: ${second.refusal}`);
  return { environment: second.environment, duplicateKeys };
}

async function main(argv) {
  let cli = 'mockoon-cli';
  let output;
  const documents = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--mockoon') cli = argv[++i];
    else if (argv[i] === '--output') output = argv[++i];
    else documents.push(argv[i]);
  }
  if (!output || !cli || documents.length === 0) {
    process.stderr.write('usage: node merge-mockoon.js [--mockoon <mockoon-cli>] --output <file> <document>...\n');
    return 2;
  }
  // Beside the output: the only folder the init container can write.
  const work = fs.mkdtempSync(path.join(path.dirname(path.resolve(output)), '.merge-mockoon-'));
  try {
    const command = cliCommand(cli);
    const imported = [];
    for (const [i, document] of documents.entries())
      imported.push({ name: document, ...(await importLeniently(command, document, path.join(work, `${i}.json`))) });
    const { environment, report } = merge(imported);
    fs.writeFileSync(output, JSON.stringify(environment));
    for (const [i, r] of report.entries()) {
      const { duplicateKeys } = imported[i];
      process.stdout.write(`${JSON.stringify(duplicateKeys ? { ...r, duplicateKeys } : r)}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`merge-mockoon: ${e.message}\n`);
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module)
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });

module.exports = { merge, routeKey, prefixed, sampleRequest, duplicateKeysOf };
