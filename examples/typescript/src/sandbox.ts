/**
 * The GovStack sandbox declared in TypeScript: the same deployment as blueprints/sandbox.yaml,
 * validated by the same rules, synthesised to the same bytes as `govstack synth`.
 *
 *   node dist/sandbox.js [outdir]      # writes <outdir>/stacks/sandbox/cdk.tf.json
 */
import { Blueprint, CountryDeployment, GovStackApp, InputError, resolveBlueprint } from 'govstack-blueprint';

const ministries = [
  { name: 'ministry-of-interior', title: 'Ministry of Interior', class: 'GOV', code: '1001' },
  { name: 'ministry-of-finance', title: 'Ministry of Finance', class: 'GOV', code: '1002' },
  { name: 'ministry-of-social-protection', title: 'Ministry of Social Protection', class: 'GOV', code: '1003' },
  { name: 'digital-agency', title: 'National Digital Agency', class: 'GOV', code: '1004' },
];

export const sandbox: Blueprint = {
  metadata: {
    name: 'sandbox',
    country: 'DE',
    environment: 'dev',
    description: 'GovStack sandbox, a reference deployment of every building block with a published API',
  },
  target: { kind: 'kubeconfig', path: '~/.kube/config' },
  state: { backend: 'local' },
  mediator: {
    instance: 'SANDBOX',
    memberClasses: ['GOV', 'ORG'],
    centralServer: true,
    organisations: [...ministries, { name: 'civil-society', title: 'Civil Society Partner', class: 'ORG', code: '2001' }],
  },
  buildingBlocks: {
    identity: { owner: 'ministry-of-interior', exposure: 'external' },
    registration: {
      owner: 'ministry-of-social-protection',
      exposure: 'external',
      consumes: [
        { to: 'identity' },
        { to: 'digital-registries' },
        { to: 'consent' },
        { to: 'workflow', via: 'direct' },
        { to: 'gis' },
        { to: 'esignature' },
      ],
    },
    'digital-registries': { owner: 'ministry-of-social-protection', exposure: 'internal', consumes: [{ to: 'consent' }] },
    consent: { owner: 'digital-agency', exposure: 'external', consumes: [{ to: 'identity' }] },
    workflow: {
      owner: 'ministry-of-social-protection',
      exposure: 'internal',
      consumes: [{ to: 'messaging' }, { to: 'payments' }, { to: 'scheduler' }],
    },
    payments: { owner: 'ministry-of-finance', exposure: 'internal', consumes: [{ to: 'digital-registries' }, { to: 'identity' }] },
    messaging: { owner: 'digital-agency', exposure: 'none' },
    scheduler: { owner: 'digital-agency', exposure: 'internal', consumes: [{ to: 'messaging', via: 'direct' }] },
    esignature: { owner: 'digital-agency', exposure: 'internal', consumes: [{ to: 'identity' }] },
    gis: { owner: 'ministry-of-interior', exposure: 'external' },
    emarketplace: { owner: 'civil-society', exposure: 'external', consumes: [{ to: 'payments' }, { to: 'identity' }] },
    'information-mediator': { owner: 'digital-agency', exposure: 'internal' },
  },
  gateway: {
    domains: { external: 'api.sandbox.govstack.example', internal: 'internal.sandbox.govstack.example' },
    tls: { clusterIssuer: 'sandbox-ca' },
    rateLimit: { requests: 50, unit: 'Second' },
  },
  observability: {
    retention: { metrics: '15d', logs: '7d', traces: '3d' },
    alertReceivers: [
      {
        name: 'sandbox-operators',
        type: 'email',
        email: {
          to: 'operators@sandbox.govstack.example',
          from: 'alerts@sandbox.govstack.example',
          smarthost: 'smtp.sandbox.govstack.example:587',
        },
        secretRef: { name: 'alertmanager-email', key: 'smtp-password' },
      },
    ],
  },
};

if (require.main === module) {
  try {
    const model = resolveBlueprint(sandbox, { label: 'sandbox.ts' });
    const app = new GovStackApp({ outdir: process.argv[2] ?? 'out' });
    new CountryDeployment(app, model.name, { model });
    app.synth();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  }
}
