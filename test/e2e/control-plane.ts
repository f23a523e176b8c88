import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../src/paths';
import { toolchainEnv } from './toolchain';

const script = path.join(packageRoot, 'scripts', 'control-plane.sh');
const crdScript = path.join(packageRoot, 'scripts', 'crds.sh');

/**
 * A real Kubernetes control plane (etcd, kube-apiserver with Pod Security admission,
 * kube-controller-manager) on 127.0.0.1, started by scripts/control-plane.sh. No kubelet:
 * Pods are created and admitted but stay Pending.
 */
export class ControlPlane {
  readonly kubeconfig: string;
  private running = false;

  constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.kubeconfig = path.join(dir, 'admin.kubeconfig');
  }

  up(): void {
    this.running = true; // set first: a half-started plane must still be torn down
    execFileSync('bash', [script, 'up', this.dir], { env: this.env, stdio: ['ignore', 'inherit', 'inherit'] });
  }

  /** Install the upstream CRDs (see `installCrds`) and return the kinds they serve. */
  installCrds(): string[] {
    return installCrds(this.kubeconfig, this.env);
  }

  down(): void {
    if (!this.running) return;
    this.running = false;
    execFileSync('bash', [script, 'down', this.dir, '--purge'], { env: this.env, stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

/**
 * Install the upstream CRDs the project's charts render objects of (Gateway API, Envoy
 * Gateway, prometheus-operator, at the catalog's versions) into the cluster of `kubeconfig`
 * and return the `group/version/Kind` strings they serve, for `helm template --api-versions`.
 */
export function installCrds(kubeconfig: string, env: NodeJS.ProcessEnv): string[] {
  const dir = execFileSync('bash', [crdScript], { env, encoding: 'utf8' }).trim();
  const kubectl = (...args: string[]) =>
    execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  kubectl('apply', '--server-side', '--force-conflicts', '-f', dir);
  kubectl('wait', '--for=condition=Established', '--timeout=120s', 'crd', '--all');
  const served: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) if (v.served) served.push(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`);
    }
  }
  return served;
}

/**
 * One test file's control plane: a work folder, the toolchain environment and a plane that
 * starts before the file's tests and is always torn down (work folder removed) after them,
 * also when a test fails. `onTeardown` runs first, e.g. to write a report.
 */
export function controlPlaneForTests(
  prefix: string,
  onTeardown: () => void = () => undefined,
): { work: string; env: NodeJS.ProcessEnv; plane: ControlPlane } {
  const work = mkdtempSync(path.join(tmpdir(), `govstack-e2e-${prefix}-`));
  const env = toolchainEnv();
  const plane = new ControlPlane(path.join(work, 'control-plane'), env);
  beforeAll(() => plane.up());
  afterAll(() => {
    try {
      onTeardown();
      plane.down();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  return { work, env, plane };
}
