/**
 * Shared facts and builders for the building-block entries: where GovStack's specifications
 * live, the Mockoon mock every building block can run, and the `external` option.
 */
import {
  ApiDescription,
  DuplicateKey,
  ExternalProduct,
  ImageProduct,
  ProductOption,
  ResourceProfile,
  Source,
  StartupDocument,
  TcpHealthCheck,
} from './types';

/** The GitHub organisation holding one specification repository per building block (`bb-<name>`). */
export const govstackOrg = 'GovStackWorkingGroup';

/** A file in a specification repository at a commit, as a catalog source. */
export function specSource(repo: string, commit: string, file: string): Source {
  return `${govstackOrg}/${repo}@${commit}:${file}`;
}

/** Facts of an API file beyond its version and paths, each absent when it does not apply. */
export interface ApiFileFacts {
  readonly parseIssue?: string;
  readonly duplicateKeys?: readonly DuplicateKey[];
  readonly serverPath?: string;
}

/** An `ApiDescription` builder bound to one specification repository and commit. */
export function apiDescriber(repo: string, commit: string) {
  return (file: string, openapi: string, infoVersion: string, basePaths: readonly string[], facts: ApiFileFacts = {}): ApiDescription => ({
    file,
    openapi,
    infoVersion,
    basePaths,
    source: specSource(repo, commit, file),
    ...(facts.parseIssue ? { parseIssue: facts.parseIssue } : {}),
    ...(facts.duplicateKeys ? { duplicateKeys: facts.duplicateKeys } : {}),
    ...(facts.serverPath ? { serverPath: facts.serverPath } : {}),
  });
}

/**
 * The path prefix under which `product` serves `api`'s paths: the file's own server path when
 * the product serves each file there (`apiPathPrefixes: 'server-path'`), else the product's
 * one `apiPathPrefix`; `''` for the root.
 */
export function apiPathPrefixOf(product: Pick<ProductOption, 'apiPathPrefix' | 'apiPathPrefixes'>, api: ApiDescription): string {
  if (product.apiPathPrefixes === 'server-path') return api.serverPath ?? '';
  return product.apiPathPrefix ?? '';
}

/**
 * One file per API: of files that differ only in their extension (`x.json` and `x.yaml` in one
 * folder: the same API published twice, sometimes drifted apart), the first in the list stands
 * for both. The mediator registers one service per file kept, and a mock serves the same.
 */
export function distinctApis(apis: readonly ApiDescription[]): ApiDescription[] {
  const stem = (a: ApiDescription) => a.file.replace(/\.[^./]+$/, '');
  return apis.filter((a, i) => apis.findIndex((b) => stem(b) === stem(a)) === i);
}

/**
 * The documents a building block's mock serves, in serving order: GovStack's example
 * environment (`example`, when there is one), then every API file (`distinctApis`). A file that
 * repeats mapping keys is served too: the chart's merge step re-reads it with later keys winning
 * when Mockoon's importer refuses it (charts/govstack-building-block/files/merge-mockoon.js).
 */
export function mockDocuments(repository: string, commit: string, apis: readonly ApiDescription[], example?: string): StartupDocument[] {
  return [
    ...(example ? [{ repository, commit, file: example, kind: 'mockoon-environment' as const }] : []),
    ...distinctApis(apis).map((a) => ({ repository, commit, file: a.file, kind: 'openapi' as const })),
  ];
}

