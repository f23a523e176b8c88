import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { xroadChartImages } from '../catalog';
import { DeploymentModel } from '../model/types';
import { xroadConfiguration } from '../mediator/xroad-config';
import { mediatorReleaseName } from '../model/consumer-config';
import { stableJson } from '../stable-json';
import { ReleaseSettings, releaseArguments } from './building-block';
import { projectChart } from './chart-source';
import { IsolatedNamespace } from './isolated-namespace';

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

    const organisations = new Map(model.organisations.map((o) => [o.name, o]));
    // Members, subsystems, services and access rights, derived from the blueprint's flows; the
    // chart's reconcile Job applies them through the X-Road admin APIs on every change.
    const configuration = xroadConfiguration(model);
    const images = xroadChartImages();
    const serverCodes = new Map(configuration.securityServers.map((s) => [s.name, s.serverCode]));
    this.release = new Release(this, 'Release', {
      name: mediatorReleaseName,
      namespace: this.namespace.name,
      ...projectChart(this, 'govstack-xroad'),
      values: [
        stableJson({
          instance: mediator.instance,
          serviceAccountName: this.namespace.serviceAccountName,
          centralServer: { enabled: mediator.centralServer },
          securityServers: mediator.securityServers.map((s) => {
            const org = organisations.get(s.organisation)!;
            return { name: s.name, organisation: org.name, memberClass: org.memberClass, memberCode: org.memberCode, serverCode: serverCodes.get(s.name)! };
          }),
          // Every image from the catalog; the chart has no deployable default of its own.
          images: images.images,
          // Waited for with the release, unless the blueprint applies the mediator without waiting.
          reconcile: { enabled: true, hook: release.waits, configuration, image: images.reconcile.image },
          ...(release.storageClass ? { storage: { storageClassName: release.storageClass } } : {}),
        }),
      ],
      ...releaseArguments(release),
      dependsOn: this.namespace.prerequisites,
    });
  }
}
