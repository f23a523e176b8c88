import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { observabilityCatalog } from '../catalog';
import { DeploymentModel, Flow, ModelBuildingBlock } from '../model/types';
import { consumerConfig, securityServerClientPort } from '../model/consumer-config';
import { BuildingBlock, ReleaseSettings } from './building-block';
import { ClusterTarget } from './cluster-target';
import { Gateway } from './gateway';
import { InformationMediator, securityServerMessagePorts } from './information-mediator';
import { IsolatedNamespace } from './isolated-namespace';
import { Observability } from './observability';
import { configureStateBackend } from './state-backend';
import { constrainProviders } from './provider-versions';

export interface CountryDeploymentProps {
  /** The resolved deployment: everything this stack creates is derived from it. */
  readonly model: DeploymentModel;
}

/**
 * One country's GovStack deployment as one Terraform stack: cluster providers, state
 * backend, gateways, information mediator, observability and every enabled building block,
 * with NetworkPolicies that open exactly the declared flows, the gateway routes and metrics
 * scraping, and nothing else.
 */
export class CountryDeployment extends TerraformStack {
  readonly model: DeploymentModel;
  private readonly blocks = new Map<string, BuildingBlock>();

  constructor(scope: Construct, id: string, props: CountryDeploymentProps) {
    super(scope, id);
    const model = (this.model = props.model);
    configureStateBackend(this, model.state, model.stateKey);
    new ClusterTarget(this, 'Cluster', { target: model.target });
    constrainProviders(this);

    const release: ReleaseSettings = { ...model.deployment };
    const justification = (target: string) => model.overrides.find((o) => o.control === 'pod-security' && o.target === target)?.justification;
    const gateway = new Gateway(this, 'Gateway', { model, release, podSecurityJustification: justification('gateway') });
    const mediator = new InformationMediator(this, 'Mediator', { model, release, podSecurityJustification: model.mediator.podSecurityJustification });
    const observability = model.observability.enabled ? new Observability(this, 'Observability', { model, release, podSecurityJustification: justification('observability') }) : undefined;

    for (const block of model.buildingBlocks) {
      this.blocks.set(
        block.id,
        new BuildingBlock(this, pascal(block.id), {
          block,
          deployment: model.name,
          release,
          config: consumerConfig(model, block),
          podSecurityJustification: block.podSecurityJustification,
          monitoring: observability ? { release: observability.metricsRelease } : undefined,
        }),
      );
    }

    this.wireFlows(mediator);
    gateway.publishRoutes(model.gateway.routes.map((r) => this.namespaceOf(r.buildingBlock)).filter((n): n is IsolatedNamespace => n !== undefined));
    for (const route of model.gateway.routes) {
      const target = this.namespaceOf(route.buildingBlock);
      if (!target) continue;
      const tag = { 'govstack.global/route': route.host };
      gateway.edge(route.gateway).allowEgress(`To${pascal(route.buildingBlock)}`, { namespace: route.namespace }, [{ port: route.servicePort }], tag);
      target.allowIngress(`FromGateway${pascal(route.gateway)}`, { namespace: model.gateway.namespaces[route.gateway] }, [{ port: route.servicePort }], tag);
    }
    if (observability) {
      const scraping = { 'govstack.global/purpose': 'metrics-scraping' };
      const tracing = { 'govstack.global/purpose': 'trace-export' };
      const otlp = [{ port: observabilityCatalog.traces.otlpGrpcPort }, { port: observabilityCatalog.traces.otlpHttpPort }];
      for (const block of model.buildingBlocks) {
        const ns = this.namespaceOf(block.id);
        if (!ns) continue;
        ns.allowIngress('FromObservability', { namespace: model.observability.namespace }, [{ port: block.servicePort }], scraping);
        observability.namespace.allowEgress(`To${pascal(block.id)}`, { namespace: block.namespace }, [{ port: block.servicePort }], scraping);
        ns.allowEgress('ToObservability', { namespace: model.observability.namespace }, otlp, tracing);
        observability.namespace.allowIngress(`From${pascal(block.id)}`, { namespace: block.namespace }, otlp, tracing);
      }
    }
  }

  /**
   * Declared flows become NetworkPolicy allows on both ends: direct flows between the two
   * namespaces; mediated flows from the consumer to the mediator's client port and from
   * the mediator to the provider. Flows that leave the cluster (an external block) open
   * X-Road's message ports between security servers.
   */
  private wireFlows(mediator: InformationMediator): void {
    const viaMediator = new Map<string, Flow[]>();
    const providedViaMediator = new Map<string, Flow[]>();
    let crossesCluster = false;
    for (const flow of this.model.flows) {
      const consumer = this.blockOf(flow.from);
      const provider = this.blockOf(flow.to);
      const tag = { 'govstack.global/flow': `${flow.from}->${flow.to}` };
      if (flow.via === 'direct') {
        this.namespaceOf(flow.from)!.allowEgress(`To${pascal(flow.to)}`, { namespace: provider.namespace }, [{ port: provider.servicePort }], tag);
        this.namespaceOf(flow.to)!.allowIngress(`From${pascal(flow.from)}`, { namespace: consumer.namespace }, [{ port: provider.servicePort }], tag);
        continue;
      }
      if (consumer.product.kind === 'external' || provider.product.kind === 'external') crossesCluster = true;
      if (consumer.product.kind !== 'external') viaMediator.set(flow.from, [...(viaMediator.get(flow.from) ?? []), flow]);
      if (provider.product.kind !== 'external') providedViaMediator.set(flow.to, [...(providedViaMediator.get(flow.to) ?? []), flow]);
    }
    const tagOf = (flows: Flow[]) => ({ 'govstack.global/flow': flows.map((f) => `${f.from}->${f.to}`).join(',') });
    for (const [from, flows] of viaMediator) {
      const consumer = this.blockOf(from);
      this.namespaceOf(from)!.allowEgress('ToMediator', { namespace: this.model.mediator.namespace }, [{ port: securityServerClientPort }], tagOf(flows));
      mediator.namespace.allowIngress(`From${pascal(from)}`, { namespace: consumer.namespace }, [{ port: securityServerClientPort }], tagOf(flows));
    }
    for (const [to, flows] of providedViaMediator) {
      const provider = this.blockOf(to);
      mediator.namespace.allowEgress(`To${pascal(to)}`, { namespace: provider.namespace }, [{ port: provider.servicePort }], tagOf(flows));
      this.namespaceOf(to)!.allowIngress('FromMediator', { namespace: this.model.mediator.namespace }, [{ port: provider.servicePort }], tagOf(flows));
    }
    if (crossesCluster) mediator.openMessageExchange(securityServerMessagePorts);
  }

  private blockOf(id: string): ModelBuildingBlock {
    const block = this.model.buildingBlocks.find((b) => b.id === id);
    if (!block) throw new Error(`flow names unknown building block ${id}`);
    return block;
  }

  private namespaceOf(id: string): IsolatedNamespace | undefined {
    return this.blocks.get(id)?.namespace;
  }
}

/** `digital-registries` → `DigitalRegistries`: construct ids stay readable and stable. */
export function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
