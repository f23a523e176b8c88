/**
 * Independent scanners over what the project emits (run by `scripts/scan.sh`, which sets up the
 * pinned toolchain): every blueprint is synthesised with the real CLI; checkov scans each
 * `cdk.tf.json` (framework terraform_json); each of the project's own charts is rendered with
 * `helm template` exactly as its helm_release passes it (the stack's `assets/` copy and the
 * release's values) and scanned by checkov (framework kubernetes) and kube-linter. Findings
 * are failures unless waived: by `scripts/scan-waivers.yaml` (a project decision, justified) or
 * by the blueprint's own `security.overrides` (a declared waiver, with the blueprint's
 * justification). Writes a JSON report and prints `checks run N, passed N, failed N, waived N`.
 * Exit 0 when nothing failed, 1 when a finding failed, 2 on a setup problem.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { displayPath } from '../blueprint/load';
import { loadModels } from '../model/load-models';
import { DeploymentModel } from '../model/types';
import { packageRoot } from '../paths';
import { ordinal } from '../ordinal';

/** Scanner versions this run must find (scripts/toolchain.sh pins and builds them). */
export const pinned = { checkov: '3.3.30', 'kube-linter': '0.8.3', helm: 'v3.22.0' } as const;

/** Kubernetes version the charts are rendered for (the e2e control plane's). */
const kubeVersion = '1.37.2';
/** CRD kinds the project's charts render when the API serves them (as on a real cluster). */
const crdApis = [
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
  'monitoring.coreos.com/v1/PodMonitor',
  'monitoring.coreos.com/v1alpha1/AlertmanagerConfig',
  'gateway.networking.k8s.io/v1/GatewayClass',
  'gateway.networking.k8s.io/v1/Gateway',
  'gateway.networking.k8s.io/v1/HTTPRoute',
  'gateway.envoyproxy.io/v1alpha1/EnvoyProxy',
  'gateway.envoyproxy.io/v1alpha1/ClientTrafficPolicy',
  'gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy',
  'gateway.envoyproxy.io/v1alpha1/SecurityPolicy',
];

export interface Waiver {
  readonly scanner: 'checkov' | 'kube-linter';
  readonly check: string;
  /** What the check says, for the report. */
  readonly title: string;
  /** Regular expression on the finding's resource (`Kind/namespace/name` or a Terraform address); every resource when absent. */
  readonly resource?: string;
  /** Only for charts of this name. */
  readonly chart?: string;
  /** Waived only where the blueprint declares this `security.overrides` control for the finding's component. */
  readonly override?: string;
  readonly justification?: string;
}

export interface Finding {
  readonly scanner: 'checkov' | 'kube-linter';
  readonly framework: 'terraform_json' | 'kubernetes';
  readonly blueprint: string;
  readonly stack: string;
  /** The chart release the finding is in (rendered manifests only). */
  readonly release?: string;
  readonly chart?: string;
  readonly check: string;
  readonly title: string;
  readonly resource: string;
  readonly status: 'failed' | 'waived';
  readonly justification?: string;
  /** Where the justification was declared: scripts/scan-waivers.yaml or the blueprint's file:line. */
  readonly waivedBy?: string;
  /** Index of the matching entry in scripts/scan-waivers.yaml. */
  readonly waiver?: number;
}

interface ScannerSummary {
  run: number;
  passed: number;
  failed: number;
  waived: number;
}

interface Rendered {
  readonly blueprint: string;
  readonly stack: string;
  readonly release: string;
  readonly namespace: string;
  readonly chart: string;
  readonly file: string;
  readonly objects: number;
}

interface Options {
  blueprints: string[];
  report: string;
  keep?: string;
  /** Folders `extends:` may read besides each blueprint's own folder tree (`--extends-root`). */
  extendsRoots: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { blueprints: [], report: path.join(packageRoot, 'scan-report.json'), extendsRoots: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--report') options.report = path.resolve(argv[++i]);
    else if (a === '--keep') options.keep = path.resolve(argv[++i]);
    else if (a === '--extends-root') options.extendsRoots.push(path.resolve(argv[++i]));
    else if (a.startsWith('-'))
      throw new Setup(`unknown option ${a} (use: [--report FILE] [--keep DIR] [--extends-root DIR] [blueprints..])`);
    else options.blueprints.push(a);
  }
  if (options.blueprints.length === 0) {
    const examples = path.join(packageRoot, 'blueprints', 'examples');
    options.blueprints = [
      path.join(packageRoot, 'blueprints', 'sandbox.yaml'),
      ...readdirSync(examples)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(examples, f)),
    ];
  }
  return options;
}

