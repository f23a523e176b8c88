#!/usr/bin/env node
// `helm template` of every upstream release of the sandbox and each example, with exactly the
// values its cdk.tf.json passes, from the chart at its pinned version (read from the chart's
// public Git repository at the release commit, as scripts/chart-inventory.mjs does; written
// to a temporary folder, never committed). Records per release whether it rendered, and how
// many objects (CustomResourceDefinitions counted apart: `helm install` creates them from the
// chart's crds/ folder, so they are rendered with --include-crds).
//
// Usage: node scripts/render-upstream.mjs [--mirrors DIR] [--write] [blueprints..]
//   --mirrors DIR  Git clones as in chart-inventory.mjs (default /work/.mirror)
//   --write        replace the section between the render-upstream markers of BENCHMARKS.md
// Needs `npx tsc -p tsconfig.json` first and helm on PATH (eval "$(scripts/toolchain.sh --print-env)").
// Exit 0 when every release rendered, 1 when one did not, 2 on a setup problem.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { charts } from './upstream-charts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const begin = '<!-- render-upstream:begin (scripts/render-upstream.mjs --write) -->';
const end = '<!-- render-upstream:end -->';

function setup(message) {
  process.stderr.write(`render-upstream: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let mirrors = '/work/.mirror';
let write = false;
const blueprints = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--mirrors') mirrors = args[++i];
  else if (args[i] === '--write') write = true;
  else if (args[i].startsWith('-')) setup(`unknown option ${args[i]}`);
  else blueprints.push(path.resolve(args[i]));
}
if (blueprints.length === 0) {
  const examples = path.join(root, 'blueprints', 'examples');
  blueprints.push(
    path.join(root, 'blueprints', 'sandbox.yaml'),
    ...readdirSync(examples)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => path.join(examples, f)),
  );
}

const tool = (cmd, argv, options = {}) =>
  execFileSync(cmd, argv, { encoding: 'utf8', maxBuffer: 512 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...options });
let helmVersion;
try {
  helmVersion = tool('helm', ['version', '--template', '{{.Version}}']).trim();
} catch {
  setup('no helm on PATH (eval "$(bash scripts/toolchain.sh --print-env)")');
}

let catalog;
let loadModels;
try {
  catalog = await import(path.join(root, 'dist/src/catalog/index.js'));
  ({ loadModels } = await import(path.join(root, 'dist/src/model/load-models.js')));
} catch (e) {
  setup(`build first (npx tsc -p tsconfig.json): ${e.message}`);
}

function gitDir(repo) {
  const [owner, name] = repo.split('/');
  for (const candidate of [path.join(mirrors, `${owner}+${name}`, 'repo'), path.join(mirrors, owner, name)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no clone of ${repo} under ${mirrors}`);
}
const git = (repo, ...a) => tool('git', ['--git-dir', gitDir(repo), ...a]);

