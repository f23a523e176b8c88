import { Check, Finding } from '../types';
import { providerUrlVariable } from '../../model/consumer-config';
import { finding, tf } from './util';

export const inClusterTls: Check = {
  id: 'in-cluster-tls',
  title: 'Calls between building blocks are encrypted',
  requirements: ['govstack-cfr-security#req-1'],
  scope:
    'The provider URLs the generic chart releases receive (config values): a mediated flow goes to the consumer\'s security server over HTTPS; a direct flow goes to the provider\'s Service, in plain HTTP unless the URL says otherwise. GovStack allows plaintext only in an isolated development environment, so plaintext fails outside "dev" and needs the auditor\'s confirmation in "dev". The legs the cluster carries after TLS ends (gateway to building block, security server to provider) are not visible in Terraform.',
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const releases = new Map(view.releasesOf('govstack-building-block').map((r) => [r.name, r]));
    for (const flow of model.flows) {
      const release = releases.get(flow.from);
      if (!release) continue; // an external consumer: its side runs elsewhere
      const url = String(release.values.config?.[providerUrlVariable(flow.to)] ?? '');
      const subject = `flow ${flow.from} -> ${flow.to} (${flow.via})`;
      const ev = [tf(release.address), blueprint(flow.pointer)];
      if (url.startsWith('https://')) findings.push(finding('PASS', subject, `HTTPS: ${url}`, ev));
      else if (!url)
        findings.push(finding('FAIL', subject, `the consumer is given no URL for ${flow.to} (${providerUrlVariable(flow.to)})`, ev));
      else if (model.environment === 'dev') {
        findings.push(
          finding(
            'MANUAL',
            subject,
            `plaintext HTTP inside the cluster (${url}); admissible only in an isolated development environment`,
            ev,
            {
              askFor: [`confirmation that "${model.name}" is an isolated development environment holding no production or personal data`],
            },
          ),
        );
      } else findings.push(finding('FAIL', subject, `plaintext HTTP in a ${model.environment} environment (${url})`, ev));
    }
    findings.push(
      finding(
        'MANUAL',
        'after TLS termination',
        "TLS ends at the gateways and at the security servers; their calls on to the building blocks' Services use whatever scheme the products serve",
        [],
        {
          askFor: [
            'whether gateway-to-backend and security-server-to-provider traffic is encrypted (service mesh mTLS, BackendTLSPolicy or HTTPS backends), or the risk acceptance for plaintext inside the cluster',
            "the TLS versions and cipher suites of the X-Road security servers' client and message ports",
          ],
        },
      ),
    );
    return findings;
  },
};
