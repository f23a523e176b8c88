import { ImageRef, Source } from '../types';

/**
 * The PostgreSQL datastore a building block gets when its product needs one (`storage:
 * postgres`), run by `charts/govstack-building-block`: the docker-library `postgres` image,
 * which runs under the arbitrary non-root UID the chart sets, in its Alpine variant.
 */
export const blockDatabase: { readonly image: ImageRef; readonly source: Source } = {
  image: { repository: 'postgres', tag: '17.9-alpine' },
  source:
    'docker-library official image `postgres` (Docker Hub library/postgres), 17.x Alpine variant, as pinned by charts/govstack-building-block since the datastore was added',
};
