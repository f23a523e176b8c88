import { ImageRef, Source } from '../types';

/**
 * The PostgreSQL datastore a building block gets when its product needs one (`storage:
 * postgres`), run by `charts/govstack-building-block`: the docker-library `postgres` image,
 * which runs under the arbitrary non-root UID the chart sets, in its Alpine variant.
 */
export const blockDatabase: { readonly image: ImageRef; readonly source: Source } = {
  image: { repository: 'postgres', tag: '17.9-alpine' },
  // docker-library's official `postgres` image, 17.x Alpine variant (the tag the chart pinned since the datastore was added).
  source: 'https://hub.docker.com/_/postgres',
};
