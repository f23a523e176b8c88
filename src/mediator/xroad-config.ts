import * as path from 'node:path';
import { ApiDescription } from '../catalog/types';
import { apiPathPrefixOf, distinctApis } from '../catalog/common';
import { DeploymentModel, ModelBuildingBlock } from '../model/types';
import { securityServerUrl, xroadClientTlsSecret } from '../model/consumer-config';

/**
 * The X-Road configuration of a deployment's information mediator, derived from the model:
 * what the reconcile Job of `charts/govstack-xroad` applies through the admin REST APIs, and
 * what `govstack mediator-config --format xroad` prints. Identifiers are in X-Road's encoded
 * form (`INSTANCE:CLASS:CODE:SUBSYSTEM`, services `…:SUBSYSTEM:SERVICE`), as the admin API
 * takes them; `consumer-config.ts` writes the same subsystems with `/` for the `X-Road-Client`
 * header and the `/r1/…` path.
 */
export interface XRoadConfiguration {
  readonly instance: string;
  /** The instance is self-contained: its central server runs in this deployment. */
  readonly centralServer: boolean;
  readonly memberClasses: readonly string[];
  /** Every organisation of the blueprint, as an X-Road member. */
  readonly members: readonly XRoadMember[];
  /** The security servers of this deployment, one per organisation running a building block here. */
  readonly securityServers: readonly XRoadSecurityServer[];
  /** One subsystem per enabled building block (subsystem code = building block id). */
  readonly subsystems: readonly XRoadSubsystem[];
  /** One entry per flow declared through the mediator, and nothing else. */
  readonly accessRights: readonly XRoadAccessRight[];
}

export interface XRoadMember {
  readonly memberClass: string;
  readonly memberCode: string;
  /** Organisation title, the X-Road member name. */
  readonly name: string;
  /** Organisation name in the blueprint. */
  readonly organisation: string;
}

export interface XRoadSecurityServer {
  /** Server name in the chart (object names `<release>-ss-<name>`). */
  readonly name: string;
  readonly ownerClass: string;
  readonly ownerCode: string;
  /** X-Road server code. */
  readonly serverCode: string;
  /** In-cluster HTTPS client endpoint of the server (the chart's Service), where information systems send requests. */
  readonly clientUrl: string;
}

export interface XRoadSubsystem {
  /** Encoded subsystem id, INSTANCE:CLASS:CODE:SUBSYSTEM. */
  readonly id: string;
  readonly memberClass: string;
  readonly memberCode: string;
  readonly subsystemCode: string;
  /** Building block title, the X-Road subsystem name. */
  readonly name: string;
  readonly buildingBlock: string;
  /** Security server of this deployment hosting the subsystem; null when the block runs elsewhere. */
  readonly securityServer: string | null;
  /** REST services (OpenAPI 3 descriptions) the subsystem provides here; none when it runs elsewhere. */
  readonly services: readonly XRoadService[];
  /**
   * How the information system connects to its security server: `HTTPS` (a client TLS
   * certificate registered for the subsystem) unless a justified `mediator-client-auth`
   * override relaxes it to `HTTPS_NO_AUTH`; null when the block runs elsewhere.
   */
  readonly connectionType: XRoadConnectionType | null;
  /** With `HTTPS`: where the chart puts the generated client certificate; null otherwise. */
  readonly clientTls: XRoadClientTls | null;
}

/** X-Road 7.8 ConnectionType values the project uses (HTTP, plain text, never). */
export type XRoadConnectionType = 'HTTPS' | 'HTTPS_NO_AUTH';

export interface XRoadClientTls {
  /** Namespace of the consumer workload, where the chart writes its key and certificate. */
  readonly namespace: string;
  /** kubernetes.io/tls Secret with tls.crt, tls.key and ca.crt (the security servers' CA). */
  readonly secretName: string;
  /** File name of the certificate (PEM) in the reconcile Job's certificate folder. */
  readonly certificateFile: string;
}

export interface XRoadService {
  /** Service code, from the API file's name. */
  readonly code: string;
  /** Encoded service id, INSTANCE:CLASS:CODE:SUBSYSTEM:SERVICE. */
  readonly id: string;
  /** The building block's API file the service publishes. */
  readonly api: string;
  /** Where the security server reads the OpenAPI description: the catalog's pinned file at the deployment's document source (upstream, mirror, or the mediator's document server when bundled). */
  readonly specUrl: string;
  /** Where the security server forwards requests: the provider's in-cluster Service plus the path prefix its product serves this API file under. */
  readonly serviceUrl: string;
  /** Request timeout in seconds. */
  readonly timeout: number;
  /** Encoded subsystem ids of the clients allowed to call the service (the consumers of its flows). */
  readonly clients: readonly string[];
}

export interface XRoadAccessRight {
  /** Consumer building block. */
  readonly from: string;
  /** Provider building block. */
  readonly to: string;
  /** Encoded subsystem id of the consumer (the service client). */
  readonly client: string;
  /** Encoded subsystem id of the provider. */
  readonly provider: string;
  /** Service codes of the provider the right covers (all of them); empty when the provider runs elsewhere. */
  readonly services: readonly string[];
  /** Security server that holds the right; null when the provider's security server is not in this deployment. */
  readonly securityServer: string | null;
  /** JSON pointer of the flow in the blueprint. */
  readonly pointer: string;
}

/** Request timeout of every service, seconds (X-Road's default). */
export const serviceTimeoutSeconds = 60;

/** Encoded X-Road id of a building block's subsystem. */
export function encodedSubsystemId(model: DeploymentModel, block: ModelBuildingBlock): string {
  return [model.mediator.instance, block.owner.memberClass, block.owner.memberCode, block.id].join(':');
}

