import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { chartsDir } from '../paths';

/** The parsed `cdk.tf.json` of one stack. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly terraform?: { readonly backend?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  readonly provider?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface TfNamespace {
  readonly address: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface TfPolicyPeer {
  readonly namespace?: string;
  readonly cidrs?: readonly string[];
  /** A peer that selects more than one named namespace or ip block (e.g. `namespaceSelector: {}`). */
  readonly broad?: boolean;
  /** Pods of the policy's own namespace (`podSelector` alone). */
  readonly sameNamespace?: boolean;
  /** Labels the peer's `podSelector` matches, beside its namespace (empty: every Pod). */
  readonly podLabels?: Readonly<Record<string, string>>;
}

export interface TfPolicyRule {
  readonly direction: 'ingress' | 'egress';
  /** Empty when the rule names no peer, which admits every source or destination. */
  readonly peers: readonly TfPolicyPeer[];
  /** Empty when the rule names no port, which admits every port. */
  readonly ports: readonly { readonly port: string; readonly protocol: string }[];
}

export interface TfPolicy {
  readonly address: string;
  readonly name: string;
  readonly namespace: string;
  readonly annotations: Record<string, string>;
  /** True when the policy selects every pod of its namespace. */
  readonly allPods: boolean;
  /** The policy's `podSelector.matchLabels` (empty: every Pod of the namespace). */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly policyTypes: readonly string[];
  readonly rules: readonly TfPolicyRule[];
}

export interface TfRelease {
  readonly address: string;
  readonly name: string;
  readonly namespace: string;
  /** Chart path (project charts: `assets/…`) or upstream chart name. */
  readonly chart: string;
  readonly repository?: string;
  readonly version?: string;
  /** The project chart this release installs (e.g. `govstack-building-block`), when it is one. */
  readonly projectChart?: string;
  /** Parsed values documents, merged in order. */
  readonly values: Record<string, any>;
  readonly body: Record<string, any>;
}

/**
 * A read-only view of a synthesised stack with the references resolved the way Terraform
 * would: namespaces by name, NetworkPolicies as rules between namespaces, helm releases
 * with their values parsed and, for the project's charts, the chart's own files.
 */
export class TerraformView {
  readonly namespaces: readonly TfNamespace[];
  readonly policies: readonly TfPolicy[];
  readonly releases: readonly TfRelease[];

  /**
   * @param json the parsed cdk.tf.json
   * @param stackDir the folder holding it, to read chart assets from; without it the
   *   project's charts are read from the package's `charts/` folder (the assets are copies).
   */
  constructor(
    readonly json: TerraformJson,
    private readonly stackDir?: string,
  ) {
    this.namespaces = Object.entries(this.resources('kubernetes_namespace_v1')).map(([key, body]) => {
      const metadata = (body.metadata ?? {}) as Record<string, any>;
      return {
        address: `kubernetes_namespace_v1.${key}`,
        name: String(metadata.name),
        labels: { ...metadata.labels },
        annotations: { ...metadata.annotations },
      };
    });
    this.policies = Object.entries(this.resources('kubernetes_network_policy_v1')).map(([key, body]) =>
      this.policy(`kubernetes_network_policy_v1.${key}`, body),
    );
    this.releases = Object.entries(this.resources('helm_release')).map(([key, body]) => this.release(`helm_release.${key}`, body));
  }

  /** Resources of one type, by their Terraform name. */
  resources(type: string): Record<string, Record<string, any>> {
    return (this.json.resource?.[type] ?? {}) as Record<string, Record<string, any>>;
  }

  /** `${kubernetes_namespace_v1.X.metadata[0].name}` → the namespace's name; other strings as they are. */
  resolve(value: unknown): string {
    const text = String(value ?? '');
    const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(text);
    if (!ref) return text;
    const ns = this.resources('kubernetes_namespace_v1')[ref[1]] as { metadata?: { name?: string } } | undefined;
    return ns?.metadata?.name ?? text;
  }

  namespace(name: string): TfNamespace | undefined {
    return this.namespaces.find((n) => n.name === name);
  }

  policiesIn(namespace: string): TfPolicy[] {
    return this.policies.filter((p) => p.namespace === namespace);
  }

