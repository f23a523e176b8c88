import { apiDescriber, externalProduct, mockProduct, specSource } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-registration';
const commit = 'f439f802c93a43a6d2083971e973e88552e04a24';
const api = apiDescriber(repo, commit);

const apis = [
  api('api/GovStack_Registration_BB_API.json', '3.0.0', '0.1.1', ['/applications', '/documents', '/eForms', '/services', '/tasks']),
  api('api/GovStack_Registration_BB_API_statistics.json', '3.0.0', '1.0.0', ['/data']),
];

/**
 * Registration. Spec 1.0 (govstack.md §1.2).
 *
 * No real product option: eRegistrations (UNCTAD) and Joget are named as candidates, but
 * GovStack deploys neither pinned (the sandbox runs `jogetworkflow/joget-dx8-tomcat9:latest`,
 * govstack.md §1.3), and bb-open-imis states no Registration implementation is available.
 */
export const registration: BuildingBlockEntry = {
  id: 'registration',
  title: 'Registration',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.0' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: '/services',
      example: {
        file: 'examples/mock-registration/mockoon-registration.json',
        healthPath: '/services',
        caveats: [
          "templates call faker 'random.alphaNumeric', which Mockoon 9.7.0 migrates to a name its Faker lacks: POST /applicant/services/{id}/applications answers the error text (mockoon-registration.json line 337)",
        ],
      },
    }),
    externalProduct,
  ],
  excludedApiFiles: [
    {
      file: 'api/ExamplePayload.json',
      reason: 'an example request payload, not an OpenAPI description',
      source: specSource(repo, commit, 'api/ExamplePayload.json'),
    },
  ],
};
