/**
 * The in-cluster compliance run: per building block with a suite, a Job in its own namespace
 * runs GovStack's suite (runner image, scripts/images/compliance-runner.sh) against the
 * block's Service, as a consumer would. The connection exists only while the run does: the
 * edges below are rendered as NetworkPolicies with the Job and removed with it.
 */
import { commonLabels, namespaceNameLabel, podSecurityLabels } from '../constructs/labels';
import { DeploymentModel, ModelBuildingBlock } from '../model/types';
import { ComplianceSuite } from './suites';

/** The runner image, built locally from the suites' own pinned dependencies (scripts/images/compliance-runner.sh). */
export const runnerImage = { repository: 'govstack/compliance-runner', tag: '0.1.0' } as const;

/** Where the runner image holds entry.js, redirect.js and `suites/<building-block id>/`. */
export const runnerRoot = '/opt/govstack-compliance';

/** Component name of the runner (namespace suffix, labels). */
export const runnerComponent = 'compliance';

/** One connection the run needs: from the runner's Pods to a building block's Pods. */
export interface ComplianceEdge {
  readonly from: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  readonly to: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>>; readonly port: number };
  readonly protocol: 'TCP';
  readonly reason: string;
}

/** Namespace of the runner Jobs. */
export function runnerNamespace(model: DeploymentModel): string {
  const prefix =
    model.buildingBlocks[0]?.namespace.slice(0, model.buildingBlocks[0].namespace.length - model.buildingBlocks[0].id.length) ?? 'gs-';
  return `${prefix}${runnerComponent}`;
}

/** Labels of the runner Pod testing `blockId`. */
export function runnerPodLabels(blockId: string): Record<string, string> {
  return { 'govstack.global/component': runnerComponent, 'govstack.global/compliance-of': blockId };
}

/** The Pod port the block listens on and the labels selecting its Pods (image products: the generic chart's label). */
export function blockEndpoint(block: ModelBuildingBlock): { port: number; podLabels: Record<string, string> } {
  if (block.product.kind === 'image')
    return { port: block.product.containerPort, podLabels: { 'govstack.global/building-block': block.id } };
  // An upstream chart labels its Pods its own way: every Pod of the namespace, on the Service's port.
  return { port: block.servicePort, podLabels: {} };
}

/** The connection-graph edges of a compliance run (present only while the run is enabled). */
export function complianceEdges(model: DeploymentModel, blocks: readonly ModelBuildingBlock[]): ComplianceEdge[] {
  const ns = runnerNamespace(model);
  return blocks.map((block) => {
    const end = blockEndpoint(block);
    return {
      from: { namespace: ns, podLabels: runnerPodLabels(block.id) },
      to: { namespace: block.namespace, podLabels: end.podLabels, port: end.port },
      protocol: 'TCP',
      reason: `GovStack compliance suite of ${block.id} calls its Service as a consumer (govstack compliance)`,
    };
  });
}

/** Base URL of the block's Service inside the cluster. */
export function serviceUrl(block: ModelBuildingBlock): string {
  return `http://${block.serviceName}.${block.namespace}.svc:${block.servicePort}`;
}

/** Job name for a block. */
export function jobName(blockId: string): string {
  return `compliance-${blockId}`.slice(0, 63);
}

/**
 * Every object of the run, in apply order: the runner namespace (Pod Security restricted),
 * default-deny and DNS policies there, then per block a pair of policies (egress from the
 * runner, ingress at the block) and the Job.
 */
export function runManifests(
  model: DeploymentModel,
  runs: readonly { block: ModelBuildingBlock; suite: ComplianceSuite }[],
  timeoutSeconds: number,
): object[] {
  const ns = runnerNamespace(model);
  const labels = commonLabels(model.name, runnerComponent);
  const objects: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...labels, ...podSecurityLabels('restricted') } } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: ns, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-dns', namespace: ns, labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { [namespaceNameLabel]: 'kube-system' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
  ];
  const edges = complianceEdges(
    model,
    runs.map((r) => r.block),
  );
  runs.forEach(({ block, suite }, i) => {
    const edge = edges[i];
    const annotations = { 'govstack.global/connection-reason': edge.reason };
    objects.push(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `compliance-to-${block.id}`, namespace: ns, labels, annotations },
        spec: {
          podSelector: { matchLabels: edge.from.podLabels },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { [namespaceNameLabel]: edge.to.namespace } },
                  podSelector: { matchLabels: edge.to.podLabels },
                },
              ],
              ports: [{ protocol: 'TCP', port: edge.to.port }],
            },
          ],
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `from-compliance`, namespace: block.namespace, labels, annotations },
        spec: {
          podSelector: { matchLabels: edge.to.podLabels },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { [namespaceNameLabel]: ns } }, podSelector: { matchLabels: edge.from.podLabels } },
              ],
              ports: [{ protocol: 'TCP', port: edge.to.port }],
            },
          ],
        },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: jobName(block.id), namespace: ns, labels: { ...labels, ...runnerPodLabels(block.id) } },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: timeoutSeconds,
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels: { ...labels, ...runnerPodLabels(block.id) } },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                fsGroup: 10001,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [
                {
                  name: 'suite',
                  image: `${runnerImage.repository}:${runnerImage.tag}`,
                  imagePullPolicy: 'IfNotPresent',
                  command: [
                    'node',
                    `${runnerRoot}/entry.js`,
                    `${runnerRoot}/suites/${suite.buildingBlock}`,
                    suite.calls,
                    serviceUrl(block),
                  ],
                  env: [{ name: 'HOME', value: '/tmp' }],
                  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '768Mi' } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
            },
          },
        },
      },
    );
  });
  return objects;
}
