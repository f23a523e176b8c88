import { AuditContext, Check, Evidence, Finding } from '../types';
import { deployedBlocks } from '../expected';
import { finding, tf } from './util';

/** Persistent data the deployment holds, as far as the Terraform and the catalog tell. */
export function statefulComponents({ model, tf: view, blueprint }: AuditContext): { name: string; what: string; evidence: Evidence[] }[] {
  const out: { name: string; what: string; evidence: Evidence[] }[] = [];
  const releases = new Map(view.releases.map((r) => [`${r.namespace}/${r.name}`, r]));
  for (const block of deployedBlocks(model)) {
    const release = releases.get(`${block.namespace}/${block.id}`);
    const ev = [...(release ? [tf(release.address)] : []), blueprint(block.pointer)];
    if (block.product.kind === 'image' && release?.values.database?.enabled)
      out.push({ name: block.id, what: `PostgreSQL database (${release.values.database.size ?? 'chart default size'})`, evidence: ev });
    else if (block.product.kind !== 'external' && block.product.storage.kind !== 'none')
      out.push({ name: block.id, what: `${block.product.storage.kind} storage (${block.product.storage.size})`, evidence: ev });
  }
  const [xroad] = view.releasesOf('govstack-xroad');
  if (xroad) {
    const servers = ((xroad.values.securityServers ?? []) as { name: string }[]).map((s) => s.name);
    for (const server of servers)
      out.push({
        name: server,
        what: 'X-Road security server: keys and certificates (/etc/xroad), message-log archive and backups (/var/lib/xroad), PostgreSQL',
        evidence: [tf(xroad.address)],
      });
    if (xroad.values.centralServer?.enabled)
      out.push({
        name: 'central server',
        what: 'X-Road central server: instance keys, global configuration, embedded PostgreSQL',
        evidence: [tf(xroad.address)],
      });
  }
  for (const r of view.releases.filter(
    (r) => ['metrics', 'logs', 'traces'].includes(r.name) && r.namespace === model.observability.namespace,
  )) {
    out.push({
      name: r.name,
      what: `${r.chart} ${r.version ?? ''} data (retention ${model.observability.retention[r.name as 'metrics' | 'logs' | 'traces']})`.replace(
        '  ',
        ' ',
      ),
      evidence: [tf(r.address)],
    });
  }
  return out;
}

export const stateEncryptedAtRest: Check = {
  id: 'state-encrypted-at-rest',
  title: 'Terraform state is encrypted at rest',
  requirements: ['govstack-cfr-security#req-14'],
  scope:
    "The backend block of cdk.tf.json: S3 with encrypt = true, GCS and Azure Storage (encrypted by the service, customer keys when set) pass; a local file, PostgreSQL or a Kubernetes Secret depend on the host's encryption, which the auditor must see.",
  run({ tf: view, blueprint }) {
    const backends = Object.entries(view.json.terraform?.backend ?? {});
    if (backends.length !== 1) return [finding('FAIL', 'state backend', `expected one backend block, found ${backends.length}`, [])];
    const [[kind, config]] = backends;
    const ev = [tf(`terraform.backend.${kind}`), blueprint('/state')];
    switch (kind) {
      case 's3':
        return [
          config.encrypt === true
            ? finding(
                'PASS',
                'state backend s3',
                `server-side encryption on${config.kms_key_id ? ` with KMS key ${String(config.kms_key_id)}` : ''}`,
                ev,
              )
            : finding('FAIL', 'state backend s3', 'encrypt is not true', ev),
        ];
      case 'gcs':
        return [
          finding(
            'PASS',
            'state backend gcs',
            `Cloud Storage encrypts every object at rest${config.kms_encryption_key ? ' with the given customer key' : ' (Google-managed keys)'}`,
            ev,
          ),
        ];
      case 'azurerm':
        return [finding('PASS', 'state backend azurerm', 'Azure Storage service encryption is always on', ev)];
      default: {
        const where: Record<string, string> = {
          local: `the disk holding ${String(config.path ?? 'the state file')}`,
          pg: 'the PostgreSQL server holding the state',
          kubernetes: "the cluster's etcd (EncryptionConfiguration for Secrets)",
        };
        return [
          finding('MANUAL', `state backend ${kind}`, `state sits on ${where[kind] ?? kind}`, ev, {
            askFor: [`evidence that ${where[kind] ?? kind} is encrypted at rest, and who can read it`],
          }),
        ];
      }
    }
  },
};

