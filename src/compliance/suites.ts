/**
 * GovStack's compliance suites: facts about each building block's published test suite, read
 * at the commits the catalog pins (the same commits as the API documents). A suite is run
 * unchanged; the project only redirects its hard-coded base URL (`redirect.ts`).
 *
 * Known failures are facts, each with the file and line in GovStack's repositories that shows
 * why a scenario fails whatever product answers it (the suite drifted from the specification it
 * sits beside, the suite is defective) or why GovStack's own example mock fails it (the mock
 * is wrong, or Mockoon 9.7.0 reads the environment differently from the 2.2.1 it was written
 * for). A listed scenario that passes is reported as such; one not listed that fails is a failure.
 */
import { findBuildingBlock } from '../catalog';
import { Source } from '../catalog/types';

/** Why a scenario is known to fail. */
export type KnownFailureKind = 'suite-drift' | 'suite-defect' | 'example-mock-defect' | 'mockoon-incompatibility';

export interface KnownFailure {
  /** Scenarios by `<feature file relative to the suite>:<line>` (for an outline, the example row's line). */
  readonly scenarios: readonly string[];
  readonly kind: KnownFailureKind;
  readonly reason: string;
  /** `owner/repo@commit:path#Lline` of the lines that show the reason. */
  readonly evidence: readonly Source[];
  /** Applies only when the product under test is GovStack's example mock (a defect of that mock, not of the suite). */
  readonly exampleMockOnly?: boolean;
}

export interface ComplianceSuite {
  /** Building-block id (catalog). */
  readonly buildingBlock: string;
  /** `owner/name` of the repository holding the suite. */
  readonly repository: string;
  readonly commit: string;
  /** Folder of the suite in the repository. */
  readonly dir: string;
  /** How the suite runs; only `cucumber-js` suites are run by this project. */
  readonly runner: 'cucumber-js' | 'behave';
  /** `host:port` the suite's step code calls (hard-coded), redirected to the deployment. */
  readonly calls: string;
  /** Scenarios in the suite at the commit (counted by cucumber-js). */
  readonly scenarios: number;
  readonly knownFailures: readonly KnownFailure[];
  /** Set when the project does not run the suite, with the reason (and its evidence). */
  readonly notRun?: { readonly reason: string; readonly evidence: readonly Source[] };
}

function at(buildingBlock: string, path: string, line?: number): Source {
  const entry = findBuildingBlock(buildingBlock);
  if (!entry) throw new Error(`no catalog entry ${buildingBlock}`);
  return `${entry.spec.repository}@${entry.spec.commit}:${path}${line ? `#L${line}` : ''}`;
}

function suite(buildingBlock: string, rest: Omit<ComplianceSuite, 'buildingBlock' | 'repository' | 'commit'>): ComplianceSuite {
  const entry = findBuildingBlock(buildingBlock);
  if (!entry) throw new Error(`no catalog entry ${buildingBlock}`);
  return { buildingBlock, repository: entry.spec.repository, commit: entry.spec.commit, ...rest };
}

const openApi = 'test/openAPI';

