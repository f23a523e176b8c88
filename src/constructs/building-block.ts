import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { ChartSources, UpstreamComponent } from '../blueprint/types';
import { buildingBlockChartImages } from '../catalog';
import { ModelBuildingBlock } from '../model/types';
import { bundledDocumentsPath, mergedEnvironmentPath } from '../model/documents';
import { chartInventory } from '../catalog/chart-inventory';
import { deepMerge, stableJson } from '../stable-json';
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

/**
 * helm_release arguments every release shares. Recovery from a failed first install:
 * with waits on, `atomic` uninstalls a release that fails or times out (helm sets `wait`
 * with it); in every case `replace` lets the next apply install over a release left in
 * status "failed" (helm's install refuses a name still in use unless `replace` is set and
 * the newest revision is failed or uninstalled: pkg/action/install.go, availableName), and
 * `cleanupOnFail` deletes what a failed upgrade created.
 */
export function releaseArguments(settings: ReleaseSettings) {
  return {
    wait: settings.waits,
    timeout: settings.timeoutSeconds,
    atomic: settings.waits,
    replace: true,
    cleanupOnFail: true,
    maxHistory: 5,
  };
}

/** Properties of {@link BuildingBlock}. */
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
  /**
   * Monitoring is on: metrics are scraped, and a chart rendering ServiceMonitors waits for
   * `release` (the one installing the CRDs; absent when they are preinstalled).
   * @default - observability off: no ServiceMonitor is rendered
   */
  readonly monitoring?: {
    /** The Helm release that installs the monitoring CRDs; the ServiceMonitor's release depends on it. @default - none: the CRDs are preinstalled */
    readonly release?: Release;
  };
}

/**
 * One GovStack building block: its isolated namespace and its workload, either the
 * project's generic chart running the product image or the product's pinned upstream chart.
 * An `external` product creates nothing here; it is reached through the mediator.
 */
export class BuildingBlock extends Construct {
  /** The block's namespace; absent for an `external` product, which runs elsewhere. */
  readonly namespace?: IsolatedNamespace;
  /** The block's Helm release; absent for an `external` product. */
  readonly release?: Release;

  /**
   * Create the construct and everything it holds, from its props alone.
   * @param scope - the parent construct (for a stack, the `App`)
   * @param id - construct id; part of every resource's logical id, so changing it replaces resources
   * @param props - see BuildingBlockProps
   */
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

    const location =
      block.product.kind === 'image'
        ? projectChart(this, 'govstack-building-block')
        : upstreamChart({ ...block.product.chart, version: block.version }, settings.charts);
    const monitoring = props.monitoring !== undefined;
    const values =
      block.product.kind === 'image'
        ? genericChartValues(block, this.namespace.serviceAccountName, props.config ?? {}, monitoring, settings.storageClass)
        : deepMerge(
            block.product.values ?? {},
            block.product.storageClassKey ? setPath(block.product.storageClassKey, settings.storageClass ?? '') : {},
          );
    this.release = new Release(this, 'Release', {
      name: block.id,
      namespace: this.namespace.name,
      ...location,
      values: [stableJson(values)],
      ...releaseArguments(settings),
      waitForJobs: settings.waits,
      dependsOn: [
        ...this.namespace.prerequisites,
        ...(props.monitoring?.release && rendersServiceMonitor(block) ? [props.monitoring.release] : []),
      ],
    });
  }
}

/** `{a: {b: value}}` for the path `a.b`. */
function setPath(dotted: string, value: unknown): Record<string, unknown> {
  return dotted.split('.').reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value as Record<string, unknown>);
}

/** Kinds served by the monitoring CRDs that kube-prometheus-stack installs. */
const monitoringKinds = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];

/**
 * Whether the block's chart renders a monitoring CRD kind: the generic chart when the product
 * serves metrics, an upstream chart when its inventory lists such a kind (eSignet's ServiceMonitor).
 */
function rendersServiceMonitor(block: ModelBuildingBlock): boolean {
  if (block.product.kind === 'image') return block.product.metricsPath !== undefined;
  if (block.product.kind !== 'chart') return false;
  const inventory = chartInventory(block.product.chart.name, block.version);
  return inventory?.kinds.some((k) => monitoringKinds.includes(k)) ?? false;
}

/** Values for `charts/govstack-building-block` (see its values.schema.json). */
function genericChartValues(
  block: ModelBuildingBlock,
  serviceAccountName: string,
  config: Record<string, string>,
  monitoring: boolean,
  storageClass?: string,
) {
  if (block.product.kind !== 'image') throw new Error('generic chart values need an image product');
  const product = block.product;
  return {
    buildingBlock: block.id,
    image: {
      repository: product.image.repository,
      tag: block.version,
      ...(product.image.digest && block.version === product.image.tag ? { digest: product.image.digest } : {}),
    },
    args: product.args ?? [],
    env: product.env ?? {},
    config,
    containerPort: product.containerPort,
    servicePort: block.servicePort,
    healthPath: product.healthPath,
    ...(product.healthCheck ? { probeType: product.healthCheck.kind } : {}),
    replicas: block.replicas,
    resources: block.resources,
    serviceAccountName,
    writablePaths: product.writablePaths ?? ['/tmp'],
    ...(block.documents ? { documents: { mountPath: bundledDocumentsPath, files: block.documents } } : {}),
    ...(block.servedDocuments ? { mockoon: { documents: block.servedDocuments, mountPath: mergedEnvironmentPath } } : {}),
    ...(block.runAsRoot
      ? {
          securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, fsGroup: 0 },
          podSecurityJustification: block.runAsRootJustification,
        }
      : product.user
        ? { securityContext: { runAsNonRoot: true, runAsUser: product.user.uid, runAsGroup: product.user.gid, fsGroup: product.user.gid } }
        : {}),
    metrics: { enabled: monitoring && product.metricsPath !== undefined, path: product.metricsPath ?? '/metrics' },
    // A missing ServiceMonitor CRD fails the release with the chart's message instead of
    // silently leaving the object out (the release waits for the metrics release).
    requireCrds: true,
    database: {
      enabled: product.storage.kind === 'postgres',
      ...(product.storage.kind === 'postgres' ? { size: product.storage.size, ...buildingBlockChartImages().database } : {}),
      ...(storageClass ? { storageClassName: storageClass } : {}),
    },
  };
}