export const volumesEncryptedAtRest: Check = {
  id: 'volumes-encrypted-at-rest',
  title: 'Persistent volumes are encrypted at rest',
  requirements: ['govstack-cfr-security#req-14'],
  scope:
    'Which components keep data on persistent volumes and which StorageClass they use. Whether that class encrypts is a property of the cluster, not of this Terraform.',
  run(ctx) {
    const { model, blueprint } = ctx;
    const stateful = statefulComponents(ctx);
    const storageClass = model.deployment.storageClass
      ? `StorageClass "${model.deployment.storageClass}"`
      : "the cluster's default StorageClass";
    if (stateful.length === 0) return [finding('PASS', 'volumes', 'no component keeps persistent data', [])];
    return [
      finding(
        'MANUAL',
        storageClass,
        `${stateful.length} components keep data on ${storageClass}: ${stateful.map((s) => s.name).join(', ')}`,
        [blueprint('/deployment/storageClass'), ...stateful.flatMap((s) => s.evidence.filter((e) => e.kind === 'terraform'))],
        {
          askFor: [
            `the definition of ${storageClass} showing encryption at rest (e.g. encrypted: "true" with a KMS key)`,
            'where the encryption keys are held, separate from the data',
            'encryption of backups of these volumes',
          ],
        },
      ),
    ];
  },
};

export const backupRestore: Check = {
  id: 'backup-restore',
  title: 'Backup and restore of all persistent data',
  requirements: ['govstack-cfr-deployment#req-2'],
  scope:
    'The blueprint declares no backups, so this is verified from documents: the check lists every component holding persistent data, keys included.',
  run(ctx) {
    const stateful = statefulComponents(ctx);
    const findings: Finding[] = stateful.map((s) =>
      finding('MANUAL', s.name, s.what, s.evidence, {
        askFor: [
          `backup schedule, location and retention for ${s.name}`,
          `restore runbook for ${s.name} with its recovery time objective, and the record of the last restore test`,
        ],
      }),
    );
    findings.push(
      finding(
        'MANUAL',
        'Terraform state',
        `state in the ${ctx.model.state.backend} backend (key ${ctx.model.stateKey})`,
        [ctx.blueprint('/state')],
        {
          askFor: ['versioning or backup of the Terraform state, and who can restore it'],
        },
      ),
    );
    return findings;
  },
};

export const noSharedStorage: Check = {
  id: 'no-shared-storage',
  title: 'No datastore is shared between building blocks',
  requirements: ['govstack-cfr-architecture#req-1'],
  scope:
    "Each building block's release is alone in its namespace with its own datastore (the generic chart keeps PostgreSQL beside the workload). Other namespaces cannot reach it: see api-only, which allows only API ports between namespaces.",
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const blocks = deployedBlocks(model);
    for (const block of blocks) {
      const here = view.releases.filter((r) => r.namespace === block.namespace);
      const others = here.filter((r) => r.name !== block.id);
      const own = here.find((r) => r.name === block.id);
      const ev = [...here.map((r) => tf(r.address)), blueprint(block.pointer)];
      if (!own) findings.push(finding('FAIL', block.id, `no release of ${block.id} in ${block.namespace}`, ev));
      else if (others.length > 0)
        findings.push(finding('FAIL', block.id, `${block.namespace} also holds ${others.map((r) => r.name).join(', ')}`, ev));
      else
        findings.push(
          finding('PASS', block.id, `alone in ${block.namespace}${own.values.database?.enabled ? ' with its own PostgreSQL' : ''}`, ev),
        );
    }
    if (findings.length === 0) findings.push(finding('PASS', 'building blocks', 'no building block runs in this cluster', []));
    return findings;
  },
};
