import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { gatewayCatalog } from '../catalog';
import { DeploymentModel } from '../model/types';
import { deepMerge, stableJson } from '../stable-json';
import { ReleaseSettings, releaseArguments } from './building-block';
import { projectChart, upstreamChart } from './chart-source';
import { IsolatedNamespace, PortRule } from './isolated-namespace';

/** Address ranges an internal gateway accepts traffic from (RFC 1918 private networks). */
export const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** Envoy listens on the listener port plus 10000 when the port is privileged (443 → 10443). */
const envoyHttpsContainerPort = 10443;
/** Envoy Gateway's xDS port, which proxies dial on the controller. */
const xdsPort = 18000;
/** The Kubernetes API as seen by controllers: any address, HTTPS ports only. */
const kubeApi = { name: 'kube-api', cidrs: ['0.0.0.0/0'] };
const kubeApiPorts: PortRule[] = [{ port: 443 }, { port: 6443 }];

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
 * can hold them apart — the external one reachable from anywhere, the internal one only from
 * private address ranges. TLS 1.3 minimum, rate limiting, access logging and optional OIDC
 * are set on the gateways; exposed building blocks get one HTTPRoute each.
 */
export class Gateway extends Construct {
  readonly controller: IsolatedNamespace;
  private readonly controllerRelease?: Release;
  private readonly edges: Record<'external' | 'internal', IsolatedNamespace>;
  private readonly model: DeploymentModel;
  private readonly release: ReleaseSettings;

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    const { model, release } = props;
    const gw = model.gateway;
    const common = { deployment: model.name, podSecurity: gw.podSecurity, podSecurityJustification: props.podSecurityJustification };
    this.controller = new IsolatedNamespace(this, 'ControllerNamespace', { ...common, name: gw.namespaces.controller, component: 'gateway' });
    this.edges = {
      external: new IsolatedNamespace(this, 'ExternalNamespace', { ...common, name: gw.namespaces.external, component: 'gateway-external' }),
      internal: new IsolatedNamespace(this, 'InternalNamespace', { ...common, name: gw.namespaces.internal, component: 'gateway-internal' }),
    };

    this.controller.allowEgress('KubeApi', kubeApi, kubeApiPorts);
    this.edges.external.allowIngress('Clients', { name: 'any', cidrs: ['0.0.0.0/0'] }, [{ port: envoyHttpsContainerPort }]);
    this.edges.internal.allowIngress('Clients', { name: 'private-ranges', cidrs: privateRanges }, [{ port: envoyHttpsContainerPort }]);
    for (const [name, edge] of Object.entries(this.edges)) {
      edge.allowEgress('Controller', { namespace: gw.namespaces.controller }, [{ port: xdsPort }]);
      this.controller.allowIngress(`Proxies${name}`, { namespace: `${gw.namespaces[name as 'external' | 'internal']}` }, [{ port: xdsPort }]);
    }
    if (gw.oidc) this.edges.external.allowEgress('OidcIssuer', { name: 'oidc-issuer', cidrs: ['0.0.0.0/0'] }, [{ port: 443 }]);

    if (!release.preinstalled.includes('gateway-controller')) this.controllerRelease = new Release(this, 'Controller', {
      name: 'envoy-gateway',
      namespace: this.controller.name,
      ...upstreamChart(gatewayCatalog.chart, release.charts),
      // Proxies run in each Gateway's own namespace, so NetworkPolicy keeps external and internal apart.
      values: [stableJson(deepMerge(gatewayCatalog.values ?? {}, { config: { envoyGateway: { provider: { type: 'Kubernetes', kubernetes: { deploy: { type: 'GatewayNamespace' } } } } } }))],
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

  /** The namespace of the external or internal gateway's proxies. */
  edge(which: 'external' | 'internal'): IsolatedNamespace {
    return this.edges[which];
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
    rateLimit: gw.rateLimit,
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