class Setup extends Error {}

function tool(name: string, args: string[], options: { cwd?: string; okCodes?: number[] } = {}): string {
  const result = spawnSync(name, args, { cwd: options.cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.error)
    throw new Setup(`${name}: ${result.error.message} (run scripts/toolchain.sh, then eval "$(scripts/toolchain.sh --print-env)")`);
  if (result.status !== 0 && !(options.okCodes ?? []).includes(result.status ?? -1)) {
    throw new Setup(
      `${name} ${args.slice(0, 6).join(' ')} … exited ${result.status}:\n${(result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  return result.stdout;
}

function checkVersions(): Record<string, string> {
  const found = {
    checkov: tool('checkov', ['--version']).trim(),
    'kube-linter': tool('kube-linter', ['version']).trim(),
    helm: tool('helm', ['version', '--template', '{{.Version}}']).trim(),
  };
  for (const [name, want] of Object.entries(pinned)) {
    if (found[name as keyof typeof found] !== want)
      throw new Setup(`${name} is ${found[name as keyof typeof found]}, the scan is pinned to ${want} (scripts/toolchain.sh)`);
  }
  return found;
}

export function loadWaivers(file: string): Waiver[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { waivers?: Waiver[] };
  const waivers = doc.waivers ?? [];
  for (const w of waivers) {
    if (!w.scanner || !w.check || !w.title) throw new Setup(`${file}: every waiver needs scanner, check and title (${JSON.stringify(w)})`);
    if (!w.override && (!w.justification || w.justification.trim().length < 40))
      throw new Setup(`${file}: waiver ${w.check} needs a justification of at least 40 characters`);
  }
  return waivers;
}

/** The namespace → component map of a model, for override waivers. */
function componentsOf(model: DeploymentModel): Map<string, string> {
  const map = new Map<string, string>();
  for (const b of model.buildingBlocks) map.set(b.namespace, b.id);
  map.set(model.mediator.namespace, 'mediator');
  for (const ns of Object.values(model.gateway.namespaces)) map.set(ns, 'gateway');
  map.set(model.observability.namespace, 'observability');
  return map;
}

function main(argv: string[]): number {
  const options = parseArgs(argv);
  const versions = checkVersions();
  const waiversFile = path.join(packageRoot, 'scripts', 'scan-waivers.yaml');
  const waivers = loadWaivers(waiversFile);
  const work = options.keep ?? mkdtempSync(path.join(tmpdir(), 'govstack-scan-'));
  try {
    rmSync(path.join(work, 'synth'), { recursive: true, force: true });
    rmSync(path.join(work, 'render'), { recursive: true, force: true });
    mkdirSync(path.join(work, 'render'), { recursive: true });

    // 1. Synthesise with the real CLI.
    const models = loadModels(options.blueprints, { extendsRoots: options.extendsRoots });
    const roots = options.extendsRoots.flatMap((r) => ['--extends-root', r]);
    const written = JSON.parse(
      tool(process.execPath, [
        path.join(packageRoot, 'bin', 'govstack.js'),
        'synth',
        ...options.blueprints,
        ...roots,
        '--out',
        path.join(work, 'synth'),
        '--json',
      ]),
    ) as { name: string; file: string }[];
    const stacks = written.map((s) => {
      const model = models.find((m) => m.name === s.name)!;
      return { name: s.name, file: path.resolve(s.file), blueprint: displayPath(model.sources[0].path), model };
    });

    // 2. Render each project chart the way its helm_release installs it.
    const rendered: Rendered[] = [];
    for (const stack of stacks) {
      const json = JSON.parse(readFileSync(stack.file, 'utf8'));
      const namespaces = json.resource.kubernetes_namespace_v1 ?? {};
      for (const release of Object.values<any>(json.resource.helm_release ?? {})) {
        if (!String(release.chart).startsWith('assets/')) continue;
        const ref = /kubernetes_namespace_v1\.([^.]+)\./.exec(release.namespace);
        const namespace = ref ? namespaces[ref[1]].metadata.name : release.namespace;
        const chartDir = path.join(path.dirname(stack.file), release.chart);
        const chart = (parseYaml(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string }).name;
        const base = path.join(work, 'render', stack.name, `${namespace}.${release.name}`);
        mkdirSync(path.dirname(base), { recursive: true });
        writeFileSync(`${base}.values.json`, release.values?.[0] ?? '{}');
        const manifest = tool('helm', [
          'template',
          release.name,
          chartDir,
          '--namespace',
          namespace,
          '-f',
          `${base}.values.json`,
          '--kube-version',
          kubeVersion,
          ...crdApis.flatMap((a) => ['--api-versions', a]),
        ]);
        writeFileSync(`${base}.yaml`, manifest);
        const objects = parseAllDocuments(manifest).filter((d) => d.contents !== null).length;
        rendered.push({
          blueprint: stack.blueprint,
          stack: stack.name,
          release: `${namespace}/${release.name}`,
          namespace,
          chart,
          file: `${base}.yaml`,
          objects,
        });
      }
    }

    // 3. checkov over the Terraform JSON and over the rendered manifests (one run each).
    const findings: Finding[] = [];
    const passedBy = { terraform_json: 0, kubernetes: 0 };
    const checkov = (framework: 'terraform_json' | 'kubernetes', files: string[]) => {
      const out = tool(
        'checkov',
        ['--framework', framework, '--skip-download', '--compact', '-o', 'json', ...files.flatMap((f) => ['-f', f])],
        { okCodes: [1] },
      );
      const reports = ([] as any[]).concat(JSON.parse(out));
      for (const report of reports) {
        if (!report.results) continue;
        passedBy[framework] += report.results.passed_checks?.length ?? 0;
        for (const c of report.results.failed_checks ?? []) {
          const file = path.resolve(c.file_abs_path ?? c.file_path);
          findings.push(
            classify(
              framework === 'terraform_json' ? stackFinding(file) : renderedFinding(file),
              'checkov',
              framework,
              c.check_id,
              c.check_name,
              c.resource,
            ),
          );
        }
      }
    };
    const stackFinding = (file: string) => {
      const stack = stacks.find((s) => s.file === file);
      if (!stack) throw new Setup(`checkov reported an unknown file ${file}`);
      return { blueprint: stack.blueprint, stack: stack.name, model: stack.model };
    };
    const renderedFinding = (file: string) => {
      const r = rendered.find((x) => x.file === file);
      if (!r) throw new Setup(`a scanner reported an unknown file ${file}`);
      const stack = stacks.find((s) => s.name === r.stack)!;
      return { blueprint: r.blueprint, stack: r.stack, release: r.release, chart: r.chart, namespace: r.namespace, model: stack.model };
    };
    const classify = (
      at: { blueprint: string; stack: string; release?: string; chart?: string; namespace?: string; model: DeploymentModel },
      scanner: Finding['scanner'],
      framework: Finding['framework'],
      check: string,
      title: string,
      resource: string,
    ): Finding => {
      const base = {
        scanner,
        framework,
        blueprint: at.blueprint,
        stack: at.stack,
        release: at.release,
        chart: at.chart,
        check,
        title,
        resource,
      };
      for (const [index, w] of waivers.entries()) {
        if (w.scanner !== scanner || w.check !== check) continue;
        if (w.chart && w.chart !== at.chart) continue;
        if (w.resource && !new RegExp(w.resource).test(resource)) continue;
        if (w.override) {
          const component = at.namespace ? componentsOf(at.model).get(at.namespace) : undefined;
          const declared = at.model.overrides.find((o) => o.control === w.override && o.target === component);
          if (!declared) continue;
          const where = at.model.locate(declared.pointer);
          return {
            ...base,
            status: 'waived',
            justification: declared.justification,
            waivedBy: `${where.file}:${where.line} (security.overrides ${w.override} for ${component})`,
            waiver: index,
          };
        }
        return { ...base, status: 'waived', justification: w.justification, waivedBy: displayPath(waiversFile), waiver: index };
      }
      return { ...base, status: 'failed' };
    };
    checkov(
      'terraform_json',
      stacks.map((s) => s.file),
    );
    checkov(
      'kubernetes',
      rendered.map((r) => r.file),
    );

    // 4. kube-linter over the rendered manifests (its default checks).
    const lint = JSON.parse(tool('kube-linter', ['lint', '--format', 'json', ...rendered.map((r) => r.file)], { okCodes: [1] }));
    const lintChecks: string[] = (lint.Checks ?? []).map((c: { name: string }) => c.name);
    for (const r of lint.Reports ?? []) {
      const file = path.resolve(r.Object.Metadata.FilePath);
      const k8s = r.Object.K8sObject;
      const resource = `${k8s.GroupVersionKind.Kind}/${k8s.Namespace || renderedFinding(file).namespace}/${k8s.Name}`;
      findings.push(classify(renderedFinding(file), 'kube-linter', 'kubernetes', r.Check, r.Diagnostic.Message, resource));
    }

    // 5. Summary and report.
    const count = (scanner: Finding['scanner'], framework?: Finding['framework']) => {
      const mine = findings.filter((f) => f.scanner === scanner && (!framework || f.framework === framework));
      return { failed: mine.filter((f) => f.status === 'failed').length, waived: mine.filter((f) => f.status === 'waived').length };
    };
    const summary: Record<string, ScannerSummary> = {};
    for (const framework of ['terraform_json', 'kubernetes'] as const) {
      const c = count('checkov', framework);
      summary[`checkov ${framework}`] = { run: passedBy[framework] + c.failed + c.waived, passed: passedBy[framework], ...c };
    }
    const objects = rendered.reduce((n, r) => n + r.objects, 0);
    // kube-linter reports only findings: checks run = enabled checks x objects, an upper bound
    // (a check that does not apply to an object's kind passes vacuously).
    const lintCounts = count('kube-linter');
    summary['kube-linter (checks x objects)'] = {
      run: lintChecks.length * objects,
      passed: lintChecks.length * objects - lintCounts.failed - lintCounts.waived,
      ...lintCounts,
    };
    const total = Object.values(summary).reduce(
      (t, s) => ({ run: t.run + s.run, passed: t.passed + s.passed, failed: t.failed + s.failed, waived: t.waived + s.waived }),
      { run: 0, passed: 0, failed: 0, waived: 0 },
    );
    const usedWaivers = waivers.map((w, index) => {
      const matched = findings.filter((f) => f.waiver === index);
      // Declared waivers: which blueprint declared them, where, and why.
      const declarations = w.override ? [...new Set(matched.map((f) => `${f.waivedBy}: ${f.justification}`))] : undefined;
      return { ...w, findings: matched.length, ...(declarations ? { declarations } : {}) };
    });

    const report = {
      tool: 'govstack-blueprint scripts/scan.sh',
      versions,
      kubeVersion,
      blueprints: stacks.map((s) => ({
        blueprint: s.blueprint,
        stack: s.name,
        charts: rendered.filter((r) => r.stack === s.name).map((r) => ({ release: r.release, chart: r.chart, objects: r.objects })),
      })),
      summary: { total, ...summary },
      kubeLinterChecks: lintChecks,
      waivers: usedWaivers,
      findings: [...findings].sort(
        (a, b) => ordinal(a.status, b.status) || ordinal(a.stack, b.stack) || ordinal(a.check, b.check) || ordinal(a.resource, b.resource),
      ),
    };
    writeFileSync(options.report, JSON.stringify(report, null, 2) + '\n');

    const line = (s: ScannerSummary) => `checks run ${s.run}, passed ${s.passed}, failed ${s.failed}, waived ${s.waived}`;
    process.stdout.write(
      `scanned ${stacks.length} stacks (${stacks.map((s) => s.name).join(', ')}), ${rendered.length} chart releases, ${objects} rendered objects\n`,
    );
    for (const [name, s] of Object.entries(summary)) process.stdout.write(`  ${name.padEnd(32)} ${line(s)}\n`);
    process.stdout.write(`waivers (${displayPath(waiversFile)} and blueprint security.overrides):\n`);
    for (const w of usedWaivers) {
      const scope = [w.chart ? `chart ${w.chart}` : '', w.resource ? `resources /${w.resource}/` : ''].filter(Boolean).join(', ');
      process.stdout.write(
        `  ${w.scanner} ${w.check} ${w.title}: ${w.findings} finding${w.findings === 1 ? '' : 's'}${scope ? ` (${scope})` : ''}${w.override ? ` where a blueprint declares ${w.override}` : ''}\n`,
      );
      for (const d of w.declarations ?? []) process.stdout.write(`      declared at ${d}\n`);
    }
    for (const f of findings.filter((x) => x.status === 'failed'))
      process.stdout.write(`FAILED ${f.scanner} ${f.check} ${f.stack}${f.release ? ` ${f.release}` : ''} ${f.resource}: ${f.title}\n`);
    process.stdout.write(`report: ${displayPath(options.report)}\n`);
    process.stdout.write(`${line(total)}\n`);
    return total.failed === 0 ? 0 : 1;
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`scan: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
