import { mediatorCatalog } from '../catalog';
import { DeploymentModel, ModelBuildingBlock } from './types';

/** X-Road client port of a security server (HTTPS): the catalog's, which the chart's Service also uses. */
export const securityServerClientPort = mediatorCatalog.securityServer.ports.clientHttps;

/** The X-Road identifier of a building block's subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM. */
export function subsystemId(model: DeploymentModel, block: ModelBuildingBlock): string {
  return `${model.mediator.instance}/${block.owner.memberClass}/${block.owner.memberCode}/${block.id}`;
}

/** Helm release name of the mediator chart; its Services are named after it. */
export const mediatorReleaseName = 'xroad';

/** The chart's Service of a security server: `<release, at most 20 characters>-ss-<name>` (charts/govstack-xroad/templates/_helpers.tpl). */
export function securityServerService(name: string): string {
  return `${mediatorReleaseName.slice(0, 20).replace(/-+$/, '')}-ss-${name}`;
}

/** In-cluster URL of a security server's client endpoint (HTTPS). */
export function securityServerUrl(model: DeploymentModel, securityServer: string): string {
  return `https://${securityServerService(securityServer)}.${model.mediator.namespace}.svc.cluster.local:${securityServerClientPort}`;
}

/** Environment variable name for a provider's base URL, e.g. GOVSTACK_DIGITAL_REGISTRIES_URL. */
export function providerUrlVariable(providerId: string): string {
  return `GOVSTACK_${providerId.toUpperCase().replace(/-/g, '_')}_URL`;
}

/**
 * What a consumer building block needs to call its providers: one base URL per declared flow
 * (through its organisation's security server, or direct in-cluster), and its own X-Road
 * client identifier for the `X-Road-Client` header. Derived from the model, so no URL is
 * written by hand anywhere.
 */
export function consumerConfig(model: DeploymentModel, consumer: ModelBuildingBlock): Record<string, string> {
  const config: Record<string, string> = {};
  const flows = model.flows.filter((f) => f.from === consumer.id);
  for (const flow of flows) {
    const provider = model.buildingBlocks.find((b) => b.id === flow.to)!;
    config[providerUrlVariable(provider.id)] =
      flow.via === 'direct'
        ? `http://${provider.serviceName}.${provider.namespace}.svc.cluster.local:${provider.servicePort}`
        : `${securityServerUrl(model, consumer.owner.securityServer ?? '')}/r1/${subsystemId(model, provider)}`;
  }
  if (flows.some((f) => f.via === 'mediator')) config.GOVSTACK_XROAD_CLIENT = subsystemId(model, consumer);
  return config;
}
