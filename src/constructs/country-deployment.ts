import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { DeploymentModel } from '../model/types';
import { consumerConfig } from '../model/consumer-config';
import { runnerComponent } from '../model/compliance';
import { deploymentNamespaces } from '../model/namespaces';
import { renderConnections } from './connection-policies';
import { BuildingBlock, ReleaseSettings } from './building-block';
import { ClusterTarget } from './cluster-target';
import { Gateway } from './gateway';
import { InformationMediator } from './information-mediator';
import { IsolatedNamespace } from './isolated-namespace';
import { Observability } from './observability';
import { configureStateBackend } from './state-backend';
import { constrainProviders } from './provider-versions';

/** Properties of {@link CountryDeployment}. */
export interface CountryDeploymentProps {
  /** The resolved deployment: everything this stack creates is derived from it. */
  readonly model: DeploymentModel;
}

/**
 * One country's GovStack deployment as one Terraform stack: cluster providers, state
 * backend, gateways, information mediator, observability, every enabled building block and,
 * with `compliance.enabled`, the compliance runner's namespace, with NetworkPolicies rendered
 * from the model's connection graph (declared flows, gateway routes, the platform's own paths)
 * and nothing else.
 */
export class CountryDeployment extends TerraformStack {
  /** The model this stack renders (from `resolveBlueprint`, `resolveModel` or `loadModels`). */
  readonly model: DeploymentModel;
  private readonly blocks = new Map<string, BuildingBlock>();

  /**
   * Create the construct and everything it holds, from its props alone.
   * @param scope - the parent construct (for a stack, the `App`)
   * @param id - stack id, also the folder `stacks/<id>`; use the model's `name` to match `govstack synth`
   * @param props - see CountryDeploymentProps
   */
  constructor(scope: Construct, id: string, props: CountryDeploymentProps) {
    super(scope, id);
    const model = (this.model = props.model);
    configureStateBackend(this, model.state, model.stateKey);
    new ClusterTarget(this, 'Cluster', { target: model.target });
    constrainProviders(this);

    const noWait = new Set(model.deployment.noWaitFor.map((n) => n.component));
    const releaseFor = (component: string): ReleaseSettings => ({
      ...model.deployment,
      waits: model.deployment.waits && !noWait.has(component),
    });
    const justification = (target: string) =>
      model.overrides.find((o) => o.control === 'pod-security' && o.target === target)?.justification;
    const gateway = new Gateway(this, 'Gateway', {
      model,
      release: releaseFor('gateway'),
      podSecurityJustification: justification('gateway'),
    });
    const mediator = new InformationMediator(this, 'Mediator', {
      model,
      release: releaseFor('mediator'),
      podSecurityJustification: model.mediator.podSecurityJustification,
    });
    const observability = model.observability.enabled
      ? new Observability(this, 'Observability', {
          model,
          release: releaseFor('observability'),
          podSecurityJustification: justification('observability'),
        })
      : undefined;

    for (const block of model.buildingBlocks) {
      this.blocks.set(
        block.id,
        new BuildingBlock(this, pascal(block.id), {
          block,
          deployment: model.name,
          release: releaseFor(block.id),
          config: consumerConfig(model, block),
          podSecurityJustification: block.podSecurityJustification,
          monitoring: observability ? { release: observability.metricsRelease } : undefined,
        }),
      );
    }

    const routed = model.gateway.routes
      .map((r) => this.blocks.get(r.buildingBlock)?.namespace)
      .filter((n): n is IsolatedNamespace => n !== undefined);
    gateway.publishRoutes(routed);
    // GovStack's compliance runner: a namespace like every other, its edges in the graph.
    const complianceRunner = model.compliance.enabled
      ? new IsolatedNamespace(this, 'ComplianceRunner', {
          name: model.compliance.namespace,
          deployment: model.name,
          component: runnerComponent,
        })
      : undefined;
    const namespaces = [
      ...gateway.namespaces,
      ...(complianceRunner ? [complianceRunner] : []),
      mediator.namespace,
      ...(observability ? [observability.namespace, observability.collectorNamespace] : []),
      ...[...this.blocks.values()].flatMap((b) => (b.namespace ? [b.namespace] : [])),
    ];
    const byName = new Map<string, IsolatedNamespace>();
    for (const ns of namespaces) byName.set(namespaceNameOf(ns, model), ns);
    renderConnections(byName, model.connections);
  }
}

/** `digital-registries` → `DigitalRegistries`: construct ids stay readable and stable. */
export function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The literal name of a namespace this stack creates (its `name` is a Terraform reference). */
function namespaceNameOf(ns: IsolatedNamespace, model: DeploymentModel): string {
  const literal = ns.literalName;
  if (!deploymentNamespaces(model).some((n) => n.name === literal)) throw new Error(`namespace ${literal} is not one the model declares`);
  return literal;
}
