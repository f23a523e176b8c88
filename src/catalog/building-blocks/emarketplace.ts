import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-emarketplace';
const commit = '1a9660e2a001e529f881784564a13469c22fc1aa';
const api = apiDescriber(repo, commit);

/** beckn-style transaction endpoints and their `on_…` callbacks (61 paths; JSON and YAML copies agree). */
const basePaths = [
  '/cancel',
  '/cancellation_reasons',
  '/catalog',
  '/confirm',
  '/forms',
  '/fulfillment',
  '/fulfillments',
  '/generateFeedbackForRating',
  '/get_cancellation_reasons',
  '/get_rating_categories',
  '/get_return_reasons',
  '/init',
  '/inventory',
  '/on_cancel',
  '/on_confirm',
  '/on_init',
  '/on_rating',
  '/on_search',
  '/on_select',
  '/on_status',
  '/on_support',
  '/on_track',
  '/on_update',
  '/orders',
  '/quotation',
  '/rating',
  '/rating_categories',
  '/return_reasons',
  '/search',
  '/select',
  '/status',
  '/support',
  '/terms',
  '/track',
  '/tracking',
  '/update',
];

const apis = [api('api/swagger.json', '3.0.0', '0.2', basePaths), api('api/swagger.yaml', '3.0.0', '0.2', basePaths)];

/**
 * E-Marketplace ("E-Marketplace Transaction Layer Specification"). Spec 0.1: govstack.md §1.2
 * says 0.1/0.2; the only row of `spec/1-version-history.md` at this commit is 0.1, while the
 * API file's info.version is 0.2. GovStack names the beckn protocol, not a product.
 */
export const emarketplace: BuildingBlockEntry = {
  id: 'emarketplace',
  title: 'E-Marketplace',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '0.1' },
  apis,
  servicePort: 8080,
  products: [
    // Every GET has a path parameter; Mockoon matches any value, and the first declared response ("default") is served as 200.
    mockProduct({ repo, commit, apis, healthPath: '/orders/probe' }),
    externalProduct,
  ],
};
