import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { synthesize } from '../../src/synth/synthesize';
import { packageRoot } from '../../src/paths';
import { Cluster, eventually } from './cluster';
import { installCrds } from './control-plane';
import { nodeAddress, nodeProfile, podsOnNode } from './node-profile';
import { realNodeForTests } from './node';
import { profileBases, releasesOf, run, Timer, writeTestProfile } from './harness';
import { measureMatrix, Matrix } from './traffic';
import { XRoadStubPods } from './xroad-stub-pods';
import { readServedDocuments } from '../../src/compliance/host';

/**
 * End to end, for real, on a real node: OpenTofu with the real kubernetes and helm providers
 * (offline, from a filesystem mirror) applies each blueprint on a kubeconfig target, with
 * waits on, to a control plane with one node (kubelet, containerd, CNI, kube-proxy, CoreDNS,
 * kube-router enforcing NetworkPolicies). Every project Pod becomes Ready, each mock answers
 * through its Service, the connection graph is measured by real traffic, the stack re-plans
 * with no changes, destroys with its Pods running, and the machine is left as it was.
 */
const examples = readdirSync(path.join(packageRoot, 'blueprints', 'examples'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => path.join(packageRoot, 'blueprints', 'examples', f));
const onKubeconfig = [path.join(packageRoot, 'blueprints', 'sandbox.yaml'), ...examples].filter(
  (file) => loadModels([file])[0].target.kind === 'kubeconfig',
);
const reportFile = path.join(packageRoot, 'e2e-report.json');

const report: { node?: Record<string, unknown>; blueprints: Record<string, any>[] } = { blueprints: [] };
const { work, env, node } = realNodeForTests('apply', () => writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n'));
const cluster = new Cluster(node.kubeconfig, env);

beforeAll(() => {
  report.node = { startupSeconds: node.startupSeconds(), images: node.images.map((i) => i.name) };
  // The upstream controllers are preinstalled in the test profile; their CRDs make the project's
  // gateway and monitoring objects real API objects (the charts require them: requireCrds).
  installCrds(node.kubeconfig, env);
}, 300_000);

/** Synthesise a blueprint into its own folder and return the stack folder. */
function synthStack(blueprint: string, out: string): string {
  const [stack] = synthesize(loadModels([blueprint], profileBases), out);
  return path.dirname(stack.file);
}

function tofu(dir: string, ...args: string[]) {
  return run('tofu', [...args, '-no-color'], { cwd: dir, env, okCodes: args[0] === 'plan' ? [2] : [] });
}

describe.each(onKubeconfig.map((f) => [path.basename(f), f]))('%s on a real node |', (name, blueprint) => {
  const timer = new Timer();
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  let stackDir = '';
  let profile = '';
  let namespaces: string[] = [];
  const entry: Record<string, any> = { blueprint: name };
  report.blueprints.push(entry);

  test('the full stack (upstream charts included) initialises offline and validates', () => {
    const full = timer.run('synth', () => synthStack(blueprint, path.join(dir, 'full')));
    timer.run('init', () => tofu(full, 'init', '-input=false', '-backend=false')); // its remote state is the country's, not ours
    timer.run('validate', () => tofu(full, 'validate'));
  }, 600_000);

  test('the test profile applies with waits on, every project Pod Ready, and re-plans with no changes', () => {
    const { overlay, notRun } = nodeProfile(blueprint);
    profile = writeTestProfile(blueprint, node.kubeconfig, dir, overlay);
    entry.notRun = notRun;
    stackDir = synthStack(profile, path.join(dir, 'profile'));
    tofu(stackDir, 'init', '-input=false');
    timer.run('plan', () => tofu(stackDir, 'plan', '-input=false', '-out=plan.tfplan'));
    timer.run('apply', () => tofu(stackDir, 'apply', '-input=false', '-auto-approve', 'plan.tfplan'));
    const replan = timer.run('replan', () => tofu(stackDir, 'plan', '-input=false', '-detailed-exitcode'));
    expect(replan.stdout).toContain('No changes.');
    expect(replan.code).toBe(0);

    const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    namespaces = Object.values(json.resource.kubernetes_namespace_v1 as Record<string, any>).map((n) => n.metadata.name);
    const releases = releasesOf(path.join(stackDir, 'cdk.tf.json'));
    const deployed = cluster.helmReleases();
    for (const r of releases)
      expect(deployed).toContainEqual(expect.objectContaining({ name: r.name, namespace: r.namespace, status: 'deployed' }));
    // Waits were on: every Pod of a release that waits is Ready now, not eventually.
    const waited = new Set(notRun.map((n) => n.namespace));
    const pods = cluster.list('pods').filter((p) => namespaces.includes(p.metadata.namespace) && !waited.has(p.metadata.namespace));
    const notReady = pods.filter(
      (p) => p.status.phase !== 'Succeeded' && !p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(notReady.map((p) => `${p.metadata.namespace}/${p.metadata.name}: ${p.status.phase}`)).toEqual([]);
    expect(pods.length).toBeGreaterThan(0);
    entry.podsReady = pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    entry.releasesApplied = releases.map((r) => `${r.namespace}/${r.name}`).sort();
    entry.resourcesApplied = Object.values(json.resource as Record<string, object>).reduce(
      (n, byType) => n + Object.keys(byType).length,
      0,
    );
  }, 1_800_000);

  test("the mediator's reconcile Job completes against the X-Road admin API stub, and a second run changes nothing", async () => {
    const model = loadModels([profile], profileBases)[0];
    expect(model.mediator.securityServers.length).toBeGreaterThan(0);
    const stubs = new XRoadStubPods(node.kubeconfig, env, model.mediator.namespace);
    await stubs.start();
    // The chart's Job has been running since the apply, waiting for the admin APIs to answer.
    const job = stubs.chartJob();
    const first = stubs.runOf(await stubs.complete(job.metadata.name, 900));
    const again = stubs.rerun(job);
    const second = stubs.runOf(await stubs.complete(again, 600));
    const servers = [
      ...model.mediator.securityServers.map((s) => s.name),
      ...(model.mediator.centralServer ? ['central-server'] : []),
    ].sort();
    entry.reconcile = {
      stubs: stubs.pods,
      first: { job: job.metadata.name, ...first, mutating: first.mutating.length, changes: [...new Set(first.mutating)].sort() },
      second: { job: again, ...second, mutating: second.mutating },
    };
    process.stdout.write(
      `[e2e] ${name}: reconcile against ${stubs.pods.length} stub servers: first run ${first.requests} requests, ${first.mutating.length} changing; ` +
        `second run ${second.requests} requests, ${second.mutating.length} changing; ${first.violations.length + second.violations.length} contract violations\n`,
    );
    for (const run of [first, second]) {
      expect(run.violations).toEqual([]);
      expect(run.servers).toEqual(servers);
      expect(Object.values(run.liveKeysAfter).every((n) => n === 0)).toBe(true);
    }
    expect(first.mutating.length).toBeGreaterThan(0);
    expect(second.mutating).toEqual([]);
  }, 1_800_000);

  test('each mock answers its health path and one request of every document it serves through its Service', async () => {
    const model = loadModels([profile], profileBases)[0];
    const mocks = model.buildingBlocks.filter((b) => b.product.kind === 'image');
    expect(mocks.length).toBeGreaterThan(0);
    const answers: string[] = [];
    const tcpHealth = new Set<string>();
    const documents: Record<string, string> = {};
    for (const block of mocks) {
      if (block.product.kind !== 'image') continue;
      const base = `http://${block.serviceName}.${block.namespace}.svc.cluster.local:${block.servicePort}`;
      // A product whose catalog says no HTTP probe can pass (healthCheck tcp: messaging's example
      // environment answers 405 to a GET without headers a probe cannot send) must still answer
      // HTTP through its Service; every other one answers 2xx.
      if (block.product.healthCheck) tcpHealth.add(block.id);
      const accept = tcpHealth.has(block.id) ? /^[1-4]\d\d / : /^2\d\d /;
      // What the init container merged: one line per document, with a request that reaches it
      // (the same in every replica).
      const kubectl = (...args: string[]) =>
        run('kubectl', ['--kubeconfig', node.kubeconfig, '-n', block.namespace, ...args], { env }).stdout;
      const pods = block.servedDocuments
        ? kubectl('get', 'pods', '-l', `govstack.global/building-block=${block.id}`, '-o', 'name').split('\n').filter(Boolean)
        : [];
      expect(pods.length).toBe(block.servedDocuments ? block.replicas : 0);
      const perPod = pods.map((pod) => readServedDocuments(kubectl('logs', pod, '-c', 'merge-documents', '--tail=-1')));
      const served = perPod[0] ?? [];
      for (const other of perPod) expect(other).toEqual(served);
      expect(served.map((d) => d.document)).toEqual(block.servedDocuments ?? []);
      // API files that repeat mapping keys are served too, re-read with exactly the keys the catalog records.
      const files = block.product.documents?.files ?? [];
      expect(served.flatMap((d, i) => (d.duplicateKeys ? [{ file: files[i].file, keys: d.duplicateKeys }] : []))).toEqual(
        block.entry.apis
          .filter((a) => a.duplicateKeys && files.some((f) => f.file === a.file))
          .map((a) => ({ file: a.file, keys: a.duplicateKeys!.map((k) => ({ pointer: k.pointer, lines: k.lines })) })),
      );
      const exampleFirst = block.product.documents?.files[0]?.kind === 'mockoon-environment';
      // The example's own answers depend on its request rules: the health path is its request.
      const requests = served.flatMap((d, i) =>
        i === 0 && exampleFirst ? [] : [{ ...d.sample!, url: `${base}${d.sample!.path}`, accept }],
      );
      // From a probe in the block's own namespace: Service, cluster DNS and the mock itself.
      const [health, ...perDocument] = await podsOnNode.requestAll(node.kubeconfig, env, block.namespace, [
        { method: 'GET', url: `${base}${block.product.healthPath}`, accept },
        ...requests,
      ]);
      answers.push(`${block.id} ${health}`);
      const byDocument = served.map((d, i) =>
        i === 0 && exampleFirst
          ? `${health} GET ${block.product.kind === 'image' ? block.product.healthPath : ''}`
          : `${perDocument[i - (exampleFirst ? 1 : 0)]} ${d.sample!.method} ${d.sample!.path}`,
      );
      documents[block.id] = `${served.length} documents answered: ${byDocument.join('; ')}`;
      process.stdout.write(`[e2e] ${name}: ${block.id} ${documents[block.id]}\n`);
    }
    entry.mockHealth = answers;
    entry.mockDocuments = documents;
    expect(answers.filter((a) => !tcpHealth.has(a.split(' ')[0])).every((a) => / 2\d\d /.test(`${a} `))).toBe(true);
    expect(answers.filter((a) => tcpHealth.has(a.split(' ')[0])).every((a) => / [1-4]\d\d /.test(`${a} `))).toBe(true);
  }, 1_200_000);

  test('the measured traffic matrix equals the connection graph (0 mismatches)', async () => {
    const model = loadModels([profile], profileBases)[0];
    const matrix: Matrix = await measureMatrix(model, node.kubeconfig, env, nodeAddress);
    entry.traffic = {
      allowedAsDeclared: matrix.allowedAsDeclared,
      blockedAsDeclared: matrix.blockedAsDeclared,
      mismatches: matrix.mismatches,
      notRun: matrix.notRun,
      seconds: matrix.seconds,
    };
    process.stdout.write(
      `[e2e] ${name}: traffic matrix ${matrix.allowedAsDeclared} allowed as declared, ${matrix.blockedAsDeclared} blocked as declared, ` +
        `${matrix.mismatches.length} mismatches, ${matrix.notRun.length} not run, ${matrix.seconds.toFixed(1)}s\n` +
        matrix.mismatches.map((m) => `  MISMATCH ${m.id}: expected ${m.expect}, measured ${m.measured} (${m.from} -> ${m.to})\n`).join(''),
    );
    expect(matrix.mismatches).toEqual([]);
    expect(matrix.allowedAsDeclared).toBeGreaterThan(0);
    expect(matrix.blockedAsDeclared).toBeGreaterThan(0);
  }, 900_000);

  test('destroy with running Pods completes: no namespace stuck, no container or mount left on the node', async () => {
    timer.run('destroy', () => tofu(stackDir, 'destroy', '-input=false', '-auto-approve'));
    await eventually(
      180,
      () => (cluster.namespaces('app.kubernetes.io/managed-by=govstack-blueprint').length === 0 ? true : undefined),
      'namespaces to be gone',
    );
    expect(cluster.helmReleases().filter((r) => namespaces.includes(r.namespace))).toEqual([]);
    const left = await eventually(
      60,
      () => {
        const found = podsOnNode.containersIn(node.dir, env, namespaces);
        return found.containers.length === 0 && found.mounts.length === 0 ? found : undefined;
      },
      "the node to remove the stack's containers and mounts",
    );
    expect(left.containers).toEqual([]);
    entry.seconds = timer.seconds;
    const summary = Object.entries(timer.seconds)
      .map(([phase, s]) => `${phase} ${s!.toFixed(1)}s`)
      .join(', ');
    process.stdout.write(`[e2e] ${name}: ${summary}\n`);
  }, 900_000);
});

test('the e2e report names every component that was not run, with the reason', () => {
  for (const b of report.blueprints) for (const n of b.notRun ?? []) expect(n.reason).toMatch(/\S{10,}/);
  expect(existsSync(node.kubeconfig)).toBe(true);
});
