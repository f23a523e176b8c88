import { Check, Finding } from '../types';
import { deployedBlocks, expectedNamespaces } from '../expected';
import { finding, tf } from './util';

const justificationAnnotation = 'govstack.global/pod-security-justification';
const levels = ['restricted', 'baseline', 'privileged'];

export const podSecurity: Check = {
  id: 'pod-security',
  title: 'Namespace per component with Pod Security "restricted" enforced',
  requirements: ['govstack-cfr-security#req-8'],
  scope:
    'The Pod Security admission labels of every namespace in cdk.tf.json: enforce "restricted", and warn and audit "restricted" everywhere. A namespace at a lower level is WAIVED when it carries its written justification (a blueprint override, or a project decision such as the X-Road images starting as root or the node log collector reading host files); without one it fails.',
  run({ model, tf: view, blueprint }) {
    return expectedNamespaces(model).map(({ name, component, overrideTarget }): Finding => {
      const ns = view.namespace(name);
      const subject = `namespace ${name} (${component})`;
      if (!ns) return finding('FAIL', subject, 'the namespace is missing from the Terraform output', []);
      const enforce = ns.labels['pod-security.kubernetes.io/enforce'];
      const evidence = [tf(ns.address)];
      if (!levels.includes(enforce))
        return finding('FAIL', subject, 'no Pod Security level is enforced (label pod-security.kubernetes.io/enforce)', evidence);
      const quiet = ['warn', 'audit'].filter((mode) => ns.labels[`pod-security.kubernetes.io/${mode}`] !== 'restricted');
      if (quiet.length > 0)
        return finding('FAIL', subject, `${quiet.join(' and ')} not at "restricted", so violations of the default go unreported`, evidence);
      if (enforce === 'restricted') return finding('PASS', subject, 'enforces "restricted"', evidence);
      const reason = ns.annotations[justificationAnnotation];
      if (!reason || reason.trim().length < 20)
        return finding(
          'FAIL',
          subject,
          `enforces "${enforce}" without a written justification (annotation ${justificationAnnotation})`,
          evidence,
        );
      const override = model.overrides.find((o) => o.control === 'pod-security' && o.target === overrideTarget);
      const source = override ? 'blueprint override' : 'project decision';
      return finding(
        'WAIVED',
        subject,
        `enforces "${enforce}" (${source}); warn and audit stay "restricted"`,
        [...evidence, ...(override ? [blueprint(override.pointer)] : [])],
        { justification: reason },
      );
    });
  },
};