  releasesOf(projectChart: string): TfRelease[] {
    return this.releases.filter((r) => r.projectChart === projectChart);
  }

  /** A file of the chart a project-chart release installs, parsed as YAML when it ends in .yaml. */
  chartFile(release: TfRelease, file: string): string | undefined {
    const candidates = [
      ...(this.stackDir && !path.isAbsolute(release.chart) ? [path.join(this.stackDir, release.chart, file)] : []),
      ...(release.projectChart ? [path.join(chartsDir, release.projectChart, file)] : []),
    ];
    const found = candidates.find((c) => existsSync(c));
    return found ? readFileSync(found, 'utf8') : undefined;
  }

  /** The chart's default values.yaml deep-merged with the release's values: what helm renders with. */
  effectiveValues(release: TfRelease): Record<string, any> {
    const defaults = this.chartFile(release, 'values.yaml');
    return deepMerge(defaults ? ((parseYaml(defaults) as Record<string, any>) ?? {}) : {}, release.values);
  }

  private policy(address: string, body: Record<string, any>): TfPolicy {
    const spec = (body.spec ?? {}) as Record<string, any>;
    const selector = spec.pod_selector ?? {};
    const rules: TfPolicyRule[] = [];
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of (spec[direction] ?? []) as Record<string, any>[]) {
        const peers = ((direction === 'ingress' ? rule.from : rule.to) ?? []) as Record<string, any>[];
        rules.push({
          direction,
          peers: peers.map(peerOf),
          ports: ((rule.ports ?? []) as Record<string, any>[]).map((p) => ({
            port: String(p.port ?? ''),
            protocol: String(p.protocol ?? 'TCP'),
          })),
        });
      }
    }
    return {
      address,
      name: String(body.metadata?.name ?? ''),
      namespace: this.resolve(body.metadata?.namespace),
      annotations: { ...body.metadata?.annotations },
      allPods: Object.keys(selector.match_labels ?? {}).length === 0 && (selector.match_expressions ?? []).length === 0,
      podLabels: { ...(selector.match_labels ?? {}) },
      policyTypes: (spec.policy_types ?? []) as string[],
      rules,
    };
  }

  private release(address: string, body: Record<string, any>): TfRelease {
    const chart = String(body.chart ?? '');
    // Asset folders are named after the construct path and the chart: `assets/[<Scope>_]Chart-<name>[_<HASH>]/<content hash>`.
    const project = /(?:^|[/_])Chart-([a-z0-9-]+?)(?:_[0-9A-F]{8})?\/[0-9a-f]+$/.exec(chart);
    let values: Record<string, any> = {};
    for (const doc of (body.values ?? []) as string[]) values = deepMerge(values, (parseYaml(String(doc)) as Record<string, any>) ?? {});
    return {
      address,
      name: String(body.name ?? ''),
      namespace: this.resolve(body.namespace),
      chart,
      repository: body.repository === undefined ? undefined : String(body.repository),
      version: body.version === undefined ? undefined : String(body.version),
      projectChart: project?.[1],
      values,
      body,
    };
  }
}

function peerOf(peer: Record<string, any>): TfPolicyPeer {
  if (peer.ip_block) return { cidrs: [String(peer.ip_block.cidr)] };
  const nsSel = peer.namespace_selector as Record<string, any> | undefined;
  if (nsSel) {
    const name = nsSel.match_labels?.['kubernetes.io/metadata.name'];
    const otherLabels = Object.keys(nsSel.match_labels ?? {}).filter((k) => k !== 'kubernetes.io/metadata.name');
    const pods = peer.pod_selector as Record<string, any> | undefined;
    if ((pods?.match_expressions ?? []).length > 0) return { broad: true };
    if (typeof name === 'string' && otherLabels.length === 0 && (nsSel.match_expressions ?? []).length === 0)
      return { namespace: name, podLabels: { ...(pods?.match_labels ?? {}) } };
    return { broad: true };
  }
  if (peer.pod_selector) return { sameNamespace: true };
  return { broad: true };
}

/** Helm's merge: maps merge recursively, everything else (lists included) is replaced. */
export function deepMerge(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b, v) : v;
  }
  return out;
}
