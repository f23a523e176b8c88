import { runnerComponent } from './compliance';
import { DeploymentModel, ModelBuildingBlock } from './types';
import { ordinal } from '../ordinal';

/** What the namespace helpers read: the model without its connection graph (which they help build). */
export type ModelFacts = Omit<DeploymentModel, 'connections'>;

/** Building blocks that run in this cluster (external products have no namespace). */
export function deployedBlocks(model: ModelFacts): ModelBuildingBlock[] {
  return model.buildingBlocks.filter((b) => b.product.kind !== 'external');
}

/** A namespace the deployment creates, the component it holds and the override target that may relax it. */
export interface DeploymentNamespace {
  readonly name: string;
  readonly component: string;
  readonly overrideTarget?: string;
}

/** Every namespace the deployment creates (the compliance runner's only when enabled), sorted by name. */
export function deploymentNamespaces(model: ModelFacts): DeploymentNamespace[] {
  const gw = model.gateway.namespaces;
  return [
    ...deployedBlocks(model).map((b) => ({ name: b.namespace, component: b.id, overrideTarget: b.id })),
    { name: gw.controller, component: 'gateway', overrideTarget: 'gateway' },
    { name: gw.external, component: 'gateway-external', overrideTarget: 'gateway' },
    { name: gw.internal, component: 'gateway-internal', overrideTarget: 'gateway' },
    { name: model.mediator.namespace, component: 'mediator', overrideTarget: 'mediator' },
    ...(model.observability.enabled
      ? [
          { name: model.observability.namespace, component: 'observability', overrideTarget: 'observability' },
          { name: model.observability.collectorNamespace, component: 'log-collector' },
        ]
      : []),
    ...(model.compliance.enabled ? [{ name: model.compliance.namespace, component: runnerComponent }] : []),
  ].sort((a, b) => ordinal(a.name, b.name));
}
