import { apiDescriber, externalProduct, mockProduct, specSource } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-esignature';
const commit = '3b7e9d2959c5285cd280caa1996119ddc9a07dc0';
const api = apiDescriber(repo, commit);

const apis = [api('api/swagger.yaml', '3.0.2', '1.0.0', ['/{version}'])];

/**
 * E-Signature ("Remote SCD API"). Spec 1.0: govstack.md §1.2 gives no version; the newest row
 * of `spec/1-version-history.md` at this commit is 1.0. No candidate product was found.
 *
 * Every path starts with a `{version}` parameter (example value `v1`); the mock's health path
 * uses `v1`. `servers[0].url` is `http://localhost:9090`, which gives Mockoon no route prefix.
 */
export const esignature: BuildingBlockEntry = {
  id: 'esignature',
  title: 'E-Signature',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.0' },
  apis,
  servicePort: 8080,
  products: [mockProduct({ repo, commit, apis, healthPath: '/v1/cert/list' }), externalProduct],
  excludedApiFiles: [{ file: 'api/swagger.json', reason: 'empty file (0 bytes)', source: specSource(repo, commit, 'api/swagger.json') }],
};
