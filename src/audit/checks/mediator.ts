import { Check, Finding } from '../types';
import { TerraformView, TfRelease } from '../terraform';
import { finding, tf } from './util';

function xroad(view: TerraformView): { release: TfRelease; image: string; full: boolean } | undefined {
  const [release] = view.releasesOf('govstack-xroad');
  if (!release) return undefined;
  const ss = view.effectiveValues(release).images?.securityServer ?? {};
  const image = `${ss.repository ?? ''}:${ss.tag ?? ''}${ss.digest ? `@${ss.digest}` : ''}`;
  return {
    release,
    image,
    full: /xroad-security-server-sidecar$/.test(String(ss.repository ?? '')) && !/-slim$/.test(String(ss.tag ?? '')),
  };
}

export const mediatorMessageLog: Check = {
  id: 'mediator-message-log',
  title: 'Information mediator keeps a message log and audit trail',
  requirements: ['govstack-im-6.6', 'govstack-cfr-architecture#req-2'],
  scope:
    'The X-Road security server image the govstack-xroad release runs (values over chart defaults): only the full sidecar image has the message log add-on; the slim image has none.',
  run({ model, tf: view, blueprint }) {
    const x = xroad(view);
    if (!x)
      return [
        finding('FAIL', 'mediator', 'no govstack-xroad release: cross-organisation calls have no security server', [
          blueprint('/mediator'),
        ]),
      ];
    const servers = ((x.release.values.securityServers ?? []) as { name: string }[]).map((s) => s.name);
    const findings: Finding[] = [
      x.full
        ? finding(
            'PASS',
            'security server image',
            `${x.image}: full image with message logging (signed, time-stamped archive under /var/lib/xroad)`,
            [tf(x.release.address)],
          )
        : finding('FAIL', 'security server image', `${x.image} is not the full sidecar image, so no message log is kept`, [
            tf(x.release.address),
          ]),
    ];
    const owners = new Set(model.mediator.securityServers.map((s) => s.name));
    const missing = [...owners].filter((s) => !servers.includes(s));
    findings.push(
      missing.length === 0
        ? finding('PASS', 'security servers', `one per organisation running a building block here: ${servers.join(', ') || 'none'}`, [
            tf(x.release.address),
            blueprint('/mediator/organisations'),
          ])
        : finding('FAIL', 'security servers', `no security server for ${missing.join(', ')}`, [tf(x.release.address)]),
    );
    return findings;
  },
};

export const mediatorMonitoring: Check = {
  id: 'mediator-monitoring',
  title: 'Information mediator operational and environmental monitoring',
  requirements: ['govstack-im-6.7'],
  scope:
    "The full sidecar image (operational and environmental monitoring daemons), the alert rules on security server availability, and who reviews X-Road's own monitoring data (X-Road Metrics is not deployable from public sources).",
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
        ? finding('PASS', 'availability alerts', 'alerts when a security server is down or missing (govstack-observability)', [
            tf(rules.address),
          ])
        : finding(
            'MANUAL',
            'availability alerts',
            'the deployment installs no alert on security server availability',
            [blueprint('/observability')],
            { askFor: ['the monitoring of security server availability'] },
          ),
    );
    findings.push(
      finding(
        'MANUAL',
        'operational data',
        'X-Road keeps operational and environmental data on each security server; no central X-Road Metrics collector is deployed',
        [tf(x.release.address)],
        {
          askFor: [
            "who queries the security servers' operational monitoring data (request counts, failures, service health) and how often",
            'the environmental monitoring thresholds (CPU, disk, memory) and their alerts',
          ],
        },
      ),
    );
    return findings;
  },
};

/**
 * How each subsystem's information system authenticates to its security server, read from the
 * desired configuration the govstack-xroad release applies (`reconcile.configuration`).
 * `HTTPS` (client certificate registered for the subsystem) passes; `HTTPS_NO_AUTH` lets any
 * caller that reaches the security server act as the subsystem, so it FAILs unless a justified
 * `mediator-client-auth` override (for the block, or for `mediator`) waives it.
 */
export const mediatorClientAuth: Check = {
  id: 'mediator-client-auth',
  title: 'Information systems authenticate to their security server',
  requirements: ['govstack-cfr-security#req-3', 'govstack-cfr-architecture#req-2'],
  scope:
    "The connection type of every subsystem hosted on a security server of this deployment, as the govstack-xroad release's reconcile configuration declares it, and the mediator-client-auth overrides.",
  run({ model, tf: view, blueprint }) {
    const x = xroad(view);
    if (!x) return [finding('FAIL', 'mediator', 'no govstack-xroad release', [blueprint('/mediator')])];
    const configuration = view.effectiveValues(x.release).reconcile?.configuration as
      { subsystems?: { id: string; buildingBlock: string; securityServer: string | null; connectionType?: string | null }[] } | undefined;
    const hosted = (configuration?.subsystems ?? []).filter((s) => s.securityServer);
    if (hosted.length === 0)
      return [
        finding('MANUAL', 'client authentication', 'the release declares no hosted subsystem', [tf(x.release.address)], {
          askFor: ['how information systems authenticate to the security servers'],
        }),
      ];
    return hosted.map((s) => {
      const mode = s.connectionType ?? 'HTTPS_NO_AUTH';
      const subject = `${s.buildingBlock} (${s.id})`;
      if (mode === 'HTTPS')
        return finding('PASS', subject, `HTTPS with the subsystem's client TLS certificate registered on ${s.securityServer}`, [
          tf(x.release.address),
        ]);
      const override = model.overrides.find(
        (o) => o.control === 'mediator-client-auth' && (o.target === s.buildingBlock || o.target === 'mediator'),
      );
      if (override)
        return finding(
          'WAIVED',
          subject,
          `${mode} on ${s.securityServer} (mediator-client-auth override)`,
          [tf(x.release.address), blueprint(override.pointer)],
          { justification: override.justification },
        );
      return finding(
        'FAIL',
        subject,
        `${mode} on ${s.securityServer}: any caller that reaches the security server can call as this subsystem`,
        [tf(x.release.address)],
      );
    });
  },
};
