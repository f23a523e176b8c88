'use strict';
/**
 * The mediator's document server: serves the OpenAPI documents a blueprint bundles to the
 * security servers, which load service descriptions only by http(s) address. Read-only:
 * GET or HEAD `/<building block>/<key>` answers the file `<root>/<building block>/<key>`
 * (each block's ConfigMap, projected), `/healthz` answers 200; anything else 404 or 405.
 * Names are checked against the ConfigMap key alphabet, so no path leaves the root.
 * Usage: node serve-documents.js <root folder> <port> [address to bind; default: all]
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const [root, port, host] = process.argv.slice(2);
if (!root || !/^[0-9]+$/.test(port ?? '')) {
  process.stderr.write('usage: node serve-documents.js <root folder> <port>\n');
  process.exit(2);
}
const name = /^[-_a-zA-Z0-9][-._a-zA-Z0-9]*$/;
const types = { '.json': 'application/json', '.yaml': 'application/yaml', '.yml': 'application/yaml' };

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://documents');
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : 'ok\n');
    return;
  }
  const parts = url.pathname.split('/').slice(1);
  if (parts.length !== 2 || !parts.every((p) => name.test(p))) {
    res.writeHead(404).end();
    return;
  }
  const file = path.join(root, parts[0], parts[1]);
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
});
server.listen(Number(port), host, () => process.stdout.write(`serving ${root} on port ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
