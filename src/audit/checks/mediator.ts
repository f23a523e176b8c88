import { Check, Finding } from '../types';
import { TerraformView, TfRelease } from '../terraform';
import { finding, tf } from './util';

function xroad(view: TerraformView): { release: TfRelease; image: string; full: boolean } | undefined {
  const [release] = view.releasesOf('govstack-xroad');
  if (!release) return undefined;
  const ss = view.effectiveValues(release).images?.securityServer ?? {};
  const image = `${ss.repository ?? ''}:${ss.tag ?? ''}${ss.digest ? `@${ss.digest}` : ''}`;
  return { release, image, full: /xroad-security-server-sidecar$/.test(String(ss.repository ?? '')) && !/-slim$/.test(String(ss.tag ?? '')) };
}

export const mediatorMessageLog: Check = {
  id: 'mediator-message-log',
  title: 'Information mediator keeps a message log and audit trail',
  requirements: ['govstack-im-6.6', 'govstack-cfr-architecture#req-2'],
  scope: 'The X-Road security server image the govstack-xroad release runs (values over chart defaults): only the full sidecar image has the message log add-on; the slim image has none.',
  run({ model, tf: view, blueprint }) {
    const x = xroad(view);
    if (!x) return [finding('FAIL', 'mediator', 'no govstack-xroad release: cross-organisation calls have no security server', [blueprint('/mediator')])];
    const servers = ((x.release.values.securityServers ?? []) as { name: string }[]).map((s) => s.name);
    const findings: Finding[] = [
      x.full
        ? finding('PASS', 'security server image', `${x.image}: full image with message logging (signed, time-stamped archive under /var/lib/xroad)`, [tf(x.release.address)])
        : finding('FAIL', 'security server image', `${x.image} is not the full sidecar image, so no message log is kept`, [tf(x.release.address)]),
    ];
    const owners = new Set(model.mediator.securityServers.map((s) => s.name));
    const missing = [...owners].filter((s) => !servers.includes(s));
    findings.push(
      missing.length === 0
        ? finding('PASS', 'security servers', `one per organisation running a building block here: ${servers.join(', ') || 'none'}`, [tf(x.release.address), blueprint('/mediator/organisations')])
        : finding('FAIL', 'security servers', `no security server for ${missing.join(', ')}`, [tf(x.release.address)]),
    );
    return findings;
  },
};

export const mediatorMonitoring: Check = {
  id: 'mediator-monitoring',
  title: 'Information mediator operational and environmental monitoring',
  requirements: ['govstack-im-6.7'],
  scope: 'The full sidecar image (operational and environmental monitoring daemons), the alert rules on security server availability, and who reviews X-Road\'s own monitoring data (X-Road Metrics is not deployable from public sources).',
  run({ tf: view, blueprint }) {
    const x = xroad(view);
    if (!x) return [finding('FAIL', 'mediator', 'no govstack-xroad release', [blueprint('/mediator')])];
    const findings: Finding[] = [
      x.full
        ? finding('PASS', 'monitoring daemons', `${x.image} runs X-Road operational and environmental monitoring`, [tf(x.release.address)])
        : finding('FAIL', 'monitoring daemons', `${x.image} has no operational or environmental monitoring`, [tf(x.release.address)]),
    ];
    const [rules] = view.releasesOf('govstack-observability');
    const template = rules ? (view.chartFile(rules, 'templates/prometheusrule.yaml') ?? '') : '';
    findings.push(
      rules && template.includes('GovStackXRoadSecurityServerDown')
        ? finding('PASS', 'availability alerts', 'alerts when a security server is down or missing (govstack-observability)', [tf(rules.address)])
        : finding('MANUAL', 'availability alerts', 'the deployment installs no alert on security server availability', [blueprint('/observability')], { askFor: ['the monitoring of security server availability'] }),
    );
    findings.push(
      finding('MANUAL', 'operational data', 'X-Road keeps operational and environmental data on each security server; no central X-Road Metrics collector is deployed', [tf(x.release.address)], {
        askFor: ['who queries the security servers\' operational monitoring data (request counts, failures, service health) and how often', 'the environmental monitoring thresholds (CPU, disk, memory) and their alerts'],
      }),
    );
    return findings;
  },
};
