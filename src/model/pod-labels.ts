import { mediatorCatalog } from '../catalog';
import { PodPort } from '../catalog/types';
import { ModelBuildingBlock } from './types';

/**
 * Labels that select the Pods of a building block's API, and the port they listen on. The
 * project's generic chart labels its workload Pods with the building block's id and the
 * component `workload` (charts/govstack-building-block/templates/_helpers.tpl,
 * `gsbb.selectorLabels`; its datastore is `datastore`), and names the container port `http`
 * (templates/deployment.yaml); an upstream chart's labels and port are catalog facts
 * (`ChartProduct.pods`). External products have no Pods here: `undefined`.
 */
export function buildingBlockPods(block: ModelBuildingBlock): { labels: Record<string, string>; port: PodPort } | undefined {
  const product = block.product;
  if (product.kind === 'image') {
    return {
      labels: { 'app.kubernetes.io/name': block.id, 'app.kubernetes.io/component': 'workload' },
      port: { port: product.containerPort, name: 'http' },
    };
  }
  if (product.kind === 'chart')
    return {
      labels: { ...product.pods.labels },
      port: { port: product.pods.port.port, ...(product.pods.port.name ? { name: product.pods.port.name } : {}) },
    };
  return undefined;
}

/** Labels of every security server's Pods. */
export const allSecurityServerPods: Readonly<Record<string, string>> = { 'app.kubernetes.io/component': 'security-server' };

/** The label naming which security server a Pod belongs to (the server's own Pods and its database). */
const serverLabel = 'govstack.global/security-server';

/**
 * Labels of one security server's Pods: the one rule, which the stack passes to
 * charts/govstack-xroad per server (`securityServers[].podLabels`) and the connection graph
 * selects by; the chart writes no such label of its own.
 */
export function securityServerPods(name: string): Record<string, string> {
  return { ...allSecurityServerPods, [serverLabel]: name };
}

/**
 * Labels of one security server's database Pods (passed as `securityServers[].databasePodLabels`):
 * the same server label, another component, so that no selector of a security server picks them.
 */
export function securityServerDatabasePods(name: string): Record<string, string> {
  return { 'app.kubernetes.io/component': 'datastore', [serverLabel]: name };
}

/** Labels of the mediator's reconcile Job Pods (charts/govstack-xroad/templates/reconcile-job.yaml). */
export const reconcileJobPods: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'xroad-reconcile',
  'app.kubernetes.io/component': 'reconcile',
};

/** Ports a security server listens on, from the catalog (X-Road user guide §2). */
export const securityServerPorts = mediatorCatalog.securityServer.ports;
