import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-workflow';
const commit = '96b467556600b5df0616d196896c88135caa1a0c';
const api = apiDescriber(repo, commit);

const apis = [api('api/swagger.yaml', '3.0.0', '1.0.0', ['/instances', '/processes'])];

/**
 * Workflow. Spec 1.0 (govstack.md §1.2).
 *
 * Camunda 7 Run, the engine of GovStack's `examples/camunda` candidate, pinned to 7.24.0: the
 * Camunda 7.23→7.24 update guide names the Docker image 7.24.0
 * (https://docs.camunda.org/manual/develop/update/minor/723-to-724), the image tag scheme is
 * `${DISTRO}-${VERSION}` with DISTRO `run` (camunda/docker-camunda-bpm-platform README), and
 * `camunda/camunda-bpm-platform:run-7.24.0` is used by public repositories. No newer `run-7.x`
 * tag was found.
 *
 * Facts from camunda/docker-camunda-bpm-platform@d713e966f6e3f2f97c216591cb9775d438d10bb5
 * (Dockerfile, camunda-run.sh) and camunda/camunda-bpm-platform distro/run/assembly/resources:
 * - `ENTRYPOINT ["/sbin/tini", "--"]`, `CMD ["./camunda.sh"]`, WORKDIR `/camunda`, user camunda
 *   (UID 1000), EXPOSE 8080; Kubernetes `args` replace CMD, so they restart with `./camunda.sh`.
 * - `run.sh start --rest` enables only the REST API (no web apps, no Swagger UI, no example).
 * - The default configuration (default.yml) uses a file H2 database at
 *   `./camunda-h2-default/` (relative to `/camunda`), and admin user demo/demo for the web apps.
 *   Here that folder is an emptyDir: process state is lost on restart. A persistent install
 *   points SPRING_DATASOURCE_* (or DB_*) at PostgreSQL; the PostgreSQL JDBC driver is in the
 *   image (`configuration/userlib`).
 * - REST health check: `GET /engine-rest/engine` lists the engines (Camunda REST reference,
 *   "Get Engine Names"), unauthenticated by default.
 *
 * Camunda does not serve the GovStack workflow API itself: GovStack's example puts a Caddy
 * reverse proxy in front that rewrites `/processes…` and `/instances…` onto
 * `/engine-rest/process-definition…` and `/engine-rest/process-instance…`.
 */
export const workflow: BuildingBlockEntry = {
  id: 'workflow',
  title: 'Workflow',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.0' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({ repo, commit, apis, healthPath: '/processes' }),
    {
      kind: 'image',
      id: 'camunda',
      title: 'Camunda 7 Run (REST API only)',
      source:
        'https://docs.camunda.org/manual/develop/update/minor/723-to-724; camunda/docker-camunda-bpm-platform@d713e966f6e3f2f97c216591cb9775d438d10bb5:README.md',
      image: { repository: 'camunda/camunda-bpm-platform', tag: 'run-7.24.0' },
      containerPort: 8080,
      healthPath: '/engine-rest/engine',
      args: ['./camunda.sh', '--rest'],
      writablePaths: ['/tmp', '/camunda/camunda-h2-default'],
      // Project defaults for a JVM service; Camunda publishes no figures.
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      storage: { kind: 'none' },
      apiAdapter: `GovStackWorkingGroup/${repo}@${commit}:examples/camunda/Caddyfile`,
      caveats: [
        'serves the Camunda REST API under /engine-rest, not the GovStack workflow API; GovStack maps one onto the other with a Caddy rewrite proxy that this entry does not deploy',
        'keeps process state in an H2 file on an emptyDir (lost on restart) unless SPRING_DATASOURCE_* point it at PostgreSQL',
        'the REST API is unauthenticated by default',
      ],
    },
    externalProduct,
  ],
};
