import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { ChartSources, UpstreamComponent } from '../blueprint/types';
import { ModelBuildingBlock } from '../model/types';
import { bundledDocumentsPath } from '../model/documents';
import { stableJson } from '../stable-json';
import { projectChart, upstreamChart } from './chart-source';
import { IsolatedNamespace } from './isolated-namespace';

/** How releases are applied; shared by every construct that installs a chart. */
export interface ReleaseSettings {
  /** Wait for workloads to become ready on apply (helm `wait`). @default true */
  readonly waits: boolean;
  /** Seconds helm waits per release. @default 900 */
  readonly timeoutSeconds: number;
  /** Where upstream charts come from. @default - their upstream repositories */
  readonly charts: ChartSources;
  /** StorageClass for persistent volumes. @default - the cluster's default class */
  readonly storageClass?: string;
  /** Upstream platform components the cluster already runs; their releases are left out. @default - none */
  readonly preinstalled: readonly UpstreamComponent[];
}

export interface BuildingBlockProps {
  /** The resolved building block. */
  readonly block: ModelBuildingBlock;
  /** Deployment (blueprint) name, stamped on every object. */
  readonly deployment: string;
  /** How the release is applied. */
  readonly release: ReleaseSettings;
  /** Non-secret configuration injected into the workload (provider URLs, X-Road client id). @default - none */
  readonly config?: Record<string, string>;
  /** Justification shown on the namespace when its Pod Security level is relaxed. @default - none */
  readonly podSecurityJustification?: string;
}

/**
 * One GovStack building block: its isolated namespace and its workload, either the
 * project's generic chart running the product image or the product's pinned upstream chart.
 * An `external` product creates nothing here; it is reached through the mediator.
 */
export class BuildingBlock extends Construct {
  readonly namespace?: IsolatedNamespace;
  readonly release?: Release;

  constructor(scope: Construct, id: string, props: BuildingBlockProps) {
    super(scope, id);
    const { block, release: settings } = props;
    if (block.product.kind === 'external') return;

    this.namespace = new IsolatedNamespace(this, 'Namespace', {
      name: block.namespace,
      deployment: props.deployment,
      component: block.id,
      podSecurity: block.podSecurity,
      podSecurityJustification: props.podSecurityJustification,
      labels: block.exposure === 'none' ? {} : { [`govstack.global/gateway-${block.exposure}`]: 'true' },
    });

    const location = block.product.kind === 'image' ? projectChart(this, 'govstack-building-block') : upstreamChart({ ...block.product.chart, version: block.version }, settings.charts);
    const values = block.product.kind === 'image' ? genericChartValues(block, this.namespace.serviceAccountName, props.config ?? {}, settings.storageClass) : (block.product.values ?? {});
    this.release = new Release(this, 'Release', {
      name: block.id,
      namespace: this.namespace.name,
      ...location,
      values: [stableJson(values)],
      wait: settings.waits,
      waitForJobs: settings.waits,
      timeout: settings.timeoutSeconds,
      atomic: false,
      cleanupOnFail: true,
      maxHistory: 5,
      dependsOn: [this.namespace.serviceAccount],
    });
  }
}

/** Values for `charts/govstack-building-block` (see its values.schema.json). */
function genericChartValues(block: ModelBuildingBlock, serviceAccountName: string, config: Record<string, string>, storageClass?: string) {
  if (block.product.kind !== 'image') throw new Error('generic chart values need an image product');
  const product = block.product;
  return {
    buildingBlock: block.id,
    image: { repository: product.image.repository, tag: block.version, ...(product.image.digest && block.version === product.image.tag ? { digest: product.image.digest } : {}) },
    args: product.args ?? [],
    env: product.env ?? {},
    config,
    containerPort: product.containerPort,
    servicePort: block.servicePort,
    healthPath: product.healthPath,
    replicas: block.replicas,
    resources: block.resources,
    serviceAccountName,
    writablePaths: product.writablePaths ?? ['/tmp'],
    ...(block.documents ? { documents: { mountPath: bundledDocumentsPath, files: block.documents } } : {}),
    ...(block.runAsRoot
      ? { securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, fsGroup: 0 }, podSecurityJustification: block.runAsRootJustification }
      : product.user
        ? { securityContext: { runAsNonRoot: true, runAsUser: product.user.uid, runAsGroup: product.user.gid, fsGroup: product.user.gid } }
        : {}),
    metrics: { enabled: product.metricsPath !== undefined, path: product.metricsPath ?? '/metrics' },
    database: {
      enabled: product.storage.kind === 'postgres',
      ...(product.storage.kind === 'postgres' ? { size: product.storage.size } : {}),
      ...(storageClass ? { storageClassName: storageClass } : {}),
    },
  };
}
