import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-digital-registries';
const commit = 'bc35ff73e307ad21de06291a6777037a40e19115';
const api = apiDescriber(repo, commit);

const apis = [
  api('api/GovStack_Digital_registries_BB_Data_API_template-1.3.0.json', '3.0.0', '1.4.0', ['/data']),
  api('api/GovStack_Digital_registries_BB_Data_API_template-1.3.0.yaml', '3.0.0', '1.3.0', ['/data']),
  api('api/GovStack_Digital_registries_BB_Database_API_template-1.3.0.json', '3.0.0', '1.1.0', ['/database', '/databases']),
  api('api/GovStack_Digital_registries_BB_Database_API_template-1.3.0.yaml', '3.0.0', '1.1.0', ['/database', '/databases']),
];

/**
 * Digital Registries. Spec 3.0.0-alpha (June 2026, govstack.md §1.2).
 *
 * The data API is published twice and the copies differ: the JSON file is info.version 1.4.0
 * with 11 paths, the YAML file 1.3.0 with 10. The mock serves the first of each pair (`distinctApis`),
 * the newer JSON files, after GovStack's example, which covers data and database API.
 *
 * No real product option: the candidates GovStack used are not pinned. openIMIS runs its
 * GovStack adapter from `ghcr.io/openimis/openimis-be:govstack-api-test` (bb-digital-registries
 * examples/openIMIS) and the sandbox from `…/sandbox-bb-digital-registries:open-imis-backend`
 * (govstack.md §1.3), both mutable tags; Baserow is a generic database whose chart does not
 * serve this API.
 */
export const digitalRegistries: BuildingBlockEntry = {
  id: 'digital-registries',
  title: 'Digital Registries',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '3.0.0-alpha' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      // GET /data/mypersonalDataUsage: no path parameters; Mockoon does not enforce its required query parameters.
      healthPath: '/data/mypersonalDataUsage',
      example: { file: 'examples/mockoon/mockoon-digitalregistries.json', healthPath: '/databases' },
    }),
    externalProduct,
  ],
};
