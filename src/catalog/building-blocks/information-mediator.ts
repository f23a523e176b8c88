import { apiDescriber, externalProduct, mockProduct, specSource } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-information-mediator';
const commit = '44524920d20b55b7b8fa5d6ec10cb6beef1f2862';
const api = apiDescriber(repo, commit);

const apis = [
  api('api/GovStack_IM_Configuration_Management_API.yaml', '3.0.0', '1.0.1', ['/api']),
  api('api/GovStack_IM_Directory_Services_API.yaml', '3.0.0', '1.0', ['/listClients', '/r1']),
  api('api/GovStack_IM_PubSub_API.yaml', '3.1.0', '2.0.0', ['/r1']),
];

/**
 * Information Mediator. Spec 1.1.1 (`spec/1-version-history.md`, govstack.md §1.2).
 *
 * The product that really implements this building block, X-Road, is not a product option
 * here: it is the platform's mediator (`../platform/mediator.ts`), deployed once per
 * deployment with one security server per organisation, because every other building block's
 * traffic runs through it. This entry only offers the spec mock (for testing consumers of the
 * directory-services API) and `external` (an X-Road instance run by someone else).
 */
export const informationMediator: BuildingBlockEntry = {
  id: 'information-mediator',
  title: 'Information Mediator',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.1.1' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: '/listClients',
      example: { file: 'examples/mock/mockoon-bb-information-mediator.json', healthPath: '/listClients' },
    }),
    externalProduct,
  ],
  excludedApiFiles: [
    {
      file: 'api/GovStack_Configuration.yaml',
      reason: 'a sample of the declarative IM configuration document (domain, instance, members), not an OpenAPI description',
      source: specSource(repo, commit, 'api/GovStack_Configuration.yaml'),
    },
  ],
};