/**
 * Mockoon CLI, the mock server GovStack's compliance examples use (govstack.md §4.1:
 * `@mockoon/cli@2.2.1`; pinned here to a current release).
 *
 * - Version: npm `@mockoon/cli` 9.7.0 (`npm view @mockoon/cli versions`; 9.8.0 is tagged in git
 *   but was not published to npm, and the Docker job only runs after the npm publish).
 * - Docker tag: the release workflow pushes `mockoon/cli:<package.json version>`
 *   (mockoon/mockoon@df02ba3b0d9e8b88651230f3b38d8e6fa3679b9b:.github/workflows/release-libs.yml,
 *   tag libs-v9.7.0); `mockoon/cli:9.7.0` is also referenced by several public repositories.
 * - Image: `node:26-alpine`, `USER mockoon`, `EXPOSE 3000`, entrypoint
 *   `mockoon-cli start --disable-log-to-file`, so `args` are appended to it
 *   (…:packages/cli/docker/Dockerfile at the same tag).
 * - `--data` accepts an OpenAPI 2/3 file (JSON or YAML) or an `http(s)` URL, fetched at start-up;
 *   `--port` overrides the port; `--disable-admin-api` turns off the admin API that is otherwise
 *   served on the same port under `/mockoon-admin` (…:packages/cli/src/commands/start.ts,
 *   …:packages/cli/src/libs/data.ts, …:packages/commons-server/src/libs/server/admin-api.ts).
 * - Writes: the CLI's init hook always creates `$HOME/.mockoon-cli/logs`, even with
 *   `--disable-log-to-file` (…:packages/cli/src/hooks/init.ts, src/config.ts); nothing else was
 *   written when run locally.
 * - User: `mockoon`, uid/gid 1001: `adduser mockoon` on a `node:*-alpine` base, whose `node`
 *   user already holds 1000 (docker-library/node alpine Dockerfiles: `adduser -u 1000 … node`).
 *   The CLI looks its user up at start (`uv_os_get_passwd`): under a UID without a passwd
 *   entry it exits with ERR_SYSTEM_ERROR, as the e2e's real node showed, so the Pod runs as
 *   this user. `HOME` is set too.
 * - The importer parses YAML with `yaml` 2.9.0 (a dependency of @mockoon/commons 9.7.0) at its
 *   defaults, which refuse a mapping that repeats a key (…:packages/commons/src/libs/openapi-converter.ts,
 *   `parseJsonOrYaml`); the chart's merge step re-reads such a file with that parser allowing
 *   them (`ApiDescription.duplicateKeys`).
 * - No health endpoint: unmatched paths return 404 (so `/` cannot be the probe). A spec route
 *   is used instead: the first declared response of an imported operation is the default, and
 *   the first `servers[0].url` path becomes the route prefix
 *   (…:packages/commons/src/libs/openapi-converter.ts). Every health path below was checked to
 *   return 200 by running @mockoon/cli 9.7.0 against the local spec copy.
 */
export const mockoonCli = {
  image: { repository: 'mockoon/cli', tag: '9.7.0' },
  /** Version GovStack's example environments were written for (`npm install -g @mockoon/cli@2.2.1` in each example's Dockerfile, e.g. bb-identity@8e342936614d89316fbd586fb730761b213d31fb:examples/mock-identity/Dockerfile). 9.7.0 migrates them on load. */
  examplesWrittenFor: '2.2.1',
  containerPort: 3000,
  user: { uid: 1001, gid: 1001 },
  home: '/home/mockoon',
  source:
    'https://www.npmjs.com/package/@mockoon/cli/v/9.7.0; mockoon/mockoon@df02ba3b0d9e8b88651230f3b38d8e6fa3679b9b:.github/workflows/release-libs.yml',
} as const;

/** Small footprint of a Mockoon mock (project default, not an upstream figure). */
export const mockResources: ResourceProfile = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};

export interface MockOptions {
  /** Specification repository, e.g. `bb-consent`. */
  readonly repo: string;
  readonly commit: string;
  /** The building block's API files (its entry's `apis`): the mock serves every one `mockDocuments` keeps. */
  readonly apis: readonly ApiDescription[];
  /** A spec path (with any route prefix) the mock answers with 200. */
  readonly healthPath: string;
  /** Further limitations of this mock. */
  readonly caveats?: readonly string[];
  /**
   * GovStack's own hand-written Mockoon environment for this building block (request rules,
   * fixtures), in the same repository at the same commit; served first, before the API files.
   */
  readonly example?: MockExample;
}

