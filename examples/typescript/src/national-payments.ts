/**
 * A country's own products in TypeScript: the same deployment as
 * blueprints/examples/ghana-national-payments.yaml. Ghana's (illustrative) national payment
 * switch runs as the `payments` building block and its national identity chart as `identity`;
 * each gets the namespace, NetworkPolicies, gateway route, scraping and X-Road subsystem a
 * catalog product gets. Synthesised to the same bytes as `govstack synth` of the YAML file.
 *
 *   node dist/national-payments.js [outdir]      # writes <outdir>/stacks/gh-staging/cdk.tf.json
 */
import {
  Blueprint,
  CountryDeployment,
  CustomChartProductDecl,
  CustomImageProductDecl,
  GovStackApp,
  InputError,
  resolveBlueprint,
} from 'govstack-blueprint';

/** The national switch: an image the project's generic chart runs under every workload default. */
const nationalSwitch: CustomImageProductDecl = {
  title: 'National Payment Switch',
  source: 'https://switch.bog.gov.gh.example/releases/5.1.0 (illustrative national product)',
  image: { repository: 'registry.bog.gov.gh.example/switch/govstack-api', tag: '5.1.0' },
  containerPort: 8000,
  healthPath: '/health',
  metricsPath: '/metrics',
  writablePaths: ['/tmp'],
  resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  storage: { kind: 'postgres', size: '50Gi' },
  api: { pathPrefix: '/payments' },
};

/** The national identity service: the country's own Helm chart, held to Pod Security "restricted". */
const nationalId: CustomChartProductDecl = {
  kind: 'chart',
  title: 'National Identity Service (Ghana Card)',
  source: 'https://charts.nia.gov.gh.example/national-id-4.2.0.tgz (illustrative national product)',
  chart: { name: 'national-id', version: '4.2.0', repository: 'https://charts.nia.gov.gh.example' },
  values: { fullnameOverride: 'national-id' },
  service: { name: 'national-id', port: 8080 },
  pods: { labels: { 'app.kubernetes.io/name': 'national-id' }, port: { port: 8443, name: 'http' } },
  healthPath: '/actuator/health',
};

export const ghana: Blueprint = {
  metadata: {
    name: 'gh-staging',
    country: 'GH',
    environment: 'staging',
    description: 'Ghana staging on Amazon EKS, with the national payment switch and identity service as custom products',
  },
  target: { kind: 'eks', clusterName: 'govstack-staging', region: 'af-south-1' },
  state: { backend: 's3', bucket: 'gh-govstack-terraform-state', region: 'af-south-1' },
  mediator: {
    instance: 'GH-STAGING',
    memberClasses: ['GOV'],
    organisations: [
      { name: 'central-bank', title: 'Bank of Ghana', class: 'GOV', code: 'GH-BOG' },
      { name: 'nia', title: 'National Identification Authority', class: 'GOV', code: 'GH-NIA' },
      { name: 'social-welfare', title: 'Department of Social Welfare', class: 'GOV', code: 'GH-DSW' },
    ],
  },
  // Product ids are DNS labels that are not the block's catalog products (mock, external, …).
  customProducts: {
    payments: { 'national-switch': nationalSwitch },
    identity: { 'national-id': nationalId },
  },
  buildingBlocks: {
    payments: { product: 'national-switch', owner: 'central-bank', size: 'medium', exposure: 'internal', consumes: [{ to: 'identity' }] },
    identity: { product: 'national-id', owner: 'nia', exposure: 'internal' },
    registration: { owner: 'social-welfare', exposure: 'external', consumes: [{ to: 'identity' }, { to: 'payments' }] },
  },
  gateway: {
    domains: { external: 'services.gov.gh.example', internal: 'internal.gov.gh.example' },
    tls: { clusterIssuer: 'gh-issuer' },
  },
};

if (require.main === module) {
  try {
    const model = resolveBlueprint(ghana, { label: 'national-payments.ts' });
    const app = new GovStackApp({ outdir: process.argv[2] ?? 'out' });
    new CountryDeployment(app, model.name, { model });
    app.synth();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  }
}