/** Every building block whose repository publishes a compliance suite, sorted by id. */
export const complianceSuites: readonly ComplianceSuite[] = [
  suite('consent', {
    dir: 'test/gherkin',
    runner: 'behave',
    calls: 'CONSENTBB_API_HOST',
    scenarios: 4,
    knownFailures: [],
    notRun: {
      reason:
        'a behave (Python) suite whose client hard-codes https:// with certificate checks off; the runner image carries Node suites only',
      evidence: [at('consent', 'test/gherkin/features/environment.py', 10), at('consent', 'test/gherkin/requirements.txt', 1)],
    },
  }),
  suite('digital-registries', { dir: openApi, runner: 'cucumber-js', calls: 'localhost:3333', scenarios: 57, knownFailures: [] }),
  suite('identity', {
    dir: openApi,
    runner: 'cucumber-js',
    calls: 'localhost:3333',
    scenarios: 85,
    knownFailures: [
      {
        scenarios: ['features/oauth_token.feature:68'],
        kind: 'example-mock-defect',
        reason:
          'all-empty form fields match the example mock\'s empty-payload rule first, which answers errorType "invalid_payload"; the suite expects "invalid_input", which the mock\'s later rule returns',
        evidence: [
          at('identity', `${openApi}/features/oauth_token.feature`, 68),
          at('identity', 'examples/mock-identity/mockoon-bbidentity.json', 2532),
          at('identity', 'examples/mock-identity/mockoon-bbidentity.json', 2598),
        ],
        exampleMockOnly: true,
      },
      {
        scenarios: ['features/wallet_binding.feature:67'],
        kind: 'example-mock-defect',
        reason:
          'the example mock has no rule for an invalid auth challenge on /wallet-binding and answers with an empty errors[], which the suite requires non-empty',
        evidence: [
          at('identity', `${openApi}/features/wallet_binding.feature`, 67),
          at('identity', `${openApi}/features/support/wallet_binding.js`, 163),
          at('identity', 'examples/mock-identity/mockoon-bbidentity.json', 2964),
        ],
        exampleMockOnly: true,
      },
    ],
  }),
  suite('information-mediator', { dir: openApi, runner: 'cucumber-js', calls: 'localhost:3366', scenarios: 28, knownFailures: [] }),
  suite('messaging', {
    dir: openApi,
    runner: 'cucumber-js',
    calls: 'localhost:3333',
    scenarios: 33,
    knownFailures: [
      {
        scenarios: [
          'features/callback_email.feature:5',
          'features/callback_email.feature:16',
          'features/callback_email.feature:39',
          'features/callback_email.feature:40',
          'features/callback_email.feature:57',
          'features/callback_email.feature:58',
          'features/callback_email.feature:62',
          'features/callback_email.feature:86',
          'features/status_email.feature:5',
          'features/status_email.feature:20',
          'features/status_email.feature:50',
          'features/status_email.feature:51',
          'features/status_email.feature:52',
          'features/status_email.feature:69',
          'features/status_email.feature:70',
          'features/status_email.feature:87',
          'features/status_email.feature:88',
          'features/status_email.feature:105',
          'features/status_email.feature:132',
        ],
        kind: 'suite-drift',
        reason:
          'the steps read the send response\'s "requestUID"; the specification beside the suite names it "requestUid", so a conforming product fails the precondition',
        evidence: [
          at('messaging', `${openApi}/features/support/callback_email.js`, 44),
          at('messaging', `${openApi}/features/support/status_email.js`, 48),
          at('messaging', 'api/swagger.yaml', 101),
        ],
      },
      {
        scenarios: ['features/send_email_batch.feature:5', 'features/send_email_single.feature:5'],
        kind: 'example-mock-defect',
        reason:
          "the example mock's default send responses carry no content-type header (served as text/plain); the suite requires application/json",
        evidence: [
          at('messaging', `${openApi}/features/send_email_single.feature`, 12),
          at('messaging', 'examples/mock/mockoon-messaging.json', 160),
          at('messaging', 'examples/mock/mockoon-messaging.json', 220),
        ],
        exampleMockOnly: true,
      },
    ],
  }),
  suite('payments', { dir: openApi, runner: 'cucumber-js', calls: 'localhost:3333', scenarios: 74, knownFailures: [] }),
  suite('registration', {
    dir: openApi,
    runner: 'cucumber-js',
    calls: 'localhost:3333',
    scenarios: 49,
    knownFailures: [
      {
        scenarios: ['features/applicant_services_serviceid_applications.feature:17'],
        kind: 'mockoon-incompatibility',
        reason:
          "the example mock's templates call faker 'random.alphaNumeric' (Faker 5, @mockoon/cli 2.2.1); Mockoon 9.7.0 migrates the name to 'string.alphaNumeric', which its Faker does not have, and serves the error text instead of the body (all three example rows)",
        evidence: [
          at('registration', 'examples/mock-registration/mockoon-registration.json', 337),
          at('registration', `${openApi}/features/applicant_services_serviceid_applications.feature`, 17),
        ],
        exampleMockOnly: true,
      },
    ],
  }),
  suite('workflow', {
    dir: 'test/api-suite',
    runner: 'cucumber-js',
    calls: 'localhost:443',
    scenarios: 18,
    knownFailures: [],
    notRun: {
      reason:
        'the steps call https://localhost with fetch and no base-URL setting, define ambiguous steps and assert 200 in negative scenarios; no example mock (the example imports the OpenAPI file into mockoon/cli:latest)',
      evidence: [at('workflow', 'test/api-suite/features/support/steps.js', 28), at('workflow', 'examples/mock/docker-compose.yaml', 4)],
    },
  }),
];

/** The suite of a building block, or undefined. */
export function findSuite(buildingBlock: string): ComplianceSuite | undefined {
  return complianceSuites.find((s) => s.buildingBlock === buildingBlock);
}