/** X-Road server code of a security server: its name upper-cased (the chart's default too). */
export function serverCode(name: string): string {
  return name.toUpperCase();
}

/**
 * The in-cluster base URL of one of a building block's API files: Service, port and the path
 * prefix the block's product serves that file under (`apiPathPrefixOf`: the file's own server
 * path for a product that serves each file there, such as the Mockoon mock, else the product's
 * one prefix). X-Road appends the consumer's path after `/r1/<service id>` to it.
 */
export function serviceUrl(block: ModelBuildingBlock, api: ApiDescription): string {
  return `http://${block.serviceName}.${block.namespace}.svc.cluster.local:${block.servicePort}${apiPathPrefixOf(block.product, api)}`;
}

/**
 * Where a block's security server loads API file `file` from: the model's resolution at the
 * deployment's document source (`ModelBuildingBlock.apiDocuments`, src/model/service-descriptions.ts).
 * @throws Error when the model holds no document for the file.
 */
export function specUrl(block: ModelBuildingBlock, file: string): string {
  const doc = block.apiDocuments.find((d) => d.file === file);
  if (!doc) throw new Error(`${block.id}: the model resolved no document for ${file}`);
  return doc.url;
}

/**
 * Service codes of a building block's APIs, one per API file: the file name without extension,
 * characters other than ASCII letters, digits and `-` replaced by `-`. That stays inside X-Road
 * 7.8's strict identifier rule (letters, digits and '()+,-.=?, StrictIdentifierValidator.java,
 * which refuses `_`) and avoids `.`, which X-Road reads as a version separator. X-Road compares
 * service codes of one client ignoring case (ServiceDescriptionService.checkDuplicateServiceCodes),
 * so codes are kept distinct ignoring case. The same API published twice (`x.json` and `x.yaml`
 * in one folder) is one service, from the first file; two different files with the same name are
 * told apart by their folder.
 */
export function serviceCodes(apis: readonly ApiDescription[]): { code: string; api: ApiDescription }[] {
  const slug = (s: string) =>
    s
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 255);
  const taken = (code: string) => out.some((s) => s.code.toLowerCase() === code.toLowerCase());
  const out: { code: string; api: ApiDescription }[] = [];
  for (const api of distinctApis(apis)) {
    const stem = api.file.replace(/\.[^./]+$/, '');
    let code = slug(path.posix.basename(stem));
    if (taken(code)) code = slug(stem);
    if (!code || taken(code)) throw new Error(`cannot derive a distinct service code for ${api.file}`);
    out.push({ code, api });
  }
  return out;
}

/** Derive the X-Road configuration of the deployment's instance from its model. */
export function xroadConfiguration(model: DeploymentModel): XRoadConfiguration {
  const instance = model.mediator.instance;
  const byId = new Map(model.buildingBlocks.map((b) => [b.id, b]));
  const mediated = model.flows.filter((f) => f.via === 'mediator');
  const hostedHere = (b: ModelBuildingBlock) => b.product.kind !== 'external' && b.owner.securityServer !== undefined;

  const subsystems: XRoadSubsystem[] = model.buildingBlocks.map((block) => {
    const id = encodedSubsystemId(model, block);
    const services = hostedHere(block)
      ? serviceCodes(block.entry.apis).map(({ code, api }) => ({
          code,
          id: `${id}:${code}`,
          api: api.file,
          specUrl: specUrl(block, api.file),
          serviceUrl: serviceUrl(block, api),
          timeout: serviceTimeoutSeconds,
          clients: [...new Set(mediated.filter((f) => f.to === block.id).map((f) => encodedSubsystemId(model, byId.get(f.from)!)))].sort(),
        }))
      : [];
    const relaxed = model.overrides.some((o) => o.control === 'mediator-client-auth' && (o.target === block.id || o.target === 'mediator'));
    const connectionType: XRoadConnectionType | null = hostedHere(block) ? (relaxed ? 'HTTPS_NO_AUTH' : 'HTTPS') : null;
    return {
      id,
      connectionType,
      clientTls:
        connectionType === 'HTTPS'
          ? { namespace: block.namespace, secretName: xroadClientTlsSecret, certificateFile: `${block.id}.crt` }
          : null,
      memberClass: block.owner.memberClass,
      memberCode: block.owner.memberCode,
      subsystemCode: block.id,
      name: block.entry.title,
      buildingBlock: block.id,
      securityServer: hostedHere(block) ? block.owner.securityServer! : null,
      services,
    };
  });
  const subsystemOf = new Map(subsystems.map((s) => [s.buildingBlock, s]));

  return {
    instance,
    centralServer: model.mediator.centralServer,
    memberClasses: [...model.mediator.memberClasses],
    members: model.organisations.map((o) => ({
      memberClass: o.memberClass,
      memberCode: o.memberCode,
      name: o.title,
      organisation: o.name,
    })),
    securityServers: model.mediator.securityServers.map((s) => {
      const owner = model.organisations.find((o) => o.name === s.organisation)!;
      return {
        name: s.name,
        ownerClass: owner.memberClass,
        ownerCode: owner.memberCode,
        serverCode: serverCode(s.name),
        clientUrl: securityServerUrl(model, s.name),
      };
    }),
    subsystems,
    accessRights: mediated.map((flow) => {
      const provider = subsystemOf.get(flow.to)!;
      return {
        from: flow.from,
        to: flow.to,
        client: subsystemOf.get(flow.from)!.id,
        provider: provider.id,
        services: provider.services.map((s) => s.code),
        securityServer: provider.securityServer,
        pointer: flow.pointer,
      };
    }),
  };
}
