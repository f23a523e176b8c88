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
export type KnownFailureKind = 'suite-drift' | 'suite-defect' | 'example-mock-defect' | 'mockoon-incompatibility' | 'generated-mock';

/**
 * Which `mock` product answers: GovStack's example Mockoon environment (`example`), or Mockoon
 * importing the OpenAPI documents with generated responses (`openapi-import`).
 */
export type MockKind = 'example' | 'openapi-import';

export interface KnownFailure {
  /** Scenarios by `<feature file relative to the suite>:<line>` (for an outline, the example row's line). */
  readonly scenarios: readonly string[];
  readonly kind: KnownFailureKind;
  readonly reason: string;
  /** `owner/repo@commit:path#Lline` of the lines that show the reason. */
  readonly evidence: readonly Source[];
  /**
   * Applies only when that kind of `mock` answers (a defect of GovStack's example mock, or what a
   * mock generating responses from the OpenAPI document cannot do), never to another product.
   * @default the failure applies whatever product answers
   */
  readonly mockOnly?: MockKind;
}

/** The test runners of GovStack's suites, each run by `entry.ts`. */
export const suiteRunners = ['cucumber-js', 'behave'] as const;
export type SuiteRunner = (typeof suiteRunners)[number];

export interface ComplianceSuite {
  /** Building-block id (catalog). */
  readonly buildingBlock: string;
  /** `owner/name` of the repository holding the suite. */
  readonly repository: string;
  readonly commit: string;
  /** Folder of the suite in the repository. */
  readonly dir: string;
  /** The suite's test runner: `cucumber-js` (Node.js, the suite's package.json) or `behave` (Python, its requirements.txt). */
  readonly runner: SuiteRunner;
  /** `host:port` the suite's step code calls (hard-coded, or its own default setting), redirected to the deployment. */
  readonly calls: string;
  /**
   * Files of the repository outside the suite's folder that its steps read at run time, by path
   * in the repository (the runner image carries them at the same place).
   * @default none
   */
  readonly repositoryFiles?: readonly string[];
  /** Settings the suite reads from its environment, at the defaults its own docker-compose file gives them. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Scenarios in the suite at the commit (counted by cucumber-js). */
  readonly scenarios: number;
  readonly knownFailures: readonly KnownFailure[];
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
    // environment.py builds https://$CONSENTBB_API_HOST$CONSENTBB_API_PATH (certificate checks
    // off); the suite's docker-compose.yml defaults them to localhost:8888 and an empty path.
    calls: 'localhost:8888',
    environment: { CONSENTBB_API_HOST: 'localhost:8888', CONSENTBB_API_PATH: '' },
    scenarios: 4,
    knownFailures: [
      {
        scenarios: ['features/data_agreement.feature:18'],
        kind: 'generated-mock',
        reason:
          'the mock imported from the OpenAPI document answers a data agreement generated from the schema whatever ID is asked for; the step requires the ID asked for',
        evidence: [at('consent', 'test/gherkin/features/steps/data_agreement.py', 30), at('consent', 'api/consent-openapi.yaml', 353)],
        mockOnly: 'openapi-import',
      },
      {
        scenarios: ['features/data_agreement.feature:28', 'features/data_agreement.feature:29'],
        kind: 'generated-mock',
        reason:
          "the mock imported from the OpenAPI document answers every request with the operation's first response (200) and checks no ID; the specification's 400 for an invalid ID needs a product that validates it",
        evidence: [at('consent', 'test/gherkin/features/steps/data_agreement.py', 34), at('consent', 'api/consent-openapi.yaml', 357)],
        mockOnly: 'openapi-import',
      },
    ],
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
        mockOnly: 'example',
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
        mockOnly: 'example',
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
        mockOnly: 'example',
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
        mockOnly: 'example',
      },
    ],
  }),
  suite('workflow', {
    dir: 'test/api-suite',
    runner: 'cucumber-js',
    // The steps fetch https://localhost/… with no base-URL setting and read the API document
    // at ../../api/swagger.yaml (features/support/steps.js).
    calls: 'localhost:443',
    repositoryFiles: ['api/swagger.yaml'],
    scenarios: 18,
    knownFailures: [
      {
        scenarios: [
          'features/list-instances.feature:5',
          'features/list-instances.feature:10',
          'features/list-instances.feature:16',
          'features/detail-instance.feature:5',
          'features/detail-instance.feature:10',
          'features/detail-instance.feature:16',
        ],
        kind: 'suite-drift',
        reason:
          'the steps request /instances; the specification beside the suite defines /instances/ (trailing slash), another path, so a product serving the specified paths answers 404 (an HTML page the steps parse as JSON)',
        evidence: [
          at('workflow', 'test/api-suite/features/support/steps.js', 60),
          at('workflow', 'test/api-suite/features/support/steps.js', 129),
          at('workflow', 'api/swagger.yaml', 195),
        ],
      },
      {
        scenarios: ['features/list-processes.feature:10', 'features/detail-process.feature:10'],
        kind: 'suite-drift',
        reason:
          "the steps require every property of the ProcessDefinition schema (name, type, isExecutable…) in a process; the specification's GET /processes and GET /processes/{processId} return the Process schema, which has other properties",
        evidence: [
          at('workflow', 'test/api-suite/features/support/steps.js', 42),
          at('workflow', 'test/api-suite/features/support/steps.js', 111),
          at('workflow', 'api/swagger.yaml', 45),
          at('workflow', 'api/swagger.yaml', 101),
        ],
      },
      {
        scenarios: ['features/detail-process.feature:16'],
        kind: 'suite-defect',
        reason:
          "the negative scenario sends the positive scenario's request (an existing process) and expects 400 where the positive one expects 200: no product passes both",
        evidence: [
          at('workflow', 'test/api-suite/features/detail-process.feature', 11),
          at('workflow', 'test/api-suite/features/detail-process.feature', 17),
        ],
      },
      {
        scenarios: [
          'features/start-instance.feature:5',
          'features/start-instance.feature:10',
          'features/start-instance.feature:16',
          'features/stop-instance.feature:5',
          'features/stop-instance.feature:10',
          'features/stop-instance.feature:16',
        ],
        kind: 'suite-defect',
        reason:
          "the step 'we receive status code {int} for the request' is defined twice, so cucumber-js marks every scenario using it ambiguous and runs none of its steps",
        evidence: [
          at('workflow', 'test/api-suite/features/support/steps.js', 181),
          at('workflow', 'test/api-suite/features/support/steps.js', 225),
        ],
      },
    ],
  }),
];

/** The suite of a building block, or undefined. */
export function findSuite(buildingBlock: string): ComplianceSuite | undefined {
  return complianceSuites.find((s) => s.buildingBlock === buildingBlock);
}
