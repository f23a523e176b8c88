/**
 * Shared facts and builders for the building-block entries: where GovStack's specifications
 * live, the Mockoon mock every building block can run, and the `external` option.
 */
import { ApiDescription, ExternalProduct, ImageProduct, ResourceProfile, Source } from './types';

/** The GitHub organisation holding one specification repository per building block (`bb-<name>`). */
export const govstackOrg = 'GovStackWorkingGroup';

/** A file in a specification repository at a commit, as a catalog source. */
export function specSource(repo: string, commit: string, file: string): Source {
  return `${govstackOrg}/${repo}@${commit}:${file}`;
}

/** The raw.githubusercontent.com address of a specification file at a commit (path segments URL-encoded). */
export function rawSpecUrl(repo: string, commit: string, file: string): string {
  return `https://raw.githubusercontent.com/${govstackOrg}/${repo}/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** An `ApiDescription` builder bound to one specification repository and commit. */
export function apiDescriber(repo: string, commit: string) {
  return (file: string, openapi: string, infoVersion: string, basePaths: readonly string[], parseIssue?: string): ApiDescription => ({
    file,
    openapi,
    infoVersion,
    basePaths,
    source: specSource(repo, commit, file),
    ...(parseIssue ? { parseIssue } : {}),
  });
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
 *   written when run locally. `HOME` is set explicitly because the Pod runs under a UID that
 *   has no passwd entry in the image.
 * - No health endpoint: unmatched paths return 404 (so `/` cannot be the probe). A spec route
 *   is used instead: the first declared response of an imported operation is the default, and
 *   the first `servers[0].url` path becomes the route prefix
 *   (…:packages/commons/src/libs/openapi-converter.ts). Every health path below was checked to
 *   return 200 by running @mockoon/cli 9.7.0 against the local spec copy.
 */
export const mockoonCli = {
  image: { repository: 'mockoon/cli', tag: '9.7.0' },
  containerPort: 3000,
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
  /** The OpenAPI file the mock serves (a mock serves exactly one). */
  readonly file: string;
  /** A spec path (with any route prefix) the mock answers with 200. */
  readonly healthPath: string;
  /** Route prefix Mockoon takes from the file's `servers[0].url`, if any. */
  readonly apiPathPrefix?: string;
  /** Further limitations of this mock. */
  readonly caveats?: readonly string[];
}

/** A Mockoon mock serving one OpenAPI file of a building block's specification. */
export function mockProduct(o: MockOptions): ImageProduct {
  return {
    kind: 'image',
    id: 'mock',
    title: `Mockoon mock of ${o.file}`,
    source: `${mockoonCli.source}; ${specSource(o.repo, o.commit, o.file)}`,
    image: mockoonCli.image,
    containerPort: mockoonCli.containerPort,
    healthPath: o.healthPath,
    args: ['--data', rawSpecUrl(o.repo, o.commit, o.file), '--port', String(mockoonCli.containerPort), '--disable-admin-api'],
    env: { HOME: mockoonCli.home },
    writablePaths: [`${mockoonCli.home}/.mockoon-cli`],
    resources: mockResources,
    storage: { kind: 'none' },
    ...(o.apiPathPrefix ? { apiPathPrefix: o.apiPathPrefix } : {}),
    // raw.githubusercontent.com is served from a CDN with no fixed address range.
    egress: [{ name: 'spec-download', cidrs: ['0.0.0.0/0'], ports: [443], reason: 'the mock downloads its OpenAPI document from raw.githubusercontent.com at start-up' }],
    caveats: [
      'fetches the specification from raw.githubusercontent.com at start-up, so the Pod needs HTTPS egress to it',
      'returns the specification\'s example or schema-generated responses; it keeps no state and checks no credentials',
      ...(o.caveats ?? []),
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
