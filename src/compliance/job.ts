/**
 * The in-cluster compliance run: per building block with a suite, a Job in the runner
 * namespace runs GovStack's suite (runner image, scripts/images/compliance-runner.sh) against
 * the block's Service, as a consumer would. The namespace and the runner's edges are the
 * deployment's own while `compliance.enabled` (src/model/compliance.ts): the stack renders them,
 * this file only makes the Jobs.
 */
import { apiPathPrefixOf } from '../catalog';
import { commonLabels } from '../constructs/labels';
import { runnerComponent, runnerPodLabels } from '../model/compliance';
import { DeploymentModel, ModelBuildingBlock } from '../model/types';
import { ComplianceSuite } from './suites';

/** The runner image, built locally from the suites' own pinned dependencies (scripts/images/compliance-runner.sh). */
export const runnerImage = { repository: 'govstack/compliance-runner', tag: '0.1.0' } as const;

/** Where the runner image holds entry.js, redirect.js, python/sitecustomize.py and `suites/<building-block id>/`. */
export const runnerRoot = '/opt/govstack-compliance';

/** Base URL of the block's Service inside the cluster. */
export function serviceUrl(block: ModelBuildingBlock): string {
  return `http://${block.serviceName}.${block.namespace}.svc:${block.servicePort}`;
}

/**
 * The base URL of the block's API at `serviceBase` (its Service, or its mock started on this
 * host): with the path prefix its product serves the block's first API file under
 * (`apiPathPrefixOf`, as the mediator's service URLs carry it; e.g. the consent mock's
 * `/apis/GovStack/consent-management-bb`). Every block with a suite and several API files runs
 * GovStack's example mock, which serves them all at the root.
 */
export function apiBaseUrl(block: ModelBuildingBlock, serviceBase: string): string {
  const api = block.entry.apis[0];
  return `${serviceBase}${api ? apiPathPrefixOf(block.product, api) : (block.product.apiPathPrefix ?? '')}`;
}

/** The runner's command line for a suite against `baseUrl` (entry.ts); `suitesDir` holds `<building-block id>/`, repository-shaped. */
export function entryCommand(entry: string, suitesDir: string, suite: ComplianceSuite, baseUrl: string): string[] {
  return [entry, suite.runner, `${suitesDir}/${suite.buildingBlock}`, suite.dir, suite.calls, baseUrl];
}

/** Job name for a block. */
export function jobName(blockId: string): string {
  return `compliance-${blockId}`.slice(0, 63);
}

/**
 * The Job of each run, in run order, in the runner namespace the stack renders with
 * `compliance.enabled` (the edges that let it reach each block are in the model's connection
 * graph, rendered as NetworkPolicies by the stack, not here).
 */
export function runManifests(
  model: DeploymentModel,
  runs: readonly { block: ModelBuildingBlock; suite: ComplianceSuite }[],
  timeoutSeconds: number,
): object[] {
  const ns = model.compliance.namespace;
  const labels = commonLabels(model.name, runnerComponent);
  return runs.map(({ block, suite }) => ({
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
          // The namespace's own ServiceAccount (IsolatedNamespace: named after the component, no token).
          serviceAccountName: runnerComponent,
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
                ...entryCommand(`${runnerRoot}/entry.js`, `${runnerRoot}/suites`, suite, apiBaseUrl(block, serviceUrl(block))),
              ],
              env: [{ name: 'HOME', value: '/tmp' }, ...Object.entries(suite.environment ?? {}).map(([name, value]) => ({ name, value }))],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '768Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  }));
}
