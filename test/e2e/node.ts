import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mediatorCatalog, mockoonCli } from '../../src/catalog';
import { packageRoot } from '../../src/paths';
import { toolchainEnv } from './toolchain';

const nodeScript = path.join(packageRoot, 'scripts', 'node.sh');
const imageScript = path.join(packageRoot, 'scripts', 'images', 'build.sh');

/** The probe image's name: the e2e's own traffic tool, never deployed by a blueprint. */
export const probeImage = 'localhost/govstack-probe:e2e';

/** The X-Road admin API stub's runtime (test/e2e/xroad-stub-pods.ts), never deployed by a blueprint. */
export const xroadStubImage = 'localhost/govstack-xroad-stub:e2e';

/** `repository:tag` as containerd names it (Docker Hub's implicit registry and library/ made explicit). */
export function fullImageName(repository: string, tag: string): string {
  const first = repository.split('/')[0];
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const qualified = hasRegistry ? repository : `docker.io/${repository.includes('/') ? repository : `library/${repository}`}`;
  return `${qualified}:${tag}`;
}

/**
 * The images the project's own workloads need, built locally (scripts/images/build.sh) under
 * exactly the names the charts use: the Pod sandbox, the probe, cluster DNS, the mock products' Mockoon
 * CLI and the mediator reconcile Job's Node.js runtime; and the X-Road admin API stub's runtime,
 * which stands in for the X-Road servers. Versions come from where the stack reads them: the
 * catalog.
 */
export function localImages(
  env: NodeJS.ProcessEnv,
  extra: readonly { recipe: string; name: string }[] = [],
): { name: string; archive: string }[] {
  const toolchain = readFileSync(path.join(packageRoot, 'scripts', 'toolchain.sh'), 'utf8');
  const pinned = (name: string) => new RegExp(`^${name}=(\\S+)`, 'm').exec(toolchain)![1];
  const reconcile = mediatorCatalog.reconcileRuntime.image;
  const nodeVersion = /^(\d+\.\d+\.\d+)/.exec(reconcile.tag)![1];
  const specs = [
    { recipe: `pause:${pinned('K8S_VERSION')}`, name: 'registry.k8s.io/pause:3.10.2' },
    { recipe: 'probe', name: probeImage },
    { recipe: `coredns:${pinned('COREDNS_VERSION')}`, name: 'localhost/coredns:e2e' },
    { recipe: `node:${nodeVersion}`, name: fullImageName(reconcile.repository, reconcile.tag) },
    { recipe: `mockoon:${mockoonCli.image.tag}`, name: fullImageName(mockoonCli.image.repository, mockoonCli.image.tag) },
    ...extra,
    // The stub runs on the reconcile Job's own Node.js release.
    { recipe: `xroad-stub:${nodeVersion}`, name: xroadStubImage },
  ];
  const out = execFileSync('bash', [imageScript, ...specs.map((s) => `${s.recipe}=${s.name}`)], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const archives = out.trim().split('\n');
  return specs.map((s, i) => ({ name: s.name, archive: archives[i] }));
}

/**
 * A control plane with one real node (scripts/node.sh): kubelet, containerd + runc, CNI,
 * kube-proxy, CoreDNS and kube-router enforcing NetworkPolicies. Needs root.
 */
export class RealNode {
  readonly kubeconfig: string;
  readonly images: { name: string; archive: string }[];
  private running = false;

  /** `extra`: images beyond the project's own that one test file needs (build.sh recipe and name). */
  constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    extra: readonly { recipe: string; name: string }[] = [],
  ) {
    this.kubeconfig = path.join(dir, 'cp', 'admin.kubeconfig');
    this.images = localImages(env, extra);
  }

  up(): void {
    this.running = true; // first: a half-started node must still be torn down
    execFileSync('bash', [nodeScript, 'up', this.dir, ...this.images.map((i) => i.archive)], {
      env: this.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }

  /** Seconds from `up` to node Ready, as measured by the script. */
  startupSeconds(): number {
    return Number(readFileSync(path.join(this.dir, 'node', 'startup-seconds'), 'utf8'));
  }

  /** Stop everything; then compare the machine with the baseline taken before `up` (throws on a difference). */
  down(): void {
    if (!this.running) return;
    this.running = false;
    execFileSync('bash', [nodeScript, 'down', this.dir], { env: this.env, stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync('bash', [nodeScript, 'check-clean', this.dir], { env: this.env, stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

/**
 * One test file's real node: started before the file's tests, always torn down after them
 * (also when a test fails), the machine then checked against its baseline.
 */
export function realNodeForTests(
  prefix: string,
  onTeardown: () => void = () => undefined,
  extraImages: readonly { recipe: string; name: string }[] = [],
): { work: string; env: NodeJS.ProcessEnv; node: RealNode } {
  const work = mkdtempSync(path.join(tmpdir(), `govstack-e2e-${prefix}-`));
  const env = toolchainEnv();
  const node = new RealNode(path.join(work, 'cluster'), env, extraImages);
  beforeAll(() => node.up(), 600_000);
  afterAll(() => {
    try {
      onTeardown();
      node.down();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);
  return { work, env, node };
}