/** A Mockoon environment file GovStack publishes beside a building block's compliance suite. */
export interface MockExample {
  /** Path in the repository, e.g. `examples/mock-identity/mockoon-bbidentity.json`. */
  readonly file: string;
  /** A path the environment answers with 200 (checked by running it in @mockoon/cli 9.7.0). */
  readonly healthPath: string;
  /** Set when no HTTP probe can pass against the environment (its request rules): the probes open a TCP connection instead. */
  readonly healthCheck?: TcpHealthCheck;
  /** What the environment does not cover, or where it behaves differently under 9.7.0. */
  readonly caveats?: readonly string[];
}

/**
 * The `mock` product: Mockoon serving, on one port, GovStack's example environment where the
 * repository has one and every API file of the building block (`mockDocuments`), each imported
 * with Mockoon's own importer and merged into one environment at start-up. The documents'
 * location is added by the model from the blueprint's `deployment.documents` (upstream,
 * mirror, or carried into the cluster).
 */
export function mockProduct(o: MockOptions): ImageProduct {
  const files = mockDocuments(`${govstackOrg}/${o.repo}`, o.commit, o.apis, o.example?.file);
  const imported = files.filter((f) => f.kind === 'openapi');
  const served = new Set(imported.map((f) => f.file));
  const lenient = o.apis.filter((a) => served.has(a.file) && a.duplicateKeys?.length);
  const common = [
    'keeps no state beyond what the environment defines and checks no credentials',
    ...lenient.map(
      (a) =>
        `serves ${a.file} although it repeats mapping keys, which Mockoon's importer refuses: its start-up re-reads the file with the later key winning (` +
        a.duplicateKeys!.map((d) => `${d.pointer} at lines ${d.lines.join(' and ')}: ${d.lost}`).join('; ') +
        ')',
    ),
    ...(o.caveats ?? []),
  ];
  const apiFiles = imported.length === 1 ? imported[0].file : `the ${imported.length} API files`;
  return {
    kind: 'image',
    id: 'mock',
    title: o.example
      ? `GovStack's example Mockoon environment ${o.example.file}, plus ${apiFiles} imported`
      : `Mockoon mock imported from ${apiFiles} (generated responses)`,
    source: [mockoonCli.source, ...files.map((f) => specSource(o.repo, o.commit, f.file))].join('; '),
    image: mockoonCli.image,
    containerPort: mockoonCli.containerPort,
    user: mockoonCli.user,
    healthPath: o.example?.healthPath ?? o.healthPath,
    ...(o.example?.healthCheck ? { healthCheck: o.example.healthCheck } : {}),
    documents: { files, argument: '--data' },
    args: ['--port', String(mockoonCli.containerPort), '--disable-admin-api'],
    env: { HOME: mockoonCli.home },
    writablePaths: [`${mockoonCli.home}/.mockoon-cli`],
    resources: mockResources,
    storage: { kind: 'none' },
    // Mockoon serves each imported file under its own server path. GovStack's example
    // environments serve the spec's paths at the root (each has an empty endpointPrefix), and
    // where one is served its routes are the ones consumers should reach.
    ...(o.example ? {} : { apiPathPrefixes: 'server-path' as const }),
    caveats: o.example
      ? [
          `serves GovStack's hand-written example environment first (written for @mockoon/cli ${mockoonCli.examplesWrittenFor}, run in ${mockoonCli.image.tag}): request rules and fixtures, the mock GovStack's compliance suite is run against`,
          `answers what the example does not cover from ${apiFiles}, imported: responses there are generated from the examples and schemas (random enum values, no fixtures, 200 where a suite expects an error)`,
          ...common,
          ...(o.example.caveats ?? []),
        ]
      : [
          'no example environment in the repository: every API file is imported, so responses are generated from its examples and schemas (random enum values, no fixtures, 200 where the suite expects an error)',
          ...common,
        ],
  };
}

/**
 * The building block runs elsewhere (another organisation or cluster) and is reached through
 * the information mediator. GovStack's sandbox guidelines allow a building block to be
 * deployed outside the sandbox and fronted from inside it.
 */
export const externalProduct: ExternalProduct = {
  kind: 'external',
  id: 'external',
  title: 'Runs elsewhere, reached through the information mediator',
  source: 'GovStackWorkingGroup/sandbox@737f61eb7fccebca4c88e9a965cf20dc4155bab4:docs/explore-stack/infrastructure.md',
};
