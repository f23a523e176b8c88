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
      field: 'BackendTrafficPolicy spec.rateLimit.local.rules[].clientSelectors[].sourceCIDR',
      note: 'local (per-proxy) rate limit rules, per distinct client address with sourceCIDR type Distinct (since v1.4); the older spec.rateLimit.type Global|Local is deprecated in v1.9 in favour of the global/local fields',
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
    proxyLabels: {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
    },
    proxyHttps: { port: 10443 },
    proxyHttp: { port: 10080 },
    proxyStats: { port: 19001, name: 'metrics' },
    xds: { port: 18000 },
    webhook: { port: 9443 },
    source: `${eg}:internal/infrastructure/kubernetes/proxy/resource.go (proxy labels, container ports); ${eg}:internal/gatewayapi/listener.go (privileged ports + 10000); ${eg}:charts/gateway-helm/templates/envoy-gateway-deployment.yaml (xDS 18000, webhook 9443)`,
  },
  // Envoy Gateway copies a Gateway's spec.infrastructure.annotations onto its proxy Service
  // (internal/gatewayapi/translator.go, proxy metadata; internal/infrastructure/kubernetes/proxy/resource_provider.go).
  internalLoadBalancerAnnotations: {
    eks: {
      // The first is read by the AWS Load Balancer Controller, the second by the in-tree AWS cloud provider.
      annotations: {
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
        'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
      },
      source:
        'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#lb-scheme; https://kubernetes.io/docs/reference/labels-annotations-taints/#service-beta-kubernetes-io-aws-load-balancer-internal',
    },
    aks: {
      annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' },
      source: 'https://learn.microsoft.com/en-us/azure/aks/internal-lb',
    },
    gke: {
      annotations: { 'networking.gke.io/load-balancer-type': 'Internal' },
      source: 'https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balancing',
    },
  },
  rateLimiting: {
    clientCidrs: ['0.0.0.0/0', '::/0'],
    maxTrackedClientsPerListener: 10000,
    note:
      'Envoy Gateway v1.4 added distinct source-CIDR local rate limiting (release-notes/v1.4.0.yaml): a local rule whose clientSelectors hold sourceCIDR {type: Distinct, value: <range>} ' +
      'gives every client address in the range its own token bucket per proxy replica and route (internal/xds/translator/local_ratelimit.go, buildCIDRMatchLocalRateLimitActions), ' +
      'and the CRD accepts it under spec.rateLimit.local (gateway.envoyproxy.io_backendtrafficpolicies.yaml: local.rules[].clientSelectors[].sourceCIDR.type enum Exact|Distinct). ' +
      'So a per-client limit needs no global rate-limit service and no Redis. The task page\'s "Local rate limiting does not support distinct matching" predates v1.4. ' +
      'A listener tracks at most 10 000 distinct clients (MaxDynamicDescriptors, least recently used evicted). ' +
      "Envoy sees the client's address because the proxy Service keeps externalTrafficPolicy Local (EnvoyProxy default, api/v1alpha1/shared_types.go).",
    source: `${eg}:release-notes/v1.4.0.yaml; ${eg}:internal/gatewayapi/backendtrafficpolicy.go (buildLocalRateLimit, buildRateLimitRule); ${eg}:internal/xds/translator/local_ratelimit.go; ${crds}/generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml; ${eg}:api/v1alpha1/ratelimit_types.go (SourceMatchDistinct); ${eg}:api/v1alpha1/shared_types.go (ExternalTrafficPolicy default Local)`,
  },
  sources: [
    `${eg}:charts/gateway-helm/Chart.yaml`,
    `${eg}:tools/make/helm.mk`,
    `${eg}:VERSION`,
    `${eg}:site/content/en/news/releases/matrix.md`,
    `${eg}:api/v1alpha1/envoygateway_types.go`,
  ],
};
