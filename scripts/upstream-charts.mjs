// Where each pinned upstream chart lives: its public Git repository, the commit of its release
// tag, its folder, and the repositories of its remote dependencies. Read by
// scripts/chart-inventory.mjs (values keys and kinds) and scripts/render-upstream.mjs
// (helm template with the stack's values); the charts themselves are never committed.

/**
 * Where each pinned chart lives: repository, commit (the chart's release tag), folder, and
 * the repository holding each remote dependency (found there by its `<name>-<version>` tag).
 * Chart names and versions are checked against the catalog (dist/src/catalog) by each script.
 */
export const charts = [
  {
    name: 'kube-prometheus-stack',
    version: '88.5.3',
    repo: 'prometheus-community/helm-charts',
    commit: 'ea930baeebeba39f56d6b44e351f23b2a072a600',
    dir: 'charts/kube-prometheus-stack',
    deps: {
      'kube-state-metrics': 'prometheus-community/helm-charts',
      grafana: 'grafana-community/helm-charts',
      'prometheus-node-exporter': 'prometheus-community/helm-charts',
    },
  },
  {
    name: 'loki',
    version: '18.11.0',
    repo: 'grafana-community/helm-charts',
    commit: '3386a1156177c6bcd7fdb1ad4c6b1dda094296e0',
    dir: 'charts/loki',
    deps: {},
  },
  {
    name: 'tempo',
    version: '2.2.4',
    repo: 'grafana-community/helm-charts',
    commit: '7d2a00b35a277517aca7f815f7c84220e5dacf1e',
    dir: 'charts/tempo',
    deps: {},
  },
  {
    name: 'alloy',
    version: '1.11.1',
    repo: 'grafana/alloy',
    commit: '233907cff225ce253f812bdfc14138dac1fa0cd2',
    dir: 'operations/helm/charts/alloy',
    deps: {},
  },
  {
    name: 'gateway-helm',
    version: 'v1.9.0',
    repo: 'envoyproxy/gateway',
    commit: '39763b1c07ec30a5526fe70434a2cfe4181de642',
    dir: 'charts/gateway-helm',
    // The chart is published from values.tmpl.yaml with the image tag filled in (tools/make/helm.mk).
    valuesFile: 'values.tmpl.yaml',
    deps: {},
    // How the release workflow (.github/workflows/release.yaml) fills the template (tools/make/helm.mk helm-generate: envsubst
    // with IMAGE=docker.io/envoyproxy/gateway, TAG=v1.9.0, IMAGE_PULL_POLICY default IfNotPresent)
    // and packages it (`helm package --version v1.9.0 --app-version v1.9.0`).
    publish: {
      env: { GatewayImage: 'docker.io/envoyproxy/gateway:v1.9.0', GatewayImagePullPolicy: 'IfNotPresent' },
      version: 'v1.9.0',
      appVersion: 'v1.9.0',
    },
    // templates/envoy-gateway-config.yaml renders config.envoyGateway whole as the EnvoyGateway
    // configuration (api/v1alpha1/envoygateway_types.go), so any field of that API passes.
    passThrough: {
      'config.envoyGateway':
        'rendered whole into the EnvoyGateway configuration (templates/envoy-gateway-config.yaml); its fields are those of api/v1alpha1/envoygateway_types.go',
    },
  },
  {
    name: 'consentbb',
    version: '2023.12.4',
    repo: 'decentralised-dataexchange/bb-consent-infrastructure',
    commit: 'b68fe26cba5c656731e4d7e9e6c2131193e16077',
    dir: '',
    deps: {},
  },
  {
    name: 'esignet',
    version: '1.6.2',
    repo: 'mosip/esignet',
    commit: '37bb188e58a0b3532c59a2b5f364dfd05e7c57b0',
    dir: 'helm/esignet',
    deps: {},
  },
];