export const serviceAccountNoToken: Check = {
  id: 'service-account-no-token',
  title: 'A ServiceAccount per component without API token automount',
  requirements: ['govstack-cfr-security#req-3', 'govstack-cfr-security#req-8'],
  scope:
    'kubernetes_service_account_v1 resources: one per namespace with automount_service_account_token false, and the generic chart releases run under it.',
  run({ model, tf: view }) {
    const accounts = Object.entries(view.resources('kubernetes_service_account_v1')).map(([key, body]) => ({
      address: `kubernetes_service_account_v1.${key}`,
      name: String(body.metadata?.name),
      namespace: view.resolve(body.metadata?.namespace),
      automount: body.automount_service_account_token,
    }));
    const findings = expectedNamespaces(model).map(({ name }): Finding => {
      const own = accounts.filter((a) => a.namespace === name);
      if (own.length === 0) return finding('FAIL', `namespace ${name}`, 'no ServiceAccount of its own', []);
      const tokened = own.filter((a) => a.automount !== false);
      return tokened.length === 0
        ? finding(
            'PASS',
            `namespace ${name}`,
            `ServiceAccount ${own.map((a) => a.name).join(', ')} without token automount`,
            own.map((a) => tf(a.address)),
          )
        : finding(
            'FAIL',
            `namespace ${name}`,
            `ServiceAccount ${tokened.map((a) => a.name).join(', ')} mounts an API token`,
            tokened.map((a) => tf(a.address)),
          );
    });
    for (const release of view.releasesOf('govstack-building-block')) {
      const sa = String(release.values.serviceAccountName ?? '');
      const ref = /^\$\{kubernetes_service_account_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(sa);
      const account = ref
        ? accounts.find((a) => a.address === `kubernetes_service_account_v1.${ref[1]}`)
        : accounts.find((a) => a.name === sa && a.namespace === release.namespace);
      findings.push(
        account && account.namespace === release.namespace
          ? finding('PASS', `release ${release.name}`, `runs as ServiceAccount ${account.name}`, [tf(release.address), tf(account.address)])
          : finding('FAIL', `release ${release.name}`, `runs as "${sa}", not the namespace's token-less ServiceAccount`, [
              tf(release.address),
            ]),
      );
    }
    return findings;
  },
};

export const containerHardening: Check = {
  id: 'container-hardening',
  title: 'Containers run non-root, read-only, without privilege escalation or capabilities',
  requirements: ['govstack-cfr-security#req-8', 'govstack-cfr-deployment#req-12'],
  scope:
    "Building blocks run by the project's generic chart: its templates set runAsNonRoot, a read-only root filesystem, no privilege escalation, all capabilities dropped and seccomp RuntimeDefault; the release values must not replace that security context (a run-as-root override is WAIVED with its justification). Upstream-chart products and platform components are bounded by their namespace's enforced Pod Security level (see pod-security).",
  run({ model, tf: view, blueprint }) {
    const findings: Finding[] = [];
    const byId = new Map(deployedBlocks(model).map((b) => [b.id, b]));
    for (const release of view.releasesOf('govstack-building-block')) {
      const subject = `release ${release.name}`;
      const template = ['templates/deployment.yaml', 'templates/_helpers.tpl'].map((f) => view.chartFile(release, f) ?? '').join('\n');
      const hardened = ['runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'RuntimeDefault', 'drop'].filter(
        (s) => !template.includes(s),
      );
      if (hardened.length > 0) {
        findings.push(finding('FAIL', subject, `the generic chart's templates lack ${hardened.join(', ')}`, [tf(release.address)]));
        continue;
      }
      const ctx = release.values.securityContext as Record<string, unknown> | undefined;
      const asRoot = ctx && (ctx.runAsUser === 0 || ctx.runAsNonRoot === false);
      if (!asRoot) {
        findings.push(finding('PASS', subject, 'hardened security context of the generic chart, not overridden', [tf(release.address)]));
        continue;
      }
      const override = model.overrides.find((o) => o.control === 'run-as-root' && o.target === release.name && byId.has(release.name));
      findings.push(
        override
          ? finding('WAIVED', subject, 'runs as root (run-as-root override)', [tf(release.address), blueprint(override.pointer)], {
              justification: override.justification,
            })
          : finding('FAIL', subject, 'runs as root without a run-as-root override', [tf(release.address)]),
      );
    }
    for (const block of deployedBlocks(model).filter((b) => b.product.kind === 'chart')) {
      const ns = view.namespace(block.namespace);
      const level = ns?.labels['pod-security.kubernetes.io/enforce'];
      findings.push(
        level === 'restricted'
          ? finding(
              'PASS',
              `release ${block.id}`,
              `upstream chart ${block.product.kind === 'chart' ? block.product.chart.name : ''}: its namespace enforces "restricted", so admission rejects root, privilege escalation and added capabilities`,
              ns ? [tf(ns.address)] : [],
            )
          : finding(
              'MANUAL',
              `release ${block.id}`,
              `upstream chart in a namespace enforcing "${level}": container settings are the chart's`,
              ns ? [tf(ns.address)] : [],
              { askFor: [`the rendered manifests of ${block.id}'s chart, showing each container's securityContext`] },
            ),
      );
    }
    if (findings.length === 0) findings.push(finding('PASS', 'building blocks', 'no building block runs in this cluster', []));
    return findings;
  },
};
