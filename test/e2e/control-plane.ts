import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../../src/paths';

const script = path.join(packageRoot, 'scripts', 'control-plane.sh');

/**
 * A real Kubernetes control plane (etcd, kube-apiserver with Pod Security admission,
 * kube-controller-manager) on 127.0.0.1, started by scripts/control-plane.sh. No kubelet:
 * Pods are created and admitted but stay Pending.
 */
export class ControlPlane {
  readonly kubeconfig: string;
  private running = false;

  constructor(private readonly dir: string, private readonly env: NodeJS.ProcessEnv) {
    this.kubeconfig = path.join(dir, 'admin.kubeconfig');
  }

  up(): void {
    this.running = true; // set first: a half-started plane must still be torn down
    execFileSync('bash', [script, 'up', this.dir], { env: this.env, stdio: ['ignore', 'inherit', 'inherit'] });
  }

  down(): void {
    if (!this.running) return;
    this.running = false;
    execFileSync('bash', [script, 'down', this.dir, '--purge'], { env: this.env, stdio: ['ignore', 'inherit', 'inherit'] });
  }
}
