import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { DeploymentModel } from '../model/types';
import { mediatorReleaseName } from '../model/consumer-config';
import { stableJson } from '../stable-json';
import { ReleaseSettings, releaseArguments } from './building-block';
import { projectChart } from './chart-source';
import { IsolatedNamespace } from './isolated-namespace';
import { xroadReleaseValues } from './xroad-values';

/** Properties of {@link InformationMediator}. */
export interface InformationMediatorProps {
  /** The deployment; its mediator section and organisations drive everything here. */
  readonly model: DeploymentModel;
  /** How the release is applied. */
  readonly release: ReleaseSettings;
  /** Justification shown on the namespace when its Pod Security level is relaxed. @default - none */
  readonly podSecurityJustification?: string;
}

/**
 * The information mediator: an X-Road security server for each organisation that runs a
 * building block here, and a central server when the instance is self-contained. Consumers
 * reach their own organisation's security server; flows to providers leave from it.
 */
export class InformationMediator extends Construct {
  /** Namespace of the security servers, the central server and the reconcile Job. */
  readonly namespace: IsolatedNamespace;
  /** The `govstack-xroad` Helm release. */
  readonly release: Release;

  /**
   * Create the construct and everything it holds, from its props alone.
   * @param scope - the parent construct (for a stack, the `App`)
   * @param id - construct id; part of every resource's logical id, so changing it replaces resources
   * @param props - see InformationMediatorProps
   */
  constructor(scope: Construct, id: string, props: InformationMediatorProps) {
    super(scope, id);
    const { model, release } = props;
    const mediator = model.mediator;
    this.namespace = new IsolatedNamespace(this, 'Namespace', {
      name: mediator.namespace,
      deployment: model.name,
      component: 'mediator',
      podSecurity: mediator.podSecurity,
      podSecurityJustification: props.podSecurityJustification,
    });

    this.release = new Release(this, 'Release', {
      name: mediatorReleaseName,
      namespace: this.namespace.name,
      ...projectChart(this, 'govstack-xroad'),
      values: [
        stableJson(
          xroadReleaseValues(model, {
            serviceAccountName: this.namespace.serviceAccountName,
            waits: release.waits,
            storageClass: release.storageClass,
          }),
        ),
      ],
      ...releaseArguments(release),
      dependsOn: this.namespace.prerequisites,
    });
  }
}
