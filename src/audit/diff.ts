import { DeploymentModel } from '../model/types';

/**
 * What differs in declared architecture between two deployments (two countries, or two
 * versions of one): building blocks, products and versions, owners, flows, exposure, security
 * waivers, target, environment, sizing and the platform settings. Compared on the resolved
 * models, so two blueprints that say the same thing differently (overlays, defaults) are equal.
 */

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface Change {
  readonly section: string;
  /** The thing that changed: a building block id, `a -> b` for a flow, a field name… */
  readonly subject: string;
  readonly kind: ChangeKind;
  /** For `changed`: the field, when the subject has several. */
  readonly field?: string;
  readonly before?: string;
  readonly after?: string;
}

export interface ArchitectureDiff {
  readonly equal: boolean;
  readonly a: { readonly file: string; readonly name: string };
  readonly b: { readonly file: string; readonly name: string };
  readonly changes: readonly Change[];
}

type Fields = Record<string, string>;

/** Sections of entities, each entity a flat set of fields (strings, so they compare and print alike). */
function entities(model: DeploymentModel): Record<string, Map<string, Fields>> {
  const text = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  const map = <T>(items: readonly T[], key: (t: T) => string, fields: (t: T) => Fields) => new Map(items.map((t) => [key(t), fields(t)]));
  const res = (r: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }) =>
    `requests ${r.requests.cpu}/${r.requests.memory}, limits ${r.limits.cpu}/${r.limits.memory}`;
  return {
    deployment: new Map([
      ['metadata', { name: model.name, country: model.country, environment: model.environment, description: text(model.description) }],
      ['target', Object.fromEntries(Object.entries(model.target).map(([k, v]) => [k, text(v)]))],
      ['state', Object.fromEntries(Object.entries(model.state).map(([k, v]) => [k, text(v)]))],
      [
        'settings',
        {
          waits: text(model.deployment.waits),
          timeoutSeconds: text(model.deployment.timeoutSeconds),
          storageClass: text(model.deployment.storageClass),
          charts: text(model.deployment.charts),
          preinstalled: [...model.deployment.preinstalled].sort().join(', '),
        },
      ],
    ]),
    'building blocks': map(
      model.buildingBlocks,
      (b) => b.id,
      (b) => ({
        product: b.product.id,
        version: b.version,
        owner: b.owner.name,
        exposure: b.exposure,
        host: text(b.host),
        replicas: String(b.replicas),
        resources: res(b.resources),
        podSecurity: b.podSecurity,
        runAsRoot: String(b.runAsRoot),
        egress: b.egress.map((e) => `${e.name} ${e.cidrs.join(',')}:${e.ports.join(',')}`).join('; '),
      }),
    ),
    flows: map(
      model.flows,
      (f) => `${f.from} -> ${f.to}`,
      (f) => ({ via: f.via }),
    ),
    organisations: map(
      model.organisations,
      (o) => o.name,
      (o) => ({ title: o.title, member: `${o.memberClass}/${o.memberCode}`, securityServer: text(o.securityServer) }),
    ),
    mediator: new Map([
      [
        'mediator',
        {
          instance: model.mediator.instance,
          memberClasses: model.mediator.memberClasses.join(', '),
          centralServer: String(model.mediator.centralServer),
          podSecurity: model.mediator.podSecurity,
        },
      ],
    ]),
    gateway: new Map([
      [
        'gateway',
        {
          external: model.gateway.domains.external,
          internal: model.gateway.domains.internal,
          tls: text(model.gateway.tls),
          tlsMinVersion: model.gateway.tlsMinVersion,
          oidc: model.gateway.oidc ? `${model.gateway.oidc.issuer} (${model.gateway.oidc.clientId})` : 'none',
          rateLimit: `${model.gateway.rateLimit.requests}/${model.gateway.rateLimit.unit}`,
        },
      ],
    ]),
    observability: new Map([
      [
        'observability',
        {
          enabled: String(model.observability.enabled),
          retention: `metrics ${model.observability.retention.metrics}, logs ${model.observability.retention.logs}, traces ${model.observability.retention.traces}`,
          receivers: model.observability.receivers
            .map((r) => `${r.name} (${r.type}, ${r.secretName}/${r.secretKey})`)
            .sort()
            .join(', '),
        },
      ],
    ]),
    'security waivers': map(
      model.overrides,
      (o) => `${o.control} for ${o.target}`,
      (o) => ({ value: text(o.value), justification: o.justification }),
    ),
  };
}

/** Compare the declared architecture of two models. */
export function diffModels(a: DeploymentModel, b: DeploymentModel): ArchitectureDiff {
  const left = entities(a);
  const right = entities(b);
  const changes: Change[] = [];
  const summary = (f: Fields) =>
    Object.entries(f)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  for (const section of Object.keys(left)) {
    const l = left[section];
    const r = right[section];
    const keys = [...new Set([...l.keys(), ...r.keys()])].sort();
    for (const key of keys) {
      const before = l.get(key);
      const after = r.get(key);
      if (!before) changes.push({ section, subject: key, kind: 'added', after: summary(after!) });
      else if (!after) changes.push({ section, subject: key, kind: 'removed', before: summary(before) });
      else {
        for (const field of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
          if ((before[field] ?? '') !== (after[field] ?? ''))
            changes.push({ section, subject: key, kind: 'changed', field, before: before[field] ?? '', after: after[field] ?? '' });
        }
      }
    }
  }
  return {
    equal: changes.length === 0,
    a: { file: a.sources[0]?.path ?? '', name: a.name },
    b: { file: b.sources[0]?.path ?? '', name: b.name },
    changes,
  };
}

/** Human-readable diff, grouped by section: `+` added, `-` removed, `~` changed. */
export function formatDiff(diff: ArchitectureDiff): string {
  if (diff.equal) return `${diff.a.file} and ${diff.b.file} declare the same architecture\n`;
  const out: string[] = [`--- ${diff.a.file} (${diff.a.name})`, `+++ ${diff.b.file} (${diff.b.name})`];
  const sections = [...new Set(diff.changes.map((c) => c.section))];
  for (const section of sections) {
    out.push('', `${section}:`);
    const inSection = diff.changes.filter((c) => c.section === section);
    const subjects = [...new Set(inSection.map((c) => c.subject))];
    for (const subject of subjects) {
      const own = inSection.filter((c) => c.subject === subject);
      const first = own[0];
      if (first.kind === 'added') out.push(`  + ${subject}${first.after ? `  (${first.after})` : ''}`);
      else if (first.kind === 'removed') out.push(`  - ${subject}${first.before ? `  (${first.before})` : ''}`);
      else {
        out.push(`  ~ ${subject}`);
        for (const c of own) out.push(`      ${c.field}: ${c.before || '(none)'} -> ${c.after || '(none)'}`);
      }
    }
  }
  const n = diff.changes.length;
  out.push('', `${n} difference${n === 1 ? '' : 's'}`);
  return out.join('\n') + '\n';
}
