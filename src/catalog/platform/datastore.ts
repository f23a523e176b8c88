import { ImageRef, Source } from '../types';

/**
 * The PostgreSQL datastore a building block gets when its product needs one (`storage:
 * postgres`), run by `charts/govstack-building-block`: the docker-library `postgres` image,
 * which runs under the arbitrary non-root UID the chart sets, in its Alpine variant.
 */
export const blockDatabase: { readonly image: ImageRef; readonly port: number; readonly source: Source } = {
  image: { repository: 'postgres', tag: '17.9-alpine' },
  // PostgreSQL's default port, which the image's server listens on (postgresql.org docs, runtime-config-connection: port).
  port: 5432,
  // docker-library's official `postgres` image, 17.x Alpine variant (the tag the chart pinned since the datastore was added).
  source: 'https://hub.docker.com/_/postgres',
};
