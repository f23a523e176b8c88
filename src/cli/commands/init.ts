import { existsSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CommandModule } from 'yargs';
import { countryCodes } from '../../blueprint/countries';
import { Environment } from '../../blueprint/types';
import { EnvironmentError, InputError } from '../../blueprint/problems';
import { displayPath } from '../../blueprint/load';
import { loadModels } from '../../model/load-models';
import { runCommand } from '../run';
import { writeOutput } from './common';

type TargetKind = 'kubeconfig' | 'eks' | 'aks' | 'gke';

interface Args {
  country: string;
  environment: Environment;
  target: TargetKind;
  extends?: string;
  name?: string;
  out?: string;
  force: boolean;
}

export const initCommand: CommandModule<object, Args> = {
  command: 'init',
  describe: 'Write a commented starting blueprint for a country that validates as written',
  builder: (y) =>
    y
      .option('country', { alias: 'c', type: 'string', demandOption: true, describe: 'ISO 3166-1 alpha-2 country code, e.g. KE' })
      .option('environment', {
        alias: 'e',
        choices: ['dev', 'test', 'staging', 'prod'] as const,
        default: 'dev' as Environment,
        describe: 'Deployment environment',
      })
      .option('target', {
        alias: 't',
        choices: ['kubeconfig', 'eks', 'aks', 'gke'] as const,
        default: 'kubeconfig' as TargetKind,
        describe: 'Where it runs: any cluster by kubeconfig, or a managed one',
      })
      .option('extends', {
        type: 'string',
        describe: "A base blueprint (e.g. a donor's) to build on; the new file then holds only what differs",
      })
      .option('name', { type: 'string', describe: 'Deployment and stack name (default: <country>-<environment>, lower case)' })
      .option('out', {
        alias: 'o',
        type: 'string',
        describe: 'File to write (default: <name>.yaml); an existing file is kept unless --force',
      })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing --out file' })
      .example('$0 init --country KE --environment test --target aks', 'A starting blueprint for Kenya on AKS, in ke-test.yaml')
      .example(
        '$0 init -c KE -e test -t aks --extends blueprints/examples/bases/social-protection.yaml',
        "Kenya's file on top of a donor's base",
      ) as never,
  handler: (args) =>
    runCommand(() => {
      const country = args.country.toUpperCase();
      // Checked here, not in a yargs check(): what a check throws escapes as a stack trace (exit 1).
      if (!countryCodes.includes(country))
        throw new EnvironmentError(`--country ${args.country} is not an ISO 3166-1 alpha-2 code (e.g. KE, EE, PH)`);
      const name = args.name ?? `${country.toLowerCase()}-${args.environment}`;
      const out = args.out ?? `${name}.yaml`;
      if (existsSync(out) && !args.force) throw new EnvironmentError(`${out} exists; choose another --out or add --force`);
      const base = args.extends
        ? path
            .relative(path.dirname(path.resolve(out)), path.resolve(args.extends))
            .split(path.sep)
            .join('/')
        : undefined;
      if (args.extends && !statSync(args.extends, { throwIfNoEntry: false })?.isFile())
        throw new EnvironmentError(`--extends ${args.extends} is not a file`);
      const baseDir = args.extends ? realpathSync(path.dirname(path.resolve(args.extends))) : undefined;
      writeChecked(out, scaffold({ country, environment: args.environment, target: args.target, name, base }), baseDir);
      // extends: reads only the new file's folder tree unless told otherwise: say so on the next step.
      const inside = !baseDir || !path.relative(realpathSync(path.dirname(path.resolve(out))), baseDir).startsWith('..');
      const root = inside ? '' : ` --extends-root ${path.relative(process.cwd(), baseDir!) || '.'}`;
      process.stdout.write(`wrote ${out}; next: govstack validate ${out}${root}\n`);
    }),
};

/**
 * Write `text` to `out` only if it validates as a blueprint there (so the options given, such
 * as a name that is no DNS label or a base that does not validate, cannot leave a file the next
 * command refuses): it is written beside `out` under a temporary name, loaded as `validate`
 * would load it (reading `extendsRoot` too), and renamed into place. Throws the problems,
 * labelled with `out`, and leaves nothing behind.
 */
