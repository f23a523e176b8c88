import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * The part of the Kubernetes API the reconcile's lock uses: Leases (coordination.k8s.io/v1)
 * of one namespace, on 127.0.0.1, random port. A stand-in because no API server runs in the
 * unit tests; it keeps the semantics the lock relies on, as the API server documents them
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions and
 * "Conflicts"): create answers 409 AlreadyExists when the name is taken; update answers 409
 * Conflict unless metadata.resourceVersion is the stored one, and stores a new one; every
 * request needs the bearer token. Anything else is recorded as a violation.
 */
export class LeaseStub {
  readonly leases = new Map<string, any>();
  readonly violations: string[] = [];
  /** Every successful write, in order: holder after the write. */
  readonly holders: (string | null)[] = [];
  private version = 1;
  private server!: Server;
  port = 0;

  private constructor(
    readonly namespace: string,
    readonly token: string,
  ) {}

  static async start(namespace: string, token: string, port = 0): Promise<LeaseStub> {
    const stub = new LeaseStub(namespace, token);
    stub.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = stub.handle(req.method ?? 'GET', req.url ?? '/', req.headers.authorization, Buffer.concat(chunks).toString('utf8'));
        const payload = Buffer.from(JSON.stringify(reply.body));
        res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': payload.length });
        res.end(payload);
      });
    });
    await new Promise<void>((resolve) => stub.server.listen(port, '127.0.0.1', resolve));
    stub.port = (stub.server.address() as AddressInfo).port;
    stub.server.unref();
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private status(code: number, reason: string, message: string) {
    return { status: code, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code } };
  }

  private handle(method: string, url: string, auth: string | undefined, text: string): { status: number; body: unknown } {
    if (auth !== `Bearer ${this.token}`) return this.status(401, 'Unauthorized', 'Unauthorized');
    const base = `/apis/coordination.k8s.io/v1/namespaces/${this.namespace}/leases`;
    const m = new RegExp(`^${base}(?:/([a-z0-9.-]+))?$`).exec(url);
    if (!m) {
      this.violations.push(`${method} ${url}: not a Lease path of namespace ${this.namespace}`);
      return this.status(404, 'NotFound', 'the server could not find the requested resource');
    }
    const name = m[1];
    let body: any;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return this.status(400, 'BadRequest', 'invalid JSON');
      }
    }
    if (method === 'GET' && name) {
      const lease = this.leases.get(name);
      return lease ? { status: 200, body: lease } : this.status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
    }
    if (method === 'POST' && !name) {
      if (body?.kind !== 'Lease' || body?.apiVersion !== 'coordination.k8s.io/v1' || !body?.metadata?.name) {
        this.violations.push(`POST ${url}: not a Lease`);
        return this.status(400, 'BadRequest', 'not a Lease');
      }
      if (this.leases.has(body.metadata.name))
        return this.status(409, 'AlreadyExists', `leases.coordination.k8s.io "${body.metadata.name}" already exists`);
      return { status: 201, body: this.store(body) };
    }
    if (method === 'PUT' && name) {
      const current = this.leases.get(name);
      if (!current) return this.status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
      if (body?.metadata?.resourceVersion !== current.metadata.resourceVersion) {
        return this.status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      return { status: 200, body: this.store(body) };
    }
    this.violations.push(`${method} ${url}: not used by the lock`);
    return this.status(405, 'MethodNotAllowed', 'method not allowed');
  }

  private store(lease: any): any {
    const stored = JSON.parse(JSON.stringify(lease));
    stored.metadata = { ...stored.metadata, namespace: this.namespace, resourceVersion: String(++this.version) };
    if (stored.spec && stored.spec.holderIdentity === null) delete stored.spec.holderIdentity;
    this.leases.set(stored.metadata.name, stored);
    this.holders.push(stored.spec?.holderIdentity ?? null);
    return stored;
  }
}
