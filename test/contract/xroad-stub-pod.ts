import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { XRoadStub } from './xroad-stub';

/**
 * The X-Road admin API stub as one server of a cluster: the end-to-end tests run this file
 * (compiled, from a ConfigMap) in a Pod carrying the labels of a security server or of the
 * central server, so the chart's own Service and NetworkPolicies lead the reconcile Job to it.
 * It serves that one server's admin API at the root over HTTPS with the certificate the chart
 * generated for it, and writes one JSON line per answered request to stdout (method, path
 * template, operation, status, the client's User-Agent, the API keys still valid, and any
 * contract violation), which is what the tests read back. Request bodies are never written:
 * they carry token PINs.
 *
 * Environment: STUB_SERVER (security server name, or `central-server`), STUB_INSTANCE,
 * STUB_ADMIN_USER and STUB_ADMIN_PASSWORD (the chart's generated credentials), STUB_TLS_DIR
 * (tls.crt and tls.key), STUB_PORT (the admin port), STUB_GLOBAL_SUBSYSTEMS (JSON array of
 * subsystem ids the global configuration knows: the central server runs in another Pod),
 * STUB_ANCHOR_IMPORTED (`true` when the instance's central server is elsewhere and importing
 * its anchor is the operator's step).
 */
function need(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const server = need('STUB_SERVER');
  const credentials = { user: need('STUB_ADMIN_USER'), password: need('STUB_ADMIN_PASSWORD') };
  const tlsDir = need('STUB_TLS_DIR');
  const central = server === 'central-server';
  const stub = await XRoadStub.start({
    instance: need('STUB_INSTANCE'),
    securityServers: central ? [] : [{ name: server, credentials, anchor: process.env.STUB_ANCHOR_IMPORTED === 'true' }],
    ...(central ? { centralServer: { credentials } } : {}),
    globalSubsystems: JSON.parse(process.env.STUB_GLOBAL_SUBSYSTEMS ?? '[]'),
    idleMs: 0,
    tls: { key: readFileSync(path.join(tlsDir, 'tls.key'), 'utf8'), cert: readFileSync(path.join(tlsDir, 'tls.crt'), 'utf8') },
    listen: { host: '0.0.0.0', port: Number(need('STUB_PORT')) },
    single: server,
  });
  const write = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
  stub.onRecorded = (r, violations) =>
    write({
      server: r.server,
      method: r.method,
      template: r.template,
      operationId: r.operationId,
      status: r.status,
      agent: r.agent ?? '',
      liveKeys: stub.liveKeys(),
      violations,
    });
  write({ server, listening: stub.port });
  // The stub's server does not hold the process open by itself (it is unref'd for the unit tests).
  const alive = setInterval(() => undefined, 1 << 30);
  const stop = () => {
    clearInterval(alive);
    void stub.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`xroad stub: ${err.message}\n`);
  process.exit(1);
});
