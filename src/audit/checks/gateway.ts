import { Check, Finding } from '../types';
import { TerraformView, TfRelease } from '../terraform';
import { kubernetesCatalog } from '../../catalog';
import { finding, tf } from './util';

const privateRanges = kubernetesCatalog.privateRanges;

/** The release of the project's gateway chart, or a FAIL finding saying it is missing. */
function gatewayRelease(view: TerraformView): TfRelease | Finding {
  const [release] = view.releasesOf('govstack-gateway');
  return release ?? finding('FAIL', 'gateways', 'no release of the govstack-gateway chart: the deployment has no API gateway', []);
}

const isFinding = (x: TfRelease | Finding): x is Finding => 'status' in x;

export const gatewayTls13: Check = {
  id: 'gateway-tls13',
  title: 'Gateways accept TLS 1.3 only',
  requirements: ['govstack-cfr-security#req-1'],
  scope:
    'The govstack-gateway release values: minimum TLS version of the ClientTrafficPolicy on both gateways, and a certificate source (cert-manager issuer or existing Secret) for each. A tls-min-version override is WAIVED with its justification.',
  run({ model, tf: view, blueprint }) {
    const release = gatewayRelease(view);
    if (isFinding(release)) return [release];
    const findings: Finding[] = [];
    const min = String(release.values.tls?.minVersion ?? '');
    const override = model.overrides.find((o) => o.control === 'tls-min-version' && o.target === 'gateway');
    if (min === '1.3')
      findings.push(
        finding('PASS', 'TLS minimum version', 'TLS 1.3 minimum on both gateways', [tf(release.address), blueprint('/gateway/tls')]),
      );
    else if (override)
      findings.push(
        finding(
          'WAIVED',
          'TLS minimum version',
          `TLS ${min || '(unset)'} accepted (tls-min-version override)`,
          [tf(release.address), blueprint(override.pointer)],
          { justification: override.justification },
        ),
      );
    else
      findings.push(
        finding('FAIL', 'TLS minimum version', `minimum TLS version is ${min || 'unset (the proxy default admits TLS 1.2)'}`, [
          tf(release.address),
        ]),
      );
    for (const edge of ['external', 'internal'] as const) {
      const tls = release.values.gateways?.[edge]?.tls ?? {};
      findings.push(
        tls.clusterIssuer || tls.certificateSecret
          ? finding(
              'PASS',
              `${edge} gateway certificate`,
              tls.clusterIssuer ? `issued by cert-manager ClusterIssuer ${tls.clusterIssuer}` : `from Secret ${tls.certificateSecret}`,
              [tf(release.address), blueprint('/gateway/tls')],
            )
          : finding('FAIL', `${edge} gateway certificate`, 'no certificate source: the listener cannot terminate TLS', [
              tf(release.address),
            ]),
      );
    }
    return findings;
  },
};

