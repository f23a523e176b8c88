import { xroadChartCatalogValues } from '../catalog';
import { xroadConfiguration } from '../mediator/xroad-config';
import { securityServerDatabasePods, securityServerPods } from '../model/pod-labels';
import { documentServerPods, documentServerPort, documentServerService } from '../model/service-descriptions';
import { DeploymentModel } from '../model/types';

/** What the values of the `govstack-xroad` release depend on besides the model. */
export interface XRoadValuesOptions {
  /** ServiceAccount of the mediator namespace (created by the stack, token automount off). */
  readonly serviceAccountName: string;
  /** The release waits for its workloads: the reconcile Job then runs as a hook the release waits for. */
  readonly waits: boolean;
  /** StorageClass of the servers' volumes. @default - the cluster's default class */
  readonly storageClass?: string;
}

/**
 * The values of the `govstack-xroad` release, as one object: the chart writes no fact of its
 * own, so everything it renders from the deployment is here. Images and ports come from the
 * catalog (`xroadChartCatalogValues`), each security server's Pod labels from the model's one
 * rule (`securityServerPods`, `securityServerDatabasePods`, which the connection graph selects
 * by), members, subsystems, services and access rights from `xroadConfiguration`, and the
 * bundled OpenAPI documents the chart's document server serves (`ModelBuildingBlock.apiDocuments`).
 * The chart tests (test/charts/run.sh) render the chart with exactly this object.
 */
export function xroadReleaseValues(model: DeploymentModel, options: XRoadValuesOptions): Record<string, unknown> {
  const mediator = model.mediator;
  const organisations = new Map(model.organisations.map((o) => [o.name, o]));
  // Members, subsystems, services and access rights, derived from the blueprint's flows; the
  // chart's reconcile Job applies them through the X-Road admin APIs on every change.
  const configuration = xroadConfiguration(model);
  const catalog = xroadChartCatalogValues();
  const serverCodes = new Map(configuration.securityServers.map((s) => [s.name, s.serverCode]));
  // Bundled OpenAPI documents, which the chart's document server serves to the security servers.
  const documents = Object.fromEntries(
    model.buildingBlocks
      .map(
        (b) => [b.id, Object.fromEntries(b.apiDocuments.flatMap((d) => (d.bundled ? [[d.bundled.key, d.bundled.content]] : [])))] as const,
      )
      .filter(([, files]) => Object.keys(files).length > 0),
  );
  return {
    instance: mediator.instance,
    serviceAccountName: options.serviceAccountName,
    centralServer: { enabled: mediator.centralServer },
    securityServers: mediator.securityServers.map((s) => {
      const org = organisations.get(s.organisation)!;
      return {
        name: s.name,
        organisation: org.name,
        memberClass: org.memberClass,
        memberCode: org.memberCode,
        serverCode: serverCodes.get(s.name)!,
        podLabels: securityServerPods(s.name),
        databasePodLabels: securityServerDatabasePods(s.name),
      };
    }),
    // Every image and port from the catalog; the chart has no deployable default of its own.
    images: catalog.images,
    ports: { ...catalog.ports, documentServer: documentServerPort.port },
    // Waited for with the release, unless the blueprint applies the mediator without waiting.
    reconcile: { enabled: true, hook: options.waits, configuration, image: catalog.reconcile.image },
    ...(options.storageClass ? { storage: { storageClassName: options.storageClass } } : {}),
    ...(Object.keys(documents).length > 0
      ? { documents: { serviceName: documentServerService, podLabels: documentServerPods, files: documents } }
      : {}),
  };
}
