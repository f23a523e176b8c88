import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { synthesize } from '../../src/synth/synthesize';
import { packageRoot } from '../../src/paths';
import { Cluster, eventually } from './cluster';
import { controlPlaneForTests } from './control-plane';
import { releasesOf, run, Timer, writeTestProfile } from './harness';

/**
 * End to end, for real: OpenTofu with the real kubernetes and helm providers (offline, from a
 * filesystem mirror) applies each blueprint on a kubeconfig target to a real kube-apiserver
 * with Pod Security admission and the controller manager, reads everything back, re-plans
 * (no changes), destroys, and checks that nothing is left behind.
 */
const examples = readdirSync(path.join(packageRoot, 'blueprints', 'examples')).map((f) => path.join(packageRoot, 'blueprints', 'examples', f));
const onKubeconfig = [path.join(packageRoot, 'blueprints', 'sandbox.yaml'), ...examples].filter((file) => loadModels([file])[0].target.kind === 'kubeconfig');
const reportFile = path.join(packageRoot, 'e2e-report.json');

const report: Record<string, unknown>[] = [];
const { work, env, plane } = controlPlaneForTests('apply', () => writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n'));
const cluster = new Cluster(plane.kubeconfig, env);

beforeAll(() => {
  // The upstream controllers are preinstalled in the test profile; their CRDs make the project's
  // gateway and monitoring objects real API objects, checked by the server.
  plane.installCrds();
});

/** Synthesise a blueprint into its own folder and return the stack folder. */
function synthStack(blueprint: string, out: string): string {
  const [stack] = synthesize(loadModels([blueprint]), out);
  return path.dirname(stack.file);
}

function tofu(dir: string, ...args: string[]) {
  return run('tofu', [...args, '-no-color'], { cwd: dir, env, okCodes: args[0] === 'plan' ? [2] : [] });
}

describe.each(onKubeconfig.map((f) => [path.basename(f), f]))('%s on a real control plane |', (name, blueprint) => {
  const timer = new Timer();
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  let stackDir = '';
  let namespaces: string[] = [];

  test('the full stack (upstream charts included) initialises offline and validates', () => {
    const full = timer.run('synth', () => synthStack(blueprint, path.join(dir, 'full')));
    timer.run('init', () => tofu(full, 'init', '-input=false', '-backend=false')); // its remote state is the country's, not ours
    timer.run('validate', () => tofu(full, 'validate'));
  });

  test('the test profile plans, applies, and re-plans with no changes', () => {
    const profile = writeTestProfile(blueprint, plane.kubeconfig, dir);
    stackDir = synthStack(profile, path.join(dir, 'profile'));
    tofu(stackDir, 'init', '-input=false');
    tofu(stackDir, 'validate');
    timer.run('plan', () => tofu(stackDir, 'plan', '-input=false', '-out=plan.tfplan'));
    timer.run('apply', () => tofu(stackDir, 'apply', '-input=false', '-auto-approve', 'plan.tfplan'));
    const replan = timer.run('replan', () => tofu(stackDir, 'plan', '-input=false', '-detailed-exitcode'));
    expect(replan.stdout).toContain('No changes.');
    expect(replan.code).toBe(0);
  });

  test('the API server holds every declared namespace, workload, service, account, policy and release', async () => {
    const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    const declaredNs = Object.values(json.resource.kubernetes_namespace_v1 as Record<string, any>);
    namespaces = declaredNs.map((n) => n.metadata.name);
    const live = new Map(cluster.namespaces('app.kubernetes.io/managed-by=govstack-blueprint').map((n) => [n.metadata.name, n]));
    for (const ns of declaredNs) {
      const found = live.get(ns.metadata.name);
      expect(found).toBeDefined();
      for (const [label, value] of Object.entries(ns.metadata.labels)) expect(found.metadata.labels[label]).toBe(value);
    }
    const byName = (items: any[]) => new Set(items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`));
    const accounts = byName(cluster.list('serviceaccounts'));
    const policies = byName(cluster.list('networkpolicies'));
    const nsOf = (ref: string) => (/kubernetes_namespace_v1\.([^.]+)\./.exec(ref) ? json.resource.kubernetes_namespace_v1[/kubernetes_namespace_v1\.([^.]+)\./.exec(ref)![1]].metadata.name : ref);
    for (const sa of Object.values(json.resource.kubernetes_service_account_v1 as Record<string, any>)) expect(accounts.has(`${nsOf(sa.metadata.namespace)}/${sa.metadata.name}`)).toBe(true);
    for (const np of Object.values(json.resource.kubernetes_network_policy_v1 as Record<string, any>)) expect(policies.has(`${nsOf(np.metadata.namespace)}/${np.metadata.name}`)).toBe(true);

    const releases = releasesOf(path.join(stackDir, 'cdk.tf.json'));
    const deployed = cluster.helmReleases();
    for (const r of releases) expect(deployed).toContainEqual(expect.objectContaining({ name: r.name, namespace: r.namespace, status: 'deployed' }));

    const deployments = cluster.list('deployments').filter((d) => namespaces.includes(d.metadata.namespace));
    const services = byName(cluster.list('services'));
    const generic = releases.filter((r) => r.chart.includes('govstack-building-block'));
    for (const r of generic) {
      expect(deployments.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toContain(`${r.namespace}/${r.name}`);
      expect(services.has(`${r.namespace}/${r.name}`)).toBe(true);
    }
    const fullReleases = releasesOf(path.join(dir, 'full', 'stacks', loadModels([blueprint])[0].name, 'cdk.tf.json'));
    report.push({
      blueprint: name,
      resourcesApplied: Object.values(json.resource as Record<string, object>).reduce((n, byType) => n + Object.keys(byType).length, 0),
      releasesApplied: releases.map((r) => `${r.namespace}/${r.name}`).sort(),
      releasesValidatedOnly: fullReleases.filter((r) => !r.local).map((r) => `${r.namespace}/${r.name} (${r.chart})`).sort(),
      seconds: timer.seconds,
    });
  });

  test('every workload creates its Pods with no Pod Security violation', async () => {
    const deployments = cluster.list('deployments').filter((d) => namespaces.includes(d.metadata.namespace));
    expect(deployments.length).toBeGreaterThan(0);
    // The controller manager turns Deployments into ReplicaSets and Pods asynchronously.
    await eventually(120, () => {
      const pods = cluster.list('pods').filter((p) => namespaces.includes(p.metadata.namespace));
      const missing = deployments.filter((d) => pods.filter((p) => p.metadata.namespace === d.metadata.namespace && p.metadata.name.startsWith(`${d.metadata.name}-`)).length < d.spec.replicas);
      const violations = cluster.podSecurityViolations(namespaces);
      if (violations.length > 0) throw new Error(`Pod Security rejected Pods:\n${violations.map((v) => `${v.namespace} ${v.object}: ${v.message}`).join('\n')}`);
      return missing.length === 0 ? true : undefined;
    }, 'every Deployment to create its Pods');
    expect(cluster.podSecurityViolations(namespaces)).toEqual([]);
  });

  test('destroy removes everything the stack created, no namespace left terminating', async () => {
    timer.run('destroy', () => tofu(stackDir, 'destroy', '-input=false', '-auto-approve'));
    await eventually(180, () => (cluster.namespaces('app.kubernetes.io/managed-by=govstack-blueprint').length === 0 ? true : undefined), 'namespaces to be gone');
    expect(cluster.helmReleases().filter((r) => namespaces.includes(r.namespace))).toEqual([]);
    const summary = Object.entries(timer.seconds).map(([phase, s]) => `${phase} ${s!.toFixed(1)}s`).join(', ');
    process.stdout.write(`[e2e] ${name}: ${summary}\n`);
    const entry = report.find((r) => r.blueprint === name);
    if (entry) entry.seconds = timer.seconds;
  });
});