/** Extract `<rev>:<dir>` of a repository into `into` (the folder's contents at its top). */
function extract(repo, rev, dir, into) {
  mkdirSync(into, { recursive: true });
  const tar = execFileSync('git', ['--git-dir', gitDir(repo), 'archive', '--format=tar', dir ? `${rev}:${dir}` : rev], {
    maxBuffer: 512 << 20,
  });
  execFileSync('tar', ['-x', '-C', into], { input: tar });
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Helm's coalescing of user values over chart defaults: maps merge, everything else replaces. */
function coalesce(defaults, user) {
  if (!isObject(defaults) || !isObject(user)) return user === undefined ? defaults : user;
  const out = { ...defaults };
  for (const [k, v] of Object.entries(user)) out[k] = v === null ? undefined : coalesce(defaults[k], v);
  return out;
}
const at = (values, dotted) => dotted.split('.').reduce((v, k) => (isObject(v) ? v[k] : undefined), values);

/** Highest tag `<name>-<x.y.z>` of a repository matching a version or a `x.y.*` / `x.x.x` range. */
function dependencyTag(repo, name, range) {
  const want = range.replace(/^v/, '').split('.');
  const tags = git(repo, 'tag', '-l', `${name}-*`).split('\n').filter(Boolean);
  const matching = tags
    .map((t) => ({
      tag: t,
      v: t
        .slice(name.length + 1)
        .split('.')
        .map(Number),
    }))
    .filter(({ v }) => v.length === 3 && v.every(Number.isInteger) && want.every((w, i) => w === '*' || w === 'x' || Number(w) === v[i]))
    .sort((a, b) => a.v[0] - b.v[0] || a.v[1] - b.v[1] || a.v[2] - b.v[2]);
  return matching.at(-1)?.tag;
}

/**
 * The chart as its repository publishes it, in a folder of `work`: the release commit's
 * folder, a templated values file filled as the release workflow fills it, and each remote
 * dependency the values enable, from its own release tag. A dependency the values disable is
 * dropped from Chart.yaml (helm leaves it out of the render anyway; it is not fetched).
 * Returns the folder and notes on what was done, or throws with why it cannot be built.
 */
function materialise(entry, values, work) {
  const dir = mkdtempSync(path.join(work, `${entry.name}-`));
  extract(entry.repo, entry.commit, entry.dir, dir);
  const notes = [];
  if (entry.publish) {
    const template = readFileSync(path.join(dir, entry.valuesFile), 'utf8');
    writeFileSync(
      path.join(dir, 'values.yaml'),
      template.replace(/\$\{(\w+)\}/g, (m, k) => entry.publish.env[k] ?? m),
    );
    const chartYaml = YAML.parse(readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'));
    chartYaml.version = entry.publish.version;
    chartYaml.appVersion = entry.publish.appVersion;
    writeFileSync(path.join(dir, 'Chart.yaml'), YAML.stringify(chartYaml));
    notes.push(
      `values.yaml from ${entry.valuesFile} (${Object.entries(entry.publish.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`,
    );
  }
  const chartFile = path.join(dir, 'Chart.yaml');
  const chartYaml = YAML.parse(readFileSync(chartFile, 'utf8'));
  const effective = coalesce(YAML.parse(readFileSync(path.join(dir, 'values.yaml'), 'utf8')) ?? {}, values);
  const kept = [];
  for (const dep of chartYaml.dependencies ?? []) {
    const local = !dep.repository || dep.repository.startsWith('file://');
    if (local) {
      kept.push(dep);
      continue;
    }
    const condition = (dep.condition ?? '')
      .split(',')
      .map((c) => at(effective, c.trim()))
      .find((v) => typeof v === 'boolean');
    if (condition === false) {
      notes.push(`${dep.name} ${dep.version}: disabled by ${dep.condition}, left out`);
      continue;
    }
    const repo = entry.deps[dep.name];
    const tag = repo && dependencyTag(repo, dep.name, String(dep.version));
    if (!tag) throw new Error(`dependency ${dep.name} ${dep.version} (${dep.repository}) is enabled but has no mirrored release tag`);
    extract(repo, tag, `charts/${dep.name}`, path.join(dir, 'charts', dep.name));
    notes.push(`${dep.name} from ${repo}@${tag}`);
    kept.push({ ...dep, version: tag.slice(dep.name.length + 1) });
  }
  chartYaml.dependencies = kept;
  writeFileSync(chartFile, YAML.stringify(chartYaml));
  rmSync(path.join(dir, 'Chart.lock'), { force: true });
  return { dir, notes };
}

/** The served API versions of the CRDs the platform installs (scripts/crds.sh), as a real cluster with the stack would serve them. */
function servedCrdApis() {
  const dir = tool('bash', [path.join(root, 'scripts', 'crds.sh')]).trim();
  const served = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of YAML.parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) if (v.served) served.push(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`);
    }
  }
  return served;
}

const work = mkdtempSync(path.join(tmpdir(), 'govstack-render-upstream-'));
const rows = [];
try {
  const apis = servedCrdApis();
  const models = loadModels(blueprints);
  const written = JSON.parse(
    tool(process.execPath, [path.join(root, 'bin', 'govstack.js'), 'synth', ...blueprints, '--out', path.join(work, 'synth'), '--json']),
  );
  const built = new Map();
  for (const stack of written) {
    const model = models.find((m) => m.name === stack.name);
    const blueprint = path.relative(root, model.sources[0].path);
    const kubeVersion = `${model.target.kubernetesVersion ?? catalog.gatewayCatalog.kubernetesVersions.at(-1)}.0`;
    const json = JSON.parse(readFileSync(stack.file, 'utf8'));
    const namespaces = json.resource.kubernetes_namespace_v1 ?? {};
    for (const release of Object.values(json.resource.helm_release ?? {})
      .filter((r) => r.repository)
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const ref = /kubernetes_namespace_v1\.([^.]+)\./.exec(release.namespace);
      const namespace = ref ? namespaces[ref[1]].metadata.name : release.namespace;
      const entry = charts.find((c) => c.name === release.chart && c.version === release.version);
      const row = {
        blueprint,
        release: `${namespace}/${release.name}`,
        chart: release.chart,
        version: release.version,
        kubeVersion,
        source: entry ? `${entry.repo}@${entry.commit.slice(0, 12)}` : '',
        rendered: false,
        objects: 0,
        crds: 0,
        kinds: 0,
        notes: [],
      };
      rows.push(row);
      try {
        if (!entry) throw new Error('not in scripts/upstream-charts.mjs');
        const values = JSON.parse(release.values?.[0] ?? '{}');
        // One folder per chart and set of enabled dependencies.
        const key = `${entry.name}@${entry.version}:${JSON.stringify(values)}`;
        if (!built.has(key)) built.set(key, materialise(entry, values, work));
        const { dir, notes } = built.get(key);
        row.notes.push(...notes);
        const valuesFile = path.join(work, `${stack.name}.${namespace}.${release.name}.values.json`);
        writeFileSync(valuesFile, JSON.stringify(values));
        const r = spawnSync(
          'helm',
          [
            'template',
            release.name,
            dir,
            '--namespace',
            namespace,
            '-f',
            valuesFile,
            '--kube-version',
            kubeVersion,
            '--include-crds',
            ...apis.flatMap((a) => ['--api-versions', a]),
          ],
          { encoding: 'utf8', maxBuffer: 512 << 20 },
        );
        if (r.status !== 0) throw new Error((r.stderr || r.stdout).trim().split('\n').slice(-3).join(' '));
        const docs = YAML.parseAllDocuments(r.stdout)
          .map((d) => d.toJS())
          .filter((d) => d && d.kind);
        row.rendered = true;
        row.crds = docs.filter((d) => d.kind === 'CustomResourceDefinition').length;
        row.objects = docs.length - row.crds;
        row.kinds = new Set(docs.map((d) => d.kind)).size;
      } catch (e) {
        row.notes.push(
          `NOT RENDERED: ${String(e.message ?? e)
            .replace(/\s+/g, ' ')
            .slice(0, 300)}`,
        );
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const cell = (s) => String(s).replace(/\|/g, '\\|');
// How each chart was built, once per chart version (the same for every blueprint that installs it).
const chartNotes = new Map();
for (const r of rows) {
  const key = `${r.chart} ${r.version} (${r.source})`;
  chartNotes.set(key, [...new Set([...(chartNotes.get(key) ?? []), ...r.notes.filter((n) => !n.startsWith('NOT RENDERED'))])]);
}
const failures = rows.filter((r) => !r.rendered);
const table = [
  begin,
  `helm ${helmVersion}; \`helm template --include-crds\` with the release's values from cdk.tf.json, the CRD kinds of scripts/crds.sh served, ` +
    "for the target's declared Kubernetes version (else the newest the pinned Envoy Gateway supports). Objects exclude CustomResourceDefinitions, counted apart.",
  '',
  '| Blueprint | Release | Chart | Version | Kubernetes | Rendered | Objects | CRDs | Kinds |',
  '| --- | --- | --- | --- | --- | --- | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${cell(r.blueprint)} | ${cell(r.release)} | ${r.chart} | ${r.version} | ${r.kubeVersion} | ${r.rendered ? 'yes' : '**no**'} | ${r.objects} | ${r.crds} | ${r.kinds} |`,
  ),
  '',
  'Charts as built from their repositories:',
  '',
  ...[...chartNotes].map(([chart, notes]) => `- ${chart}${notes.length ? `: ${notes.join('; ')}` : ''}`),
  ...(failures.length
    ? [
        '',
        'Not rendered:',
        '',
        ...failures.map((r) => `- ${r.blueprint} ${r.release}: ${r.notes.find((n) => n.startsWith('NOT RENDERED'))}`),
      ]
    : []),
  '',
  `${rows.length - failures.length} of ${rows.length} upstream releases rendered.`,
  end,
].join('\n');

if (write) {
  const file = path.join(root, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) setup(`BENCHMARKS.md has no section between\n  ${begin}\n  ${end}`);
  writeFileSync(file, text.slice(0, i) + table + text.slice(j + end.length));
  process.stdout.write(`BENCHMARKS.md: ${rows.length} upstream releases, ${rows.filter((r) => r.rendered).length} rendered\n`);
} else {
  process.stdout.write(`${table}\n`);
}
process.exit(rows.every((r) => r.rendered) ? 0 : 1);
