import * as path from 'node:path';
import { loadModels } from '../../src/model/load-models';
import { synthesize } from '../../src/synth/synthesize';
import { packageRoot } from '../../src/paths';
import { Cluster, eventually } from './cluster';
import { controlPlaneForTests } from './control-plane';
import { profileBases, run, writeTestProfile } from './harness';

/**
 * A deliberately broken blueprint: a justified `run-as-root` override on a building block
 * whose namespace still enforces Pod Security `restricted`. Terraform applies cleanly (a
 * Deployment is admitted); the real admission controller then refuses its Pods, and the e2e
 * check must report exactly that, naming the building block and the violated control.
 */
const { work, env, plane } = controlPlaneForTests('psa');
const cluster = new Cluster(plane.kubeconfig, env);
// The gateway and monitoring charts require their CRDs (requireCrds): install them first.
beforeAll(() => plane.installCrds(), 300_000);

test('a Pod Security violation forced by an override is caught with a clear message', async () => {
  const blueprint = path.join(packageRoot, 'test', 'fixtures', 'valid', 'minimal.yaml');
  const profile = writeTestProfile(blueprint, plane.kubeconfig, work, {
    security: {
      overrides: [
        {
          control: 'run-as-root',
          target: 'registration',
          value: true,
          justification: 'Legacy image that only runs as root (test of the e2e check).',
        },
      ],
    },
  });
  const [stack] = synthesize(loadModels([profile], profileBases), path.join(work, 'out'));
  const dir = path.dirname(stack.file);
  for (const args of [
    ['init', '-input=false'],
    ['apply', '-input=false', '-auto-approve'],
  ])
    run('tofu', [...args, '-no-color'], { cwd: dir, env });

  const violations = await eventually(
    120,
    () => {
      const found = cluster.podSecurityViolations(['gs-registration', 'gs-identity']);
      return found.length > 0 ? found : undefined;
    },
    'the ReplicaSet controller to report the rejected Pod',
  );
  expect(violations.every((v) => v.namespace === 'gs-registration')).toBe(true);
  expect(violations[0].object).toMatch(/^ReplicaSet\/registration-/);
  expect(violations[0].message).toMatch(/violates PodSecurity "restricted:latest": .*runAsNonRoot/);

  run('tofu', ['destroy', '-input=false', '-auto-approve', '-no-color'], { cwd: dir, env });
});