export const gatewaysSegregated: Check = {
  id: 'gateways-segregated',
  title: 'Separate external and internal gateways, each in its own namespace',
  requirements: ['govstack-cfr-security#req-9', 'govstack-security-8.1.1'],
  scope:
    'Both gateways are enabled in separate namespaces; the internal one admits clients from private ranges only (NetworkPolicy); every route is attached to the gateway matching its building block\'s exposure, and a building block with exposure "none" has no route.',
  run({ model, tf: view, blueprint }) {
    const release = gatewayRelease(view);
    if (isFinding(release)) return [release];
    const findings: Finding[] = [];
    const gws = release.values.gateways ?? {};
    const external = String(gws.external?.namespace ?? '');
    const internal = String(gws.internal?.namespace ?? '');
    if (
      gws.external?.enabled &&
      gws.internal?.enabled &&
      external &&
      internal &&
      external !== internal &&
      view.namespace(external) &&
      view.namespace(internal)
    ) {
      findings.push(
        finding('PASS', 'gateways', `external gateway in ${external}, internal gateway in ${internal}`, [
          tf(release.address),
          tf(view.namespace(external)!.address),
          tf(view.namespace(internal)!.address),
        ]),
      );
    } else {
      findings.push(
        finding(
          'FAIL',
          'gateways',
          'the external and internal gateways are not both enabled in two separate namespaces of this deployment',
          [tf(release.address)],
        ),
      );
    }
    const clientRules = view
      .policiesIn(internal)
      .flatMap((p) => p.rules.filter((r) => r.direction === 'ingress' && r.peers.some((x) => x.cidrs)).map((r) => ({ p, r })));
    const publicRule = clientRules.find(({ r }) => r.peers.some((x) => x.cidrs?.some((c) => !privateRanges.includes(c))));
    if (publicRule)
      findings.push(
        finding('FAIL', 'internal gateway clients', 'the internal gateway admits clients from outside the private ranges', [
          tf(publicRule.p.address),
        ]),
      );
    else if (clientRules.length > 0) {
      const ports = [...new Set(clientRules.flatMap(({ r }) => (r.ports.length > 0 ? r.ports.map((x) => x.port) : ['every port'])))].sort();
      findings.push(
        finding(
          'PASS',
          'internal gateway clients',
          `admits clients from ${privateRanges.join(', ')} on ${ports.join(', ')} only`,
          clientRules.map(({ p }) => tf(p.address)),
        ),
      );
    } else findings.push(finding('PASS', 'internal gateway clients', 'admits no client from outside the cluster', []));
    const routes = (release.values.routes ?? []) as { name: string; gateway: string; hostname: string }[];
    for (const block of model.buildingBlocks) {
      const own = routes.filter((r) => r.name === block.id);
      const subject = `exposure of ${block.id}`;
      const ev = [tf(release.address), blueprint(`${block.pointer}/exposure`)];
      if (block.exposure === 'none') {
        if (own.length > 0)
          findings.push(finding('FAIL', subject, `declared "none" but routed on ${own.map((r) => r.gateway).join(', ')}`, ev));
        continue;
      }
      if (own.length === 1 && own[0].gateway === block.exposure && own[0].hostname === block.host)
        findings.push(finding('PASS', subject, `${block.host} on the ${block.exposure} gateway only`, ev));
      else
        findings.push(
          finding(
            'FAIL',
            subject,
            `declared ${block.exposure} (${block.host}) but routed as ${own.map((r) => `${r.hostname} on ${r.gateway}`).join(', ') || 'nothing'}`,
            ev,
          ),
        );
    }
    for (const r of routes.filter((r) => !model.buildingBlocks.some((b) => b.id === r.name))) {
      findings.push(
        finding('FAIL', `route ${r.name}`, `route ${r.hostname} is not a declared building block's exposure`, [tf(release.address)]),
      );
    }
    return findings;
  },
};

export const gatewayRateLimit: Check = {
  id: 'gateway-rate-limit',
  title: 'Rate limiting at the gateways',
  requirements: ['govstack-security-8.1.10', 'govstack-cfr-security#req-9'],
  scope:
    'The govstack-gateway release values: a positive request limit per time unit, applied per route on both gateways and per client address ' +
    "(every IPv4 and IPv6 address its own bucket, so one client cannot use up the others' budget).",
  run({ tf: view, blueprint }) {
    const release = gatewayRelease(view);
    if (isFinding(release)) return [release];
    const rl = release.values.rateLimit ?? {};
    const where = [tf(release.address), blueprint('/gateway/rateLimit')];
    const ok = Number.isInteger(rl.requests) && rl.requests > 0 && ['Second', 'Minute', 'Hour', 'Day'].includes(rl.unit);
    if (!ok) return [finding('FAIL', 'rate limit', 'no valid rate limit in the gateway values', [tf(release.address)])];
    const limit = `${rl.requests} requests per ${String(rl.unit).toLowerCase()}`;
    const ranges: string[] = Array.isArray(rl.clientCidrs) ? rl.clientCidrs : [];
    const uncovered = ['0.0.0.0/0', '::/0'].filter((all) => !ranges.includes(all));
    return [
      uncovered.length === 0
        ? finding(
            'PASS',
            'rate limit',
            `${limit} per client address and route (each address in ${ranges.join(', ')} its own bucket)`,
            where,
          )
        : finding(
            'FAIL',
            'rate limit',
            `${limit} per route, but ${uncovered.join(' and ')} not limited per client address: those clients share one bucket`,
            where,
          ),
    ];
  },
};

