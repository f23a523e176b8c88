import { GatewayEntry } from '../platform-types';

/** Envoy Gateway at its v1.9.0 tag (2026-08-15, the newest release in the repository). */
const eg = 'envoyproxy/gateway@39763b1c07ec30a5526fe70434a2cfe4181de642';
const crds = `${eg}:charts/gateway-helm/charts/crds/crds`;

/**
 * API gateway: the Kubernetes Gateway API, implemented by Envoy Gateway.
 *
 * - Chart: `gateway-helm`, pushed to `oci://docker.io/envoyproxy` with the version from the
 *   repository's `VERSION` file (`v1.9.0`, with a leading "v"; tools/make/helm.mk,
 *   tools/make/common.mk). `upstreamChart` installs an OCI chart from `<repository>/<name>`.
 * - Gateway API: Envoy Gateway v1.9 is built against Gateway API v1.6.1 and supports
 *   Kubernetes v1.33–v1.36 (site/content/en/news/releases/matrix.md; go.mod). The chart's `crds`
 *   subchart installs the Gateway API CRDs of the **experimental** channel, bundle-version
 *   v1.6.1 (charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml), a superset of the
 *   standard channel. The project's charts use only standard-channel kinds (Gateway,
 *   HTTPRoute at gateway.networking.k8s.io/v1).
 * - Envoy Gateway's own kinds are served and stored at gateway.envoyproxy.io/v1alpha1
 *   (generated CRDs in the same folder).
 * - Controller name: `gateway.envoyproxy.io/gatewayclass-controller`
 *   (api/v1alpha1/envoygateway_types.go, GatewayControllerName; also the chart's default config).
 */
export const gatewayCatalog: GatewayEntry = {
  implementation: 'Envoy Gateway v1.9.0',
  chart: { name: 'gateway-helm', version: 'v1.9.0', repository: 'oci://docker.io/envoyproxy' },
  gatewayApi: {
    version: 'v1.6.1',
    channelInstalled: 'experimental',
    source: `${eg}:site/content/en/news/releases/matrix.md; ${crds}/gatewayapi-crds.yaml`,
  },
  kubernetesVersions: ['1.33', '1.34', '1.35', '1.36'],
  gatewayClassName: 'govstack',
  controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
  apiVersions: {
    Gateway: 'gateway.networking.k8s.io/v1',
    HTTPRoute: 'gateway.networking.k8s.io/v1',
    ClientTrafficPolicy: 'gateway.envoyproxy.io/v1alpha1',
    BackendTrafficPolicy: 'gateway.envoyproxy.io/v1alpha1',
    SecurityPolicy: 'gateway.envoyproxy.io/v1alpha1',
    EnvoyProxy: 'gateway.envoyproxy.io/v1alpha1',
  },
  features: [
    {
      field: 'ClientTrafficPolicy spec.tls.minVersion',
      note: 'enum Auto, "1.0", "1.1", "1.2", "1.3"; default TLS 1.2 when unset, so "1.3" must be set explicitly',
      source: `${crds}/generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml`,
    },
    {
      field: 'BackendTrafficPolicy spec.rateLimit.local',
      note: 'local (per-proxy) rate limit rules; the older spec.rateLimit.type Global|Local is deprecated in v1.9 in favour of the global/local fields',
      source: `${crds}/generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml`,
    },
    {
      field: 'SecurityPolicy spec.oidc',
      note: 'OpenID Connect authentication at the gateway (also spec.jwt and spec.authorization)',
      source: `${crds}/generated/gateway.envoyproxy.io_securitypolicies.yaml`,
    },
  ],
  // The project's choice: HTTPS on 443; HTTP on 80 only to redirect to HTTPS.
  listenerPorts: { https: 443, http: 80 },
  pods: {
    proxyLabels: { 'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway' },
    proxyHttps: { port: 10443 },
    proxyHttp: { port: 10080 },
    proxyStats: { port: 19001, name: 'metrics' },
    xds: { port: 18000 },
    webhook: { port: 9443 },
    source: `${eg}:internal/infrastructure/kubernetes/proxy/resource.go (proxy labels, container ports); ${eg}:internal/gatewayapi/listener.go (privileged ports + 10000); ${eg}:charts/gateway-helm/templates/envoy-gateway-deployment.yaml (xDS 18000, webhook 9443)`,
  },
  sources: [
    `${eg}:charts/gateway-helm/Chart.yaml`,
    `${eg}:tools/make/helm.mk`,
    `${eg}:VERSION`,
    `${eg}:site/content/en/news/releases/matrix.md`,
    `${eg}:api/v1alpha1/envoygateway_types.go`,
  ],
};