function writeChecked(out: string, text: string, extendsRoot: string | undefined): void {
  const draft = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.govstack-init-${process.pid}`);
  writeOutput(draft, text); // makes the folder too
  try {
    loadModels([draft], { extendsRoots: extendsRoot ? [extendsRoot] : undefined });
  } catch (err) {
    rmSync(draft, { force: true });
    if (!(err instanceof InputError)) throw err;
    const label = displayPath(draft);
    throw new InputError(err.problems.map((p) => (p.file === label ? { ...p, file: out } : p)));
  }
  renameSync(draft, out);
}

/** The text of a starting blueprint: every line either a valid value or a comment saying what to change. */
export function scaffold(o: { country: string; environment: Environment; target: TargetKind; name: string; base?: string }): string {
  const cc = o.country.toLowerCase();
  const instance = `${o.country}-${o.environment.toUpperCase()}`;
  const prod = o.environment !== 'dev';
  const lines = [
    `# A GovStack blueprint for ${o.country} (${o.environment}). Check it with: govstack validate <this file>`,
    '# Every field is described in blueprints/blueprint.schema.json; editors that speak the YAML',
    '# language server complete and check fields from it.',
    ...(o.base
      ? [
          '',
          '# Built on a base: only what differs from it is written here. Maps merge key by key, `null`',
          '# removes a key, and `- {to: x, $remove: true}` removes one flow (organisations and alert',
          '# receivers by name). `govstack show <this file>` prints the merged result.',
          `extends: [${JSON.stringify(o.base)}]`,
        ]
      : []),
    '',
    'metadata:',
    `  name: ${o.name}              # the Terraform stack name: a DNS label`,
    `  country: ${o.country}`,
    `  environment: ${o.environment}          # dev | test | staging | prod`,
    '',
    ...targetLines(o.target, o.name),
    '',
    ...stateLines(o.target, prod, cc),
    ...(o.base
      ? ['', 'mediator:', `  instance: ${instance}        # the X-Road instance identifier`]
      : [
          '',
          'mediator:                    # the X-Road instance: one security server per organisation',
          `  instance: ${instance}`,
          '  memberClasses: [GOV]',
          '  organisations:',
          '    - { name: civil-registration, class: GOV, code: "CRS" }   # replace the codes with registry numbers',
          '    - { name: social-protection, class: GOV, code: "SP" }',
          '',
          'buildingBlocks:              # `govstack catalog` lists ids and products',
          '  identity:',
          '    owner: civil-registration',
          '    exposure: external       # external | internal | none (default)',
          ...(prod ? ['    # product: mock is an API simulator: name a real product (govstack catalog) before production'] : []),
          '  registration:',
          '    owner: social-protection',
          '    exposure: external',
          '    consumes:                # each flow opens NetworkPolicies and a mediator access right',
          '      - to: identity',
        ]),
    '',
    ...gatewayLines(cc),
  ];
  return lines.join('\n') + '\n';
}

function gatewayLines(cc: string): string[] {
  return [
    'gateway:',
    '  domains:',
    `    external: api.${cc}.example       # replace with your public API domain`,
    `    internal: internal.${cc}.example  # and the one reachable only inside`,
    '  tls:',
    '    clusterIssuer: letsencrypt   # a cert-manager ClusterIssuer, or certificateSecret: <existing Secret>',
  ];
}

function targetLines(kind: TargetKind, name: string): string[] {
  switch (kind) {
    case 'kubeconfig':
      return [
        'target:',
        '  kind: kubeconfig',
        "  path: ~/.kube/config      # relative paths are read from this file's folder",
        `  context: ${name}           # the context to deploy to`,
      ];
    case 'eks':
      return ['target:', '  kind: eks', `  clusterName: ${name}`, '  region: eu-west-1'];
    case 'aks':
      return ['target:', '  kind: aks', `  clusterName: ${name}`, `  resourceGroup: rg-${name}`];
    case 'gke':
      return ['target:', '  kind: gke', `  clusterName: ${name}`, '  location: europe-west1', `  project: govstack-${name}`];
  }
}

/** Local state for dev; elsewhere the remote backend that goes with the target. */
function stateLines(kind: TargetKind, remote: boolean, cc: string): string[] {
  if (!remote) return ['state:', '  backend: local             # dev only: state stays on this machine'];
  switch (kind) {
    case 'eks':
      return ['state:', '  backend: s3', `  bucket: ${cc}-govstack-tfstate`, '  region: eu-west-1'];
    case 'aks':
      return [
        'state:',
        '  backend: azurerm',
        `  storageAccountName: ${cc}govstackstate`,
        '  containerName: tfstate',
        `  resourceGroupName: rg-${cc}-govstack-state`,
      ];
    case 'gke':
      return ['state:', '  backend: gcs', `  bucket: ${cc}-govstack-tfstate`];
    case 'kubeconfig':
      return ['state:', '  backend: kubernetes          # a Secret in the cluster itself', '  namespace: kube-system'];
  }
}
