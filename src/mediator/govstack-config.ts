import { DeploymentModel } from '../model/types';
import { xroadConfiguration, XRoadConfiguration } from './xroad-config';

/**
 * GovStack's declarative Information Mediator configuration document: the `IMconf` schema of
 * the IM building block's Configuration Management API
 * (GovStackWorkingGroup/bb-information-mediator `api/GovStack_IM_Configuration_Management_API.yaml`,
 * `POST|PUT|PATCH /api/v1/config`). Members are organisations, applications are subsystems
 * (one per building block), services carry `specUrl` and `serviceUrl`, and `rights` name the
 * consumer by member name and application. The spec's sample (`GovStack_Configuration.yaml`)
 * spells `spec_url`/`service_url`; the schema, which is what an implementation validates
 * against, says `specUrl`/`serviceUrl`, and that is what is written here.
 */
export interface IMconf {
  readonly domain: string;
  readonly instance: string;
  readonly members: readonly {
    readonly name: string;
    readonly class: string;
    readonly code: string;
    readonly applications?: readonly {
      readonly id: string;
      readonly connection: 'http' | 'https';
      readonly services?: readonly {
        readonly id: string;
        readonly specUrl: string;
        readonly serviceUrl: string;
        readonly rights?: readonly { readonly member: string; readonly application: string }[];
      }[];
    }[];
  }[];
}

/** The IMconf document of a deployment (domain: its external gateway domain). */
export function govstackConfiguration(model: DeploymentModel, xroad: XRoadConfiguration = xroadConfiguration(model)): IMconf {
  const memberName = new Map(xroad.members.map((m) => [`${m.memberClass}:${m.memberCode}`, m.name]));
  const subsystemById = new Map(xroad.subsystems.map((s) => [s.id, s]));
  return {
    domain: model.gateway.domains.external,
    instance: xroad.instance,
    members: xroad.members.map((member) => {
      const applications = xroad.subsystems
        .filter((s) => s.memberClass === member.memberClass && s.memberCode === member.memberCode)
        .map((s) => ({
          id: s.subsystemCode,
          // Information systems reach their security server's client port over HTTPS (consumer-config.ts).
          connection: 'https' as const,
          ...(s.services.length > 0
            ? {
                services: s.services.map((service) => ({
                  id: service.code,
                  specUrl: service.specUrl,
                  serviceUrl: service.serviceUrl,
                  ...(service.clients.length > 0
                    ? {
                        rights: service.clients.map((client) => {
                          const c = subsystemById.get(client)!;
                          return { member: memberName.get(`${c.memberClass}:${c.memberCode}`)!, application: c.subsystemCode };
                        }),
                      }
                    : {}),
                })),
              }
            : {}),
        }));
      return {
        name: member.name,
        class: member.memberClass,
        code: member.memberCode,
        ...(applications.length > 0 ? { applications } : {}),
      };
    }),
  };
}
