#!/usr/bin/env node
// Inventory of every pinned upstream chart: its values keys and the kinds its templates
// render, read from the chart's public Git repository at the pinned commit (never from a
// copy committed here). Writes src/catalog/chart-inventory/<chart>-<version>.json, the facts
// test/unit/chart-inventory.test.ts holds the stack's values against.
//
// Usage: node scripts/chart-inventory.mjs [--mirrors DIR]
//   DIR holds one Git clone per repository, as `<owner>+<name>/repo` (the layout the
//   project's mirror tool writes) or `<owner>/<name>`; default /work/.mirror.
//   The script only reads Git objects (`git show <commit>:<path>`); it needs no network.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { charts } from './upstream-charts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'src/catalog/chart-inventory');

const args = process.argv.slice(2);
const mirrors = args[0] === '--mirrors' && args[1] ? args[1] : '/work/.mirror';

function gitDir(repo) {
  const [owner, name] = repo.split('/');
  for (const candidate of [path.join(mirrors, `${owner}+${name}`, 'repo'), path.join(mirrors, owner, name)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no clone of ${repo} under ${mirrors}`);
}

const git = (repo, ...a) =>
  execFileSync('git', ['--git-dir', gitDir(repo), ...a], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
const show = (repo, rev, file) => git(repo, 'show', `${rev}:${file}`);
const tryShow = (repo, rev, file) => {
  try {
    return show(repo, rev, file);
  } catch {
    return undefined;
  }
};
const join = (...parts) => parts.filter(Boolean).join('/');

/**
 * Every key path of a values tree (`a.b.c`). A map whose default is empty (`{}`) is open:
 * the chart passes whatever it holds through (resources, annotations, selectors), so the
 * path is recorded in `open` and anything below it is accepted. Lists are leaves.
 */
function walk(node, prefix, keys, open) {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const entries = Object.entries(node);
  if (entries.length === 0 && prefix) open.add(prefix);
  for (const [k, v] of entries) {
    const p = prefix ? `${prefix}.${k}` : k;
    keys.add(p);
    walk(v, p, keys, open);
  }
}

/**
 * Literal `kind:` lines of every template (templated kinds are not counted), and every
 * `.Values.a.b` path the templates read: a key the chart uses but leaves out of (or only
 * comments in) values.yaml, such as Tempo's persistence.storageClassName, is a key too.
 */
function templatesOf(repo, rev, dir, keyPrefix, keys, open) {
  const kinds = new Set();
  const files = git(repo, 'ls-tree', '-r', '--name-only', rev, '--', join(dir, 'templates'))
    .split('\n')
    .filter((f) => /\.(ya?ml|tpl|txt)$/.test(f));
  for (const f of files) {
    const text = show(repo, rev, f);
    for (const m of text.matchAll(/^kind:\s*["']?([A-Za-z]+)["']?\s*$/gm)) kinds.add(m[1]);
    // A map the template renders whole (`toYaml .Values.a.b`) passes any key below it.
    for (const m of text.matchAll(/toYaml\s+\(?\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g))
      open.add([keyPrefix, ...m[1].slice(1).split('.')].filter(Boolean).join('.'));
    // …also through `with .Values.a.b }}` followed by `toYaml .`.
    for (const m of text.matchAll(/with\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*-?}}/g)) {
      if (/toYaml\s+\.\s/.test(text.slice(m.index, m.index + m[0].length + 200).split(/{{-?\s*end/)[0]))
        open.add([keyPrefix, ...m[1].slice(1).split('.')].filter(Boolean).join('.'));
    }
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      const parts = m[1].slice(1).split('.');
      for (let i = 1; i <= parts.length; i++) keys.add([keyPrefix, ...parts.slice(0, i)].filter(Boolean).join('.'));
    }
  }
  return kinds;
}

/** Values schema (JSON Schema) properties, when the chart ships one: its paths are keys too. */
function schemaKeys(schema, prefix, keys, open) {
  if (!schema || typeof schema !== 'object') return;
  if (schema.additionalProperties && schema.additionalProperties !== false && prefix) open.add(prefix);
  for (const [k, v] of Object.entries(schema.properties ?? {})) {
    const p = prefix ? `${prefix}.${k}` : k;
    keys.add(p);
    schemaKeys(v, p, keys, open);
  }
}

function inventoryOf(repo, rev, dir, valuesFile, keyPrefix, acc, deps, notes) {
  const values = YAML.parse(tryShow(repo, rev, join(dir, valuesFile ?? 'values.yaml')) ?? '{}') ?? {};
  const scoped = keyPrefix ? { [keyPrefix]: values } : values;
  walk(scoped, '', acc.keys, acc.open);
  const schemaText = tryShow(repo, rev, join(dir, 'values.schema.json'));
  if (schemaText) schemaKeys(JSON.parse(schemaText), keyPrefix, acc.keys, acc.open);
  for (const k of templatesOf(repo, rev, dir, keyPrefix, acc.keys, acc.open)) acc.kinds.add(k);

  const chart = YAML.parse(show(repo, rev, join(dir, 'Chart.yaml')));
  for (const dep of chart.dependencies ?? []) {
    const name = dep.alias ?? dep.name;
    const scope = keyPrefix ? `${keyPrefix}.${name}` : name;
    const local = join(dir, 'charts', dep.name);
    if (!dep.repository || dep.repository.startsWith('file://')) {
      if (tryShow(repo, rev, join(local, 'Chart.yaml'))) inventoryOf(repo, rev, local, undefined, scope, acc, deps, notes);
      else notes.push(`dependency ${dep.name}: no local folder at ${local}`);
      continue;
    }
    const depRepo = deps[dep.name];
    const tag = `${dep.name}-${dep.version}`;
    if (!depRepo || !/^[0-9.]+$/.test(dep.version)) {
      notes.push(`dependency ${dep.name} ${dep.version} from ${dep.repository}: not inventoried (values under "${scope}" are not checked)`);
      acc.open.add(scope);
      continue;
    }
    const depDir = `charts/${dep.name}`;
    inventoryOf(depRepo, tag, depDir, undefined, scope, acc, {}, notes);
    notes.push(`dependency ${dep.name} ${dep.version}: ${depRepo}@${git(depRepo, 'rev-list', '-n1', tag).trim()}:${depDir}`);
  }
  // Every chart accepts `global`, and a dependency's values are also reachable through it.
  acc.open.add('global');
}

let catalogCharts;
try {
  const catalog = await import(path.join(root, 'dist/src/catalog/index.js'));
  catalogCharts = catalog.pinnedUpstreamCharts();
} catch (e) {
  throw new Error(`build first (npx tsc -p tsconfig.json): ${e.message}`);
}

mkdirSync(outDir, { recursive: true });
for (const c of charts) {
  if (!catalogCharts.some((p) => p.name === c.name && p.version === c.version))
    throw new Error(`${c.name} ${c.version} is not pinned in the catalog`);
  const acc = { keys: new Set(), open: new Set(), kinds: new Set() };
  const notes = [];
  inventoryOf(c.repo, c.commit, c.dir, c.valuesFile, '', acc, c.deps, notes);
  for (const [key, why] of Object.entries(c.passThrough ?? {})) {
    acc.open.add(key);
    notes.push(`${key}: open, ${why}`);
  }
  const chartYaml = YAML.parse(show(c.repo, c.commit, join(c.dir, 'Chart.yaml')));
  if (
    String(chartYaml.version).replace(/^v?/, 'v') !== c.version.replace(/^v?/, 'v') &&
    !(c.valuesFile && chartYaml.version === 'v0.0.0-latest')
  )
    throw new Error(`${c.repo}@${c.commit}:${c.dir}/Chart.yaml has version ${chartYaml.version}, not ${c.version}`);
  const sorted = (s) => [...s].sort();
  const facts = {
    chart: c.name,
    version: c.version,
    source: `${c.repo}@${c.commit}:${c.dir || '.'}`,
    generatedBy: 'scripts/chart-inventory.mjs',
    notes,
    kinds: sorted(acc.kinds),
    openKeys: sorted(acc.open),
    keys: sorted(acc.keys),
  };
  const file = path.join(outDir, `${c.name}-${c.version}.json`);
  writeFileSync(file, `${JSON.stringify(facts, null, 1)}\n`);
  console.log(`${path.relative(root, file)}: ${facts.keys.length} keys, ${facts.kinds.length} kinds`);
}
for (const p of catalogCharts) {
  if (!charts.some((c) => c.name === p.name && c.version === p.version))
    throw new Error(`catalog pins ${p.name} ${p.version}, which has no inventory entry here`);
}
