import { MediatorEntry } from '../platform-types';

/** X-Road at its 7.8.0 tag (2026-02-04; CHANGELOG "7.8.0 - 2026-02-02"). */
const xroad = 'nordic-institute/X-Road@3c3cff6502e648889920ef3be5f9421d5648c4a7';
/** The develop commit the admin API descriptions in /work/shared/xroad were read from. */
const xroadApi = 'nordic-institute/X-Road@fcd16216c481f53582cb433a0b62095601769241';
/** GovStack's sandbox X-Road packaging (X-Road 7.2.2). */
const sim = 'GovStackWorkingGroup/sandbox-bb-information-mediator@b0d5cab46e9179641ba86ed85427524300965c5a';

/**
 * Information mediator: X-Road (NIIS).
 *
 * - Version: images are pinned to 7.8.0, the newest release in the repository. The admin API
 *   descriptions the project reads come from a later develop commit whose CHANGELOG says
 *   "7.8.1 - UNRELEASED" (xroadVersion=7.8.1 in src/gradle.properties), so they may describe a
 *   slightly newer API than the 7.8.0 servers. Public repositories also use
 *   `niis/xroad-security-server-sidecar:7.8.2`, which could not be checked against NIIS sources.
 * - Security server: the Sidecar image `niis/xroad-security-server-sidecar`, NIIS's
 *   production container ("supports production use", sidecar/SIDECAR.md; published on Docker
 *   Hub). Tags `<version>` (full) and `<version>-slim` (sidecar/docker-build.sh builds both,
 *   default version 7.8.0). Only the full image has message logging and operational and
 *   environmental monitoring (doc/Sidecar/security_server_sidecar_user_guide.md §1.1), which
 *   the IM specification requires (§6.6, §6.7; govstack.md §3.6), so it is the default; the
 *   GovStack sandbox used `-slim`.
 * - The sidecar runs its services under supervisord as root (SIDECAR.md), so its namespace
 *   cannot enforce Pod Security "restricted".
 * - Ports (user guide §2; GovStack sandbox chart): 4000 admin UI/API, 8080/8443 consumer
 *   information systems (HTTP/HTTPS), 5500 and 5577 between security servers (messages, OCSP),
 *   5588 health check; the sandbox probes `GET /` on 5588.
 * - External database: must be PostgreSQL 16 for full compatibility (user guide, external
 *   database section); 16.13 is the 16.x release in docker-library/postgres versions.json
 *   (2026-02-26), deployed as its Alpine variant `postgres:16.13-alpine` (the chart's choice:
 *   smaller, and it runs under the arbitrary non-root UID the chart sets).
 * - Central server: NIIS publishes no production container for it. The X-Road repository's
 *   `Docker/centralserver` builds only development images
 *   (`ghcr.io/nordic-institute/xrddev-central-server:amd-latest|arm-latest`,
 *   .github/workflows/publish_images.yaml), and `Docker/securityserver/README.md` says its
 *   sibling image is "strictly meant for testing and development". GovStack's sandbox built on
 *   `niis/xroad-central-server:focal-7.2.2`; tags such as `noble-7.7.0` and `noble-7.8.2` are used
 *   in public repositories but could not be checked against NIIS sources. The sandbox's central
 *   server runs `noble-7.8.2` (`centralServer.image`, marked unverified) because a
 *   self-contained instance needs one; production instances join an existing central server.
 * - Resources: the sandbox chart's requests 500m/2Gi and limits 2 CPU/4Gi per server
 *   (govstack.md §1.3); the sidecar guide asks for 3 GiB (slim) or 4 GiB or more (full).
 * - X-Road Metrics: GovStack's IM vendor packaged it as a local chart (xroad-metrics 1.1.1,
 *   MongoDB 13.15.3) whose images are `latest` tags in a private ECR registry, so it cannot be
 *   deployed from here.
 */
