import { apiDescriber, externalProduct, mockProduct, specSource } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-messaging';
const commit = 'b1f705a06c227f3757725b26e565ad6b791560f3';
const api = apiDescriber(repo, commit);

const apis = [
  api('api/swagger.json', '3.0.1', '0.1.1', ['/callback', '/send', '/status']),
  api('api/swagger.yaml', '3.0.1', '0.1.1', ['/callback', '/send', '/status']),
];

/**
 * Messaging. Spec 1.0 (govstack.md §1.2). The published API covers e-mail only.
 *
 * No self-hostable product: GovStack's candidate, RapidPro, was used as SaaS (app.rapidpro.io
 * or TextIt) in the Early Warning demo and never deployed in the sandbox
 * (GovStackWorkingGroup/sandbox@737f61eb7fccebca4c88e9a965cf20dc4155bab4:docs/explore-stack/building-blocks/messaging-rapidpro.md),
 * so a real deployment is `external`.
 */
export const messaging: BuildingBlockEntry = {
  id: 'messaging',
  title: 'Messaging',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.0' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: '/status/email',
      example: {
        file: 'examples/mock/mockoon-messaging.json',
        healthPath: '/status/email',
        healthCheck: {
          kind: 'tcp',
          reason:
            "the environment's only GET (/status/email) answers 200 only to a request carrying the requestUID and api_key headers and a status parameter, else 405; a Kubernetes HTTP probe cannot send api_key, as the API server accepts only header names matching [-A-Za-z0-9]+",
          source: `${specSource(repo, commit, 'examples/mock/mockoon-messaging.json')}#L29; https://github.com/kubernetes/kubernetes/blob/v1.37.2/staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`,
        },
        caveats: [
          'its probes only open a TCP connection: the environment answers 405 to every GET without requestUID and api_key headers, which a Kubernetes probe cannot send',
        ],
      },
    }),
    externalProduct,
  ],
};
