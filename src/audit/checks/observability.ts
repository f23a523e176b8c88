import { observabilityCatalog } from '../../catalog';
import { UpstreamComponent } from '../../blueprint/types';
import { AuditContext, Check, Finding } from '../types';
import { deployedBlocks } from '../expected';
import { namespaceAllows } from './network';
import { finding, tf } from './util';

/** The release of an upstream observability component, a MANUAL finding when the cluster already runs it, or a FAIL. */
function component(ctx: AuditContext, name: UpstreamComponent, title: string, namespace: string): Finding {
  const { model, tf: view, blueprint } = ctx;
  if (!model.observability.enabled) {
    return finding('MANUAL', title, 'observability is disabled in the blueprint', [blueprint('/observability/enabled')], {
      askFor: [`the ${title} the deployment uses instead, and evidence that it receives this deployment's data`],
    });
  }
  if (model.deployment.preinstalled.includes(name)) {
    return finding('MANUAL', title, 'preinstalled on the cluster, not installed by this stack', [blueprint('/deployment/preinstalled')], {
      askFor: [`the configuration of the cluster's ${title} and evidence that it covers the namespaces of this deployment`],
    });
  }
  const release = ctx.tf.releases.find((r) => r.name === name && r.namespace === namespace);
  return release
    ? finding('PASS', title, `${release.chart} ${release.version ?? ''} in ${namespace}`.trim(), [tf(release.address)])
    : finding(
        'FAIL',
        title,
        `no ${name} release in ${namespace}`,
        view.namespace(namespace) ? [tf(view.namespace(namespace)!.address)] : [],
      );
}

export const centralLogging: Check = {
  id: 'central-logging',
  title: 'Container logs are collected centrally',
  requirements: ['govstack-cfr-security#req-7'],
  scope:
    "The log store (Loki) and the node log collector (Alloy) releases, which ship every container's stdout, gateway access logs included.",
  run(ctx) {
    const obs = ctx.model.observability.namespace;
    return [
      component(ctx, 'logs', 'log store', obs),
      component(ctx, 'log-collector', 'node log collector', ctx.model.observability.collectorNamespace),
    ];
  },
};

export const securityEventLogs: Check = {
  id: 'security-event-logs',
  title: 'Security events are logged with context',
  requirements: ['govstack-cfr-security#req-7', 'govstack-cfr-security#req-16'],
  scope: 'What products write to their logs is product behaviour, verified from documents and samples.',
  run({ model, blueprint }) {
    return [
      finding(
        'MANUAL',
        'building block logs',
        `${deployedBlocks(model).length} building blocks log to stdout, collected centrally`,
        [blueprint('/buildingBlocks')],
        {
          askFor: [
            'for each product: how security events (authentication, authorisation failures, configuration changes) are tagged or separated',
            'a log sample showing timestamps, trace IDs and user or service context, and no secrets or personal data',
            'the retention and access control of the log store',
          ],
        },
      ),
    ];
  },
};

export const tracing: Check = {
  id: 'tracing',
  title: 'Correlation and trace IDs across calls',
  requirements: ['govstack-cfr-architecture#req-13'],
  scope:
    'The trace store release and whether building blocks can reach it; generating and propagating trace IDs is product and gateway behaviour, verified from documents.',
  run(ctx) {
    const { model, tf: view } = ctx;
    const findings = [component(ctx, 'traces', 'trace store', model.observability.namespace)];
    if (model.observability.enabled && !model.deployment.preinstalled.includes('traces')) {
      const { egress } = namespaceAllows(view);
      const otlp = [observabilityCatalog.traces.otlpGrpcPort, observabilityCatalog.traces.otlpHttpPort].map((p) => `${p}/TCP`);
      const senders = deployedBlocks(model).filter((b) =>
        (egress.get(`${b.namespace}>${model.observability.namespace}`) ?? []).some((s) => s.ports.some((p) => otlp.includes(p))),
      );
      if (senders.length === 0) {
        findings.push(
          finding(
            'MANUAL',
            'trace export',
            `no NetworkPolicy lets a building block send spans to the trace store (OTLP ${otlp.join(', ')}), so only traces produced inside ${model.observability.namespace} reach it`,
            [],
            {
              askFor: ['how traces of building-block calls are exported, or the decision to rely on correlation IDs in logs only'],
            },
          ),
        );
      }
    }
    findings.push(
      finding(
        'MANUAL',
        'trace ID propagation',
        'a correlation ID must be created at the entry (gateway) and passed on by every building block and security server',
        [],
        {
          askFor: [
            'the gateway setting that creates or forwards the request ID (x-request-id or W3C traceparent)',
            'for each product: evidence that it propagates the ID on downstream calls and writes it to its logs',
          ],
        },
      ),
    );
    return findings;
  },
};

export const metricsObservability: Check = {
  id: 'metrics-observability',
  title: 'Metrics, dashboards and alerts for every building block',
  requirements: ['govstack-cfr-architecture#req-15', 'govstack-cfr-security#req-7'],
  scope:
    "The metrics stack release, the project's alert rules and dashboard covering every deployed building block, and a ServiceMonitor for each product that publishes Prometheus metrics (generic chart values).",
  run(ctx) {
    const { model, tf: view } = ctx;
    const findings = [component(ctx, 'metrics', 'metrics stack', model.observability.namespace)];
    const [rules] = view.releasesOf('govstack-observability');
    const deployed = deployedBlocks(model)
      .map((b) => b.id)
      .sort();
    if (model.observability.enabled) {
      const covered = ((rules?.values.buildingBlocks ?? []) as (string | { id?: string })[])
        .map((b) => (typeof b === 'string' ? b : String(b.id)))
        .sort();
      const missing = deployed.filter((id) => !covered.includes(id));
      findings.push(
        rules && missing.length === 0
          ? finding('PASS', 'alert rules and dashboard', `cover all ${deployed.length} building blocks`, [tf(rules.address)])
          : finding(
              'FAIL',
              'alert rules and dashboard',
              rules ? `do not cover ${missing.join(', ')}` : 'the govstack-observability release is missing',
              rules ? [tf(rules.address)] : [],
            ),
      );
    }
    const releases = view.releasesOf('govstack-building-block');
    const scraped = releases.filter((r) => r.values.metrics?.enabled === true);
    const silent = releases.filter((r) => r.values.metrics?.enabled !== true);
    if (scraped.length > 0)
      findings.push(
        finding(
          'PASS',
          'product metrics',
          `ServiceMonitor for ${scraped.map((r) => `${r.name} (${r.values.metrics.path})`).join(', ')}`,
          scraped.map((r) => tf(r.address)),
        ),
      );
    if (silent.length > 0) {
      findings.push(
        finding(
          'MANUAL',
          'product metrics',
          `the catalog knows no Prometheus metrics endpoint for ${silent.map((r) => r.name).join(', ')}; their availability is measured from probes and kube-state-metrics only`,
          silent.map((r) => tf(r.address)),
          {
            askFor: [
              "for each of these products: whether it exposes metrics (and on which path), or the vendor's statement that it does not",
            ],
          },
        ),
      );
    }
    return findings;
  },
};
