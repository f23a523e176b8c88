import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { gatewayCatalog } from '../catalog';
import { DeploymentModel } from '../model/types';
import { deepMerge, stableJson } from '../stable-json';
import { ReleaseSettings, releaseArguments } from './building-block';
import { projectChart, upstreamChart } from './chart-source';
import { IsolatedNamespace } from './isolated-namespace';

/** Properties of {@link Gateway}. */
export interface GatewayProps {
  /** The deployment; its gateway section and routes drive everything here. */
  readonly model: DeploymentModel;
  /** How releases are applied. */
  readonly release: ReleaseSettings;
  /** Justification shown on the namespaces when their Pod Security level is relaxed. @default - none */
  readonly podSecurityJustification?: string;
}

/**
 * The API gateways (Kubernetes Gateway API, Envoy Gateway): a controller namespace and two
 * segregated gateways, external and internal, each in its own namespace so NetworkPolicy
 * can hold them apart (the connection graph admits anyone to the external one, only private
 * address ranges to the internal one). TLS 1.3 minimum, rate limiting, access logging and optional OIDC
 * are set on the gateways; exposed building blocks get one HTTPRoute each.
 */
export class Gateway extends Construct {
  /** Namespace of the gateway controller (Envoy Gateway). */
  readonly controller: IsolatedNamespace;
  private readonly controllerRelease?: Release;
  private readonly edges: Record<'external' | 'internal', IsolatedNamespace>;
  private readonly model: DeploymentModel;
  private readonly release: ReleaseSettings;

  /**
   * Create the construct and everything it holds, from its props alone.
   * @param scope - the parent construct (for a stack, the `App`)
   * @param id - construct id; part of every resource's logical id, so changing it replaces resources
   * @param props - see GatewayProps
   */
  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    const { model, release } = props;
    const gw = model.gateway;
    const common = { deployment: model.name, podSecurity: gw.podSecurity, podSecurityJustification: props.podSecurityJustification };
    this.controller = new IsolatedNamespace(this, 'ControllerNamespace', {
      ...common,
      name: gw.namespaces.controller,
      component: 'gateway',
    });
    this.edges = {
      external: new IsolatedNamespace(this, 'ExternalNamespace', {
        ...common,
        name: gw.namespaces.external,
        component: 'gateway-external',
      }),
      internal: new IsolatedNamespace(this, 'InternalNamespace', {
        ...common,
        name: gw.namespaces.internal,
        component: 'gateway-internal',
      }),
    };

    if (!release.preinstalled.includes('gateway-controller'))
      this.controllerRelease = new Release(this, 'Controller', {
        name: 'envoy-gateway',
        namespace: this.controller.name,
        ...upstreamChart(gatewayCatalog.chart, release.charts),
        // Proxies run in each Gateway's own namespace, so NetworkPolicy keeps external and internal apart.
        values: [
          stableJson(
            deepMerge(gatewayCatalog.values ?? {}, {
              config: { envoyGateway: { provider: { type: 'Kubernetes', kubernetes: { deploy: { type: 'GatewayNamespace' } } } } },
            }),
          ),
        ],
        ...releaseArguments(release),
        dependsOn: this.controller.prerequisites,
      });

    this.model = model;
    this.release = release;
  }

  /**
   * Install the gateways and their routes. Routes live in the exposed building blocks'
   * namespaces, so the release waits for those (and the controller's CRDs) to exist.
   */
  publishRoutes(routeNamespaces: readonly IsolatedNamespace[]): Release {
    return new Release(this, 'Gateways', {
      name: 'govstack-gateway',
      namespace: this.controller.name,
      ...projectChart(this, 'govstack-gateway'),
      values: [stableJson(gatewayValues(this.model))],
      ...releaseArguments(this.release),
      dependsOn: [
        ...(this.controllerRelease ? [this.controllerRelease] : []),
        ...this.controller.prerequisites,
        ...this.edges.external.prerequisites,
        ...this.edges.internal.prerequisites,
        ...routeNamespaces.map((n) => n.resource),
      ],
    });
  }

  /** The controller's and both gateways' namespaces. */
  get namespaces(): readonly IsolatedNamespace[] {
    return [this.controller, this.edges.external, this.edges.internal];
  }
}

/** Values for `charts/govstack-gateway` (see its values.schema.json). */
function gatewayValues(model: DeploymentModel) {
  const gw = model.gateway;
  const edge = (which: 'external' | 'internal') => ({
    enabled: true,
    namespace: gw.namespaces[which],
    hostnames: [`*.${gw.domains[which]}`],
    tls: { certificateSecret: gw.tls.certificateSecret ?? '', clusterIssuer: gw.tls.clusterIssuer ?? '' },
    loadBalancerAnnotations: which === 'internal' ? gw.internalLoadBalancerAnnotations : {},
  });
  return {
    gatewayClassName: gatewayCatalog.gatewayClassName,
    controllerName: gatewayCatalog.controllerName,
    gateways: { external: edge('external'), internal: edge('internal') },
    tls: { minVersion: gw.tlsMinVersion },
    // Every client address gets its own bucket (local rate limit, sourceCIDR Distinct).
    rateLimit: { ...gw.rateLimit, clientCidrs: gatewayCatalog.rateLimiting.clientCidrs },
    accessLog: true,
    // Port 80 only answers with a redirect to HTTPS.
    httpRedirect: true,
    // A missing Gateway API or Envoy Gateway CRD fails the apply with the chart's message.
    requireCrds: true,
    ...(gw.oidc ? { oidc: gw.oidc } : {}),
    routes: gw.routes.map((r) => ({
      name: r.buildingBlock,
      namespace: r.namespace,
      gateway: r.gateway,
      hostname: r.host,
      pathPrefix: '/',
      serviceName: r.serviceName,
      servicePort: r.servicePort,
    })),
  };
}