export const gatewayAuthentication: Check = {
  id: 'gateway-authentication',
  title: 'Authentication of clients at the external gateway',
  requirements: ['govstack-cfr-security#req-9', 'govstack-cfr-security#req-3'],
  scope:
    'OIDC at the external gateway (govstack-gateway values), with its client secret referenced by Secret name. Without it, how API clients are authenticated is for the auditor to establish.',
  run({ model, tf: view, blueprint }) {
    const release = gatewayRelease(view);
    if (isFinding(release)) return [release];
    const oidc = release.values.oidc;
    if (oidc?.issuer && oidc?.clientId && oidc?.clientSecretName) {
      return [
        finding('PASS', 'external gateway', `OIDC login against ${oidc.issuer} (client secret from Secret ${oidc.clientSecretName})`, [
          tf(release.address),
          blueprint('/gateway/oidc'),
        ]),
      ];
    }
    const exposed = model.buildingBlocks.filter((b) => b.exposure === 'external').map((b) => b.id);
    return [
      finding(
        'MANUAL',
        'external gateway',
        `no OIDC at the gateway; ${exposed.length ? `${exposed.join(', ')} are reachable from the Internet and authenticate callers themselves, if at all` : 'no building block is exposed externally'}`,
        [tf(release.address), blueprint('/gateway')],
        {
          askFor: [
            'how each externally exposed API authenticates and authorises its callers (OAuth 2.0 / JWT for machines, OIDC for users)',
            'token lifetime and revocation policy',
            'where access decisions are logged',
          ],
        },
      ),
    ];
  },
};

export const apiCallLogging: Check = {
  id: 'api-call-logging',
  title: 'API calls are logged, monitored and alerted on',
  requirements: ['govstack-security-8.1.12', 'govstack-cfr-security#req-7'],
  scope:
    "Access logging on the gateways (govstack-gateway values), the project's alert rules (govstack-observability release, including gateway 5xx rates) and where alerts are delivered.",
  run({ model, tf: view, blueprint }) {
    const release = gatewayRelease(view);
    if (isFinding(release)) return [release];
    const findings: Finding[] = [];
    findings.push(
      release.values.accessLog === true
        ? finding(
            'PASS',
            'gateway access log',
            'JSON access log of every request on both gateways (proxy stdout, collected with the other container logs)',
            [tf(release.address)],
          )
        : finding('FAIL', 'gateway access log', 'access logging is off', [tf(release.address)]),
    );
    const [rules] = view.releasesOf('govstack-observability');
    if (!rules) {
      findings.push(
        finding('MANUAL', 'alerts', 'the deployment installs no alert rules (observability disabled)', [blueprint('/observability')], {
          askFor: ['the alert rules covering gateway error rates and their delivery'],
        }),
      );
      return findings;
    }
    const template = view.chartFile(rules, 'templates/prometheusrule.yaml') ?? '';
    findings.push(
      template.includes('GovStackGateway5xxRateHigh')
        ? finding(
            'PASS',
            'alert rules',
            'gateway 5xx rate, building-block availability and security server alerts (govstack-observability)',
            [tf(rules.address)],
          )
        : finding('FAIL', 'alert rules', 'the observability chart has no gateway error-rate alert', [tf(rules.address)]),
    );
    findings.push(
      model.observability.receivers.length > 0
        ? finding(
            'PASS',
            'alert delivery',
            `alerts go to ${model.observability.receivers.map((r) => `${r.name} (${r.type})`).join(', ')}`,
            [tf(rules.address), blueprint('/observability/alertReceivers')],
          )
        : finding('MANUAL', 'alert delivery', 'no alert receiver is declared; alerts stay in Alertmanager', [tf(rules.address)], {
            askFor: ['who receives gateway alerts, and the on-call procedure'],
          }),
    );
    return findings;
  },
};
