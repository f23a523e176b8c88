import { run } from './harness';

/** Read-back from the real API server with kubectl, as an operator would check a deployment. */
export class Cluster {
  constructor(
    private readonly kubeconfig: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  list(kind: string, namespace?: string): any[] {
    const scope = namespace ? ['-n', namespace] : ['--all-namespaces'];
    const out = run('kubectl', ['--kubeconfig', this.kubeconfig, 'get', kind, ...scope, '-o', 'json'], { env: this.env }).stdout;
    return JSON.parse(out).items;
  }

  namespaces(selector: string): any[] {
    const out = run('kubectl', ['--kubeconfig', this.kubeconfig, 'get', 'namespaces', '-l', selector, '-o', 'json'], {
      env: this.env,
    }).stdout;
    return JSON.parse(out).items;
  }

  helmReleases(): { name: string; namespace: string; status: string }[] {
    const out = run('helm', ['--kubeconfig', this.kubeconfig, 'list', '--all-namespaces', '--all', '-o', 'json'], { env: this.env }).stdout;
    return JSON.parse(out);
  }

  /**
   * Pod Security rejections: the ReplicaSet and StatefulSet controllers record a
   * FailedCreate event naming the violated controls when admission refuses a Pod.
   */
  podSecurityViolations(namespaces: readonly string[]): { namespace: string; object: string; message: string }[] {
    return this.list('events')
      .filter((e) => namespaces.includes(e.metadata.namespace) && e.reason === 'FailedCreate' && /violates PodSecurity/.test(e.message))
      .map((e) => ({ namespace: e.metadata.namespace, object: `${e.involvedObject.kind}/${e.involvedObject.name}`, message: e.message }));
  }
}

/** Poll until `check` returns a value, or fail after `seconds` with the last reason. */
export async function eventually<T>(seconds: number, check: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
