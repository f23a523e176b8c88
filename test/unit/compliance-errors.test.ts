import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { errorLine } from '../../src/compliance/kubectl';
import { cli, CliResult, findCachedTool, root, runCli } from './support';

/**
 * A new user's trial of `govstack compliance` and `govstack audit --compliance`: every bad
 * input or environment problem is one line on standard error and exit 2, never an internal
 * error (exit 1), a wrong diagnosis, or a silent success.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'compliance-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sandbox = path.join(root, 'blueprints', 'sandbox.yaml');
const extendsRoot = ['--extends-root', path.join(root, 'blueprints')];

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The sandbox with the compliance runner switched on (what an in-cluster run needs). */
const enabled = write('enabled.yaml', `extends: [${JSON.stringify(sandbox)}]\ncompliance:\n  enabled: true\n`);
/** The same deployment under another name, for another deployment's results. */
const other = write('other.yaml', `extends: [${JSON.stringify(sandbox)}]\nmetadata:\n  name: other-country\n`);

/** The CLI with its own environment (PATH without kubectl). */
function runCliWith(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One line on standard error, exit 2, nothing on standard output. */
function refused(r: CliResult, line: RegExp): void {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(line);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(2);
}

/** A kubectl binary: KUBECTL, the toolchain's (scripts/toolchain.sh), else one on PATH. */
function findKubectl(): string | undefined {
  const cached = findCachedTool('KUBECTL', 'kubernetes-', 'kubectl');
  if (cached) return cached;
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0 ? 'kubectl' : undefined;
}

function kubeconfig(name: string, server: string): string {
  return write(
    name,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "${server}"}}]`,
      'users: [{name: u, user: {token: not-a-secret}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
      '',
    ].join('\n'),
  );
}

describe('govstack compliance: kubectl missing or failing |', () => {
  test('kubectl not on PATH, or --kubectl naming no file: "kubectl not found", exit 2', async () => {
    const empty = mkdtempSync(path.join(dir, 'path-'));
    refused(
      await runCliWith(['compliance', enabled, ...extendsRoot], { ...process.env, PATH: empty }),
      /^govstack: kubectl not found \(no kubectl on PATH\): install it or pass --kubectl PATH\n$/,
    );
    refused(
      await runCli(['compliance', enabled, ...extendsRoot, '--kubectl', '/nonexistent/kubectl']),
      /^govstack: kubectl not found \(\/nonexistent\/kubectl: no such file\): install it or pass --kubectl PATH\n$/,
    );
  });

  test('a kubectl that fails without a word is not taken for a missing namespace', async () => {
    const silent = write('silent-kubectl', '#!/bin/sh\nexit 1\n');
    spawnSync('chmod', ['+x', silent]);
    const r = await runCli(['compliance', enabled, ...extendsRoot, '--kubectl', silent]);
    refused(r, /^govstack: \S*silent-kubectl get namespace gs-compliance exited 1 without a message\n$/);
    expect(r.stderr).not.toMatch(/has no namespace/);
  });

  test("kubectl's error line is its own message, not client-go's log lines before it", () => {
    const stderr = [
      'E1130 13:34:14.123264   11897 memcache.go:381] "Couldn\'t get current server API group list" err="dial tcp 127.0.0.1:8080: connect: connection refused"',
      'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
      '',
    ].join('\n');
    expect(errorLine(stderr)).toBe('The connection to the server localhost:8080 was refused - did you specify the right host or port?');
    expect(errorLine(stderr.split('\n')[0])).toMatch(/^E1130 /);
    expect(errorLine('\n')).toBe('');
  });

  const kubectl = findKubectl();
  if (!kubectl) {
    process.stderr.write(
      'compliance-errors.test: SKIPPED the cases run through a real kubectl (none found: KUBECTL, toolchain cache, PATH)\n',
    );
    return;
  }

  /** kubectl keeps its discovery cache here, not in the user's ~/.kube/cache. */
  const kubectlEnv = { ...process.env, KUBECACHEDIR: path.join(dir, 'kube-cache') };

  test('with the real kubectl: no cluster, a missing or garbage kubeconfig, an unknown context', async () => {
    const run = (...args: string[]) => runCliWith(['compliance', enabled, ...extendsRoot, '--kubectl', kubectl, ...args], kubectlEnv);
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const closed = kubeconfig('closed.kubeconfig', 'https://127.0.0.1:1');
    refused(await run('--kubeconfig', closed), /^govstack: kubectl could not reach the cluster: .*127\.0\.0\.1:1.*refused/);
    refused(
      await run('--kubeconfig', path.join(dir, 'no-such.kubeconfig')),
      /^govstack: kubectl could not use its kubeconfig: .*no-such\.kubeconfig/,
    );
    const garbage = write('garbage.kubeconfig', 'garbage\n');
    refused(await run('--kubeconfig', garbage), /^govstack: kubectl could not use its kubeconfig: .*garbage\.kubeconfig/);
    refused(await run('--kubeconfig', closed, '--context', 'nope'), /^govstack: kubectl could not use its kubeconfig: .*nope/);
  });

  describe('against a stand-in API server (answers as the real one does: discovery, then Status objects)', () => {
    let server: Server;
    let config: string;
    /** What the stand-in says of the runner namespace. */
    let namespace: 'absent' | 'present' | 'forbidden' = 'absent';
    const requests: string[] = [];

    const status = (res: ServerResponse, code: number, reason: string, message: string) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
    };
    const json = (res: ServerResponse, body: object) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const resource = (name: string, kind: string, namespaced: boolean) => ({
      name,
      singularName: kind.toLowerCase(),
      namespaced,
      kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'],
    });

    function answer(req: IncomingMessage, res: ServerResponse): void {
      const url = (req.url ?? '').split('?')[0];
      requests.push(`${req.method} ${url}`);
      if (url === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (url === '/apis') {
        const v1 = { groupVersion: 'batch/v1', version: 'v1' };
        return json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'batch', versions: [v1], preferredVersion: v1 }] });
      }
      if (url === '/api/v1')
        return json(res, { kind: 'APIResourceList', groupVersion: 'v1', resources: [resource('namespaces', 'Namespace', false)] });
      if (url === '/apis/batch/v1')
        return json(res, { kind: 'APIResourceList', groupVersion: 'batch/v1', resources: [resource('jobs', 'Job', true)] });
      if (url === '/api/v1/namespaces/gs-compliance') {
        if (namespace === 'absent') return status(res, 404, 'NotFound', 'namespaces "gs-compliance" not found');
        if (namespace === 'forbidden')
          return status(res, 403, 'Forbidden', 'namespaces "gs-compliance" is forbidden: User "u" cannot get resource "namespaces"');
        return json(res, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'gs-compliance' } });
      }
      const job = /^\/apis\/batch\/v1\/namespaces\/gs-compliance\/jobs\/([^/]+)$/.exec(url);
      if (job && req.method === 'DELETE')
        return status(res, 403, 'Forbidden', `jobs.batch "${job[1]}" is forbidden: User "u" cannot delete resource "jobs"`);
      status(res, 404, 'NotFound', 'the server could not find the requested resource');
    }

    beforeAll(async () => {
      server = createServer(answer);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      config = kubeconfig('stand-in.kubeconfig', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const run = () =>
      runCliWith(['compliance', enabled, ...extendsRoot, '--kubectl', kubectl, '--kubeconfig', config, '--only', 'identity'], kubectlEnv);

    test("only kubectl's NotFound answer means the runner namespace is absent", async () => {
      namespace = 'absent';
      refused(await run(), /^govstack: the cluster has no namespace gs-compliance: apply the deployment with compliance\.enabled: true/);
      expect(requests).toContain('GET /api/v1/namespaces/gs-compliance');
    });

    test('a namespace the credentials may not read is said as the cluster refusing, with its message', async () => {
      namespace = 'forbidden';
      const r = await run();
      refused(r, /^govstack: the cluster refused .*get namespace gs-compliance: Error from server \(Forbidden\): .*cannot get resource/);
      expect(r.stderr).not.toMatch(/has no namespace/);
    });

    test("a Job the credentials may not delete stops the run with the cluster's message, before anything is applied", async () => {
      namespace = 'present';
      requests.length = 0;
      refused(
        await run(),
        /^govstack: the cluster refused .*delete job: Error from server \(Forbidden\): jobs\.batch "compliance-identity" is forbidden/,
      );
      expect(requests.filter((r) => r.startsWith('POST') || r.startsWith('PATCH') || r.startsWith('PUT'))).toEqual([]);
    });
  });
});

describe('govstack compliance --only and --url name blocks of the deployment |', () => {
  test('a typo is refused with a suggestion and the valid ids, in the cluster and on the host', async () => {
    const valid = 'valid: consent, digital-registries, identity, information-mediator, messaging, payments, registration, workflow';
    const cluster = await runCli(['compliance', enabled, ...extendsRoot, '--kubectl', '/nonexistent/kubectl', '--only', 'identty']);
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toBe(
      `<command line>  /  --only: "identty" is not a building block of this deployment with a compliance suite (did you mean "identity"?); ${valid}\n1 problem; nothing was written\n`,
    );
    expect(cluster.stdout).toBe('');
    const host = await runCli(['compliance', sandbox, '--host', '--suites', dir, '--only', 'identity', '--only', 'zzz']);
    expect(host.code).toBe(2);
    expect(host.stderr).toMatch(/--only: "zzz" is not a building block of this deployment with a compliance suite; valid: consent,/);
    const url = await runCli(['compliance', sandbox, '--host', '--suites', dir, '--url', 'paymnts=http://127.0.0.1:1']);
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/--url: "paymnts" is not a building block .*\(did you mean "payments"\?\)/);
  });
});

describe('govstack audit --compliance FILE |', () => {
  const report = path.join(root, 'docs', 'compliance-run.json');

  test('a missing file, a file that is not JSON, or not a results file, is one located problem; nothing is written', async () => {
    const out = path.join(dir, 'audit.md');
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.json'), /missing\.json {2}\/ {2}cannot read \S*missing\.json: no such file$/],
      [dir, /cannot read \S+: it is a folder$/],
      [write('broken.json', '{"deployment": "sandbox",'), /broken\.json {2}\/ {2}\S*broken\.json is not JSON: /],
      [
        write('empty-object.json', '{}'),
        /empty-object\.json {2}\/deployment {2}\S+ is not a compliance results file: \/deployment must be a string; expected what govstack compliance --json writes/,
      ],
      [
        write('results-string.json', '{"deployment": "sandbox", "results": "x"}'),
        /\/results {2}\S+ is not a compliance results file: \/results must be an array/,
      ],
      [
        write(
          'bad-status.json',
          JSON.stringify({ deployment: 'sandbox', results: [{ buildingBlock: 'identity', product: 'mock', status: 'ok' }] }),
        ),
        /\/results\/0\/status {2}\S+ is not a compliance results file: \/results\/0\/status must be one of run, not-run, error/,
      ],
    ];
    for (const [file, line] of cases) {
      const r = await runCli(['audit', sandbox, '--compliance', file, '--out', out]);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr).toMatch(/\n1 problem; nothing was written\n$/);
      expect(r.stderr.split('\n')[0]).toMatch(line);
      expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    }
  });

  test("another deployment's results are refused, naming both deployments", async () => {
    const r = await runCli(['audit', other, ...extendsRoot, '--compliance', report]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(
      /compliance-run\.json {2}\/deployment {2}\S+ holds results for deployment "sandbox", not "other-country": run govstack compliance --json on this deployment$/,
    );
    expect(r.stdout).toBe('');
  });

  test("the deployment's own results are read: the api-compliance check shows them", async () => {
    const r = await runCli(['audit', sandbox, '--compliance', report, '--format', 'json']);
    expect(r.code).toBe(0);
    const check = (JSON.parse(r.stdout) as { checks: { id: string; findings: { subject: string; status: string }[] }[] }).checks.find(
      (c) => c.id === 'api-compliance',
    )!;
    expect(check.findings.find((f) => f.subject === 'building block identity')?.status).toBe('PASS');
  });
});
