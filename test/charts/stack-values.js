'use strict';
/**
 * Writes the values the stack passes to charts/govstack-xroad for a blueprint (exactly what the
 * InformationMediator construct passes: src/constructs/xroad-values.ts, compiled in dist/),
 * and what the chart test expects of the rendered chart: each security server's Pod labels
 * (the model's securityServerPods) and the catalog's ports.
 *
 *   node test/charts/stack-values.js <repo root> <blueprint> <out values.json> <out expected.json> [bundled]
 *
 * With `bundled`, the blueprint is extended with `deployment.documents.source: bundled` and a
 * bundle folder of small stand-in documents, one for every document the blueprint loads.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [root, blueprint, valuesOut, expectedOut, mode] = process.argv.slice(2);
const dist = path.join(root, 'dist', 'src');
const { resolveModel } = require(path.join(dist, 'model', 'resolve'));
const { loadBlueprint } = require(path.join(dist, 'blueprint', 'load'));
const { xroadReleaseValues } = require(path.join(dist, 'constructs', 'xroad-values'));
const { apiDocumentRef } = require(path.join(dist, 'model', 'documents'));
const labels = require(path.join(dist, 'model', 'pod-labels'));
const { documentServerPods, documentServerPort } = require(path.join(dist, 'model', 'service-descriptions'));
const { mediatorCatalog } = require(path.join(dist, 'catalog'));

let file = blueprint;
let work;
if (mode === 'bundled') {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'govstack-chart-bundle-'));
  const upstream = resolveModel(loadBlueprint(blueprint));
  for (const block of upstream.buildingBlocks.filter((b) => b.product.kind !== 'external')) {
    const files = block.entry.apis.map((a) => apiDocumentRef(a)?.file).filter(Boolean);
    if (block.product.kind === 'image') files.push(...(block.product.documents?.files ?? []).map((d) => d.file));
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(work, block.id, f)), { recursive: true });
      fs.writeFileSync(path.join(work, block.id, f), `{"openapi":"3.0.0","info":{"title":"${block.id} ${f}","version":"1"},"paths":{}}\n`);
    }
  }
  file = path.join(work, 'bundled.yaml');
  fs.writeFileSync(file, `extends: [${path.resolve(blueprint)}]\ndeployment:\n  documents:\n    source: bundled\n    bundle: [${work}]\n`);
}
try {
  // The bundled overlay sits in a temporary folder: its base is outside that folder's tree.
  const model = resolveModel(loadBlueprint(file, { extendsRoots: [path.dirname(path.resolve(blueprint))] }));
  fs.writeFileSync(valuesOut, JSON.stringify(xroadReleaseValues(model, { serviceAccountName: 'mediator', waits: true })));
  const servers = Object.fromEntries(model.mediator.securityServers.map((s) => [s.name, labels.securityServerPods(s.name)]));
  fs.writeFileSync(expectedOut, JSON.stringify({ servers, documentServer: mode === 'bundled' ? documentServerPods : null, catalog: mediatorCatalog, documentServerPort }));
} finally {
  if (work) fs.rmSync(work, { recursive: true, force: true });
}