export const mediatorCatalog: MediatorEntry = {
  implementation: 'X-Road (NIIS)',
  version: '7.8.0',
  adminApi: {
    version: '7.8.1',
    released: false,
    files: [
      'src/security-server/openapi-model/src/main/resources/META-INF/openapi-definition.yaml',
      'src/central-server/openapi-model/src/main/resources/openapi-definition.yaml',
    ],
    source: `${xroadApi}:CHANGELOG.md; ${xroadApi}:src/gradle.properties`,
  },
  securityServer: {
    image: { repository: 'niis/xroad-security-server-sidecar', tag: '7.8.0' },
    slimImage: { repository: 'niis/xroad-security-server-sidecar', tag: '7.8.0-slim' },
    ports: { admin: 4000, clientHttp: 8080, clientHttps: 8443, messaging: 5500, ocsp: 5577, health: 5588 },
    health: { port: 'health', path: '/' },
    minimumMemory: { full: '4Gi', slim: '3Gi' },
    runsAsRoot: true,
    source: `${xroad}:sidecar/SIDECAR.md; ${xroad}:sidecar/docker-build.sh; ${xroad}:doc/Sidecar/security_server_sidecar_user_guide.md; ${sim}:x-road/sandbox-im-x-road/charts/sandbox-xroad-ss/templates/security-server.yaml`,
  },
  centralServer: {
    officialImage: false,
    note: "NIIS publishes no production Central Server container: the X-Road repository builds only development images (ghcr.io/nordic-institute/xrddev-central-server, mutable *-latest tags). Run the central server from NIIS's Ubuntu packages, or use an existing X-Road instance (mediator.centralServer: false).",
    sandboxBaseImage: { repository: 'niis/xroad-central-server', tag: 'focal-7.2.2' },
    // The tag the mediator chart shipped and the end-to-end tests ran; it matches the
    // security servers' X-Road 7.8 line but is not traceable to an NIIS source (see above).
    image: { repository: 'niis/xroad-central-server', tag: 'noble-7.8.2', verified: false },
    ports: { admin: 4000, registration: 4001, management: 4002, globalConf: 80, testCaOcsp: 8888, testCaTsa: 8899 },
    health: { port: 'globalConf', path: '/internalconf' },
    source: `${xroad}:.github/workflows/publish_images.yaml; ${xroad}:Docker/securityserver/README.md; ${sim}:x-road/images/sandbox-xroad-cs/Dockerfile; ${sim}:x-road/sandbox-im-x-road/charts/sandbox-xroad-cs/templates/central-server.yaml`,
  },
  database: {
    image: { repository: 'postgres', tag: '16.13-alpine' },
    majorVersion: 16,
    // PostgreSQL's default port, which the image keeps (docker-library/postgres Dockerfile EXPOSE).
    port: 5432,
    source: `${xroad}:doc/Sidecar/security_server_sidecar_user_guide.md; docker-library/postgres@6edb0a8c4def40c371514b34aef9037ec82d9110:versions.json`,
  },
  reconcileRuntime: {
    image: { repository: 'node', tag: '22.20.0-alpine3.22' },
    // docker-library's official `node` image, 22.x LTS on Alpine 3.22 (the tag the chart pinned since the Job was added).
    source: 'https://hub.docker.com/_/node',
  },
  resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
  metrics: {
    deployable: false,
    note: 'X-Road Metrics 1.1.1 exists only as a repository-local chart whose collector and corrector images are "latest" tags in a private ECR registry; no public pinned image or chart was found.',
    source:
      'nortal/GovStack-IM-BB-SandBox-Deployment@dda43879209fdc40bea90feca46f0aa5a4b6a32b:x-road/x-road-metrics/Chart.yaml; nortal/GovStack-IM-BB-SandBox-Deployment@dda43879209fdc40bea90feca46f0aa5a4b6a32b:x-road/x-road-metrics/charts/collector/values.yaml',
  },
  sources: [
    `${xroad}:CHANGELOG.md`,
    `${xroad}:sidecar/SIDECAR.md`,
    `${xroad}:doc/Sidecar/security_server_sidecar_user_guide.md`,
    `${xroadApi}:src/gradle.properties`,
    `${sim}:x-road/sandbox-im-x-road/charts/sandbox-xroad-ss/templates/security-server.yaml`,
    `${sim}:x-road/sandbox-im-x-road/charts/sandbox-xroad-cs/templates/central-server.yaml`,
  ],
};
