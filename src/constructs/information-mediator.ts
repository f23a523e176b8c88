import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { DeploymentModel } from '../model/types';
import { xroadConfiguration } from '../mediator/xroad-config';
import { mediatorReleaseName } from '../model/consumer-config';
import { stableJson } from '../stable-json';
import { ReleaseSettings } from './building-block';
import { projectChart } from './chart-source';
import { IsolatedNamespace } from './isolated-namespace';

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
  readonly namespace: IsolatedNamespace;
  readonly release: Release;

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
          // Waited for with the release, unless the blueprint applies the mediator without waiting.
          reconcile: { enabled: true, hook: release.waits, configuration },
          ...(release.storageClass ? { storage: { storageClassName: release.storageClass } } : {}),
        }),
      ],
      wait: release.waits,
      timeout: release.timeoutSeconds,
      maxHistory: 5,
      dependsOn: [this.namespace.serviceAccount],
    });
  }
}
