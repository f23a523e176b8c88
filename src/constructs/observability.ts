import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { ObservabilityComponent, observabilityCatalog } from '../catalog';
import { UpstreamComponent } from '../blueprint/types';
import { DeploymentModel } from '../model/types';
import { stableJson } from '../stable-json';
import { ReleaseSettings, releaseArguments } from './building-block';
import { projectChart, upstreamChart } from './chart-source';
import { IsolatedNamespace } from './isolated-namespace';

/** Why node log collection cannot run under restricted or baseline Pod Security. */
export const logCollectorJustification =
  'Node log collection reads container logs from the host (/var/log/pods, read-only hostPath), which only the privileged level admits; ' +
  'the collector is alone in its namespace, so nothing else gains that level (govstack-cfr-security#req-7 needs central logs).';

/** Properties of {@link Observability}. */
export interface ObservabilityProps {
  /** The deployment; its observability section drives retention and receivers. */
  readonly model: DeploymentModel;
  /** How the releases are applied. */
  readonly release: ReleaseSettings;
  /** Justification shown on the namespace when its Pod Security level is relaxed. @default - none */
  readonly podSecurityJustification?: string;
}

/**
 * Metrics, logs, traces, dashboards and alerts from pinned upstream charts, plus the
 * project's own GovStack alert rules, receivers (by Secret reference) and dashboard. The
 * node log collector runs alone in a privileged namespace because it reads host log files.
 */
export class Observability extends Construct {
  /** Namespace of metrics, logs, traces, dashboards and alerting. */
  readonly namespace: IsolatedNamespace;
  /** Namespace of the node log collector, alone because it runs privileged (it reads host log files). */
  readonly collectorNamespace: IsolatedNamespace;
  /** The kube-prometheus-stack release, which installs the monitoring CRDs; absent when preinstalled. */
  readonly metricsRelease?: Release;

  /**
   * Create the construct and everything it holds, from its props alone.
   * @param scope - the parent construct (for a stack, the `App`)
   * @param id - construct id; part of every resource's logical id, so changing it replaces resources
   * @param props - see ObservabilityProps
   */
  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { model, release } = props;
    const obs = model.observability;
    this.namespace = new IsolatedNamespace(this, 'Namespace', {
      name: obs.namespace,
      deployment: model.name,
      component: 'observability',
      podSecurity: obs.podSecurity,
      podSecurityJustification: props.podSecurityJustification,
    });
    this.collectorNamespace = new IsolatedNamespace(this, 'CollectorNamespace', {
      name: obs.collectorNamespace,
      deployment: model.name,
      component: 'log-collector',
      podSecurity: 'privileged',
      podSecurityJustification: logCollectorJustification,
    });
    const upstream = (
      id: string,
      name: UpstreamComponent,
      component: ObservabilityComponent,
      namespace: IsolatedNamespace,
      values: object,
    ) =>
      release.preinstalled.includes(name)
        ? undefined
        : new Release(this, id, {
            name,
            namespace: namespace.name,
            ...upstreamChart(component.chart, release.charts),
            values: [stableJson(values)],
            ...releaseArguments(release),
            dependsOn: namespace.prerequisites,
          });

    const sizing = { size: obs.size, storageClass: release.storageClass };
    const inCluster = (service: string, port: number) => `http://${service}.${obs.namespace}.svc.cluster.local:${port}`;
    const logsUrl = inCluster(observabilityCatalog.logs.serviceName, observabilityCatalog.logs.pushPort);
    const tracesUrl = inCluster(observabilityCatalog.traces.serviceName, observabilityCatalog.traces.queryPort);
    const metrics = upstream(
      'Metrics',
      'metrics',
      observabilityCatalog.metrics,
      this.namespace,
      observabilityCatalog.metrics.valuesFor({ retention: obs.retention.metrics, logsUrl, tracesUrl, ...sizing }),
    );
    this.metricsRelease = metrics;
    upstream(
      'Logs',
      'logs',
      observabilityCatalog.logs,
      this.namespace,
      observabilityCatalog.logs.valuesFor({ retention: obs.retention.logs, ...sizing }),
    );
    upstream(
      'Traces',
      'traces',
      observabilityCatalog.traces,
      this.namespace,
      observabilityCatalog.traces.valuesFor({ retention: obs.retention.traces, ...sizing }),
    );
    upstream(
      'Collector',
      'log-collector',
      observabilityCatalog.collector,
      this.collectorNamespace,
      observabilityCatalog.collector.valuesFor({ logsUrl, size: obs.size }),
    );

    new Release(this, 'Rules', {
      name: 'govstack-observability',
      namespace: this.namespace.name,
      ...projectChart(this, 'govstack-observability'),
      values: [
        stableJson({
          retention: obs.retention.metrics,
          receivers: obs.receivers.map((r) => ({
            name: r.name,
            type: r.type,
            secretName: r.secretName,
            key: r.secretKey,
            ...(r.email
              ? {
                  to: r.email.to,
                  from: r.email.from,
                  smarthost: r.email.smarthost,
                  ...(r.email.username ? { authUsername: r.email.username } : {}),
                }
              : {}),
            ...(r.channel ? { channel: r.channel } : {}),
          })),
          buildingBlocks: model.buildingBlocks
            .filter((b) => b.product.kind !== 'external')
            .map((b) => ({ id: b.id, namespace: b.namespace })),
          xroad: { namespace: model.mediator.namespace },
          gateway: { proxyNamespaces: [model.gateway.namespaces.external, model.gateway.namespaces.internal] },
          // A missing monitoring CRD fails the apply with the chart's message; nothing is skipped.
          requireCrds: true,
        }),
      ],
      ...releaseArguments(release),
      dependsOn: [...this.namespace.prerequisites, ...(metrics ? [metrics] : [])],
    });
  }
}
