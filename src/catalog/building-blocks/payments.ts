import { apiDescriber, externalProduct, mockProduct, specSource } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-payments';
const commit = 'd9bfef6f5ecf8f88ea308284836530c03bb8f855';
const api = apiDescriber(repo, commit);

/** Set on the files whose YAML repeats a mapping key (read with duplicate keys allowed). */
const parseIssue = 'duplicate mapping keys: not valid YAML 1.2; read leniently (later key wins)';

/**
 * The key each of those files repeats: the operation's `parameters`, written twice. The later
 * list wins (as JSON.parse, Mockoon's YAML parser with duplicates allowed, and the catalog's
 * reading do). Mockoon's importer builds routes from the path, method and responses, never from
 * `parameters`: importing either reading gives the same routes and responses (checked with
 * @mockoon/cli 9.7.0, identifiers aside), so the mock serves what the file means to.
 */
const repeatedParameters = (path: string, lines: [number, number], dropped: string, kept: string) => ({
  parseIssue,
  duplicateKeys: [
    {
      pointer: `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/post/parameters`,
      lines,
      lost: `the first list (${dropped}) is replaced by the second (${kept}); the mock's route is the same either way`,
    },
  ],
});

const g2p = 'api/G2P API YAMLs/';
const p2g = 'api/P2G API YAMLs/';
const voucher = 'api/Voucher API YAMLs/';

const apis = [
  api(`${g2p}AccountLookup.yml`, '3.0.0', '1.0.1', ['/beneficiary']),
  api(`${g2p}BatchDetails.yml`, '3.0.0', '1.0.1', ['/api']),
  api(`${g2p}BulkAccountLookup.yml`, '3.0.0', '1.0.1', ['/beneficiary']),
  api(
    `${g2p}BulkPayment.yml`,
    '3.0.0',
    '1.0.2',
    ['/batchtransactions'],
    repeatedParameters(
      '/batchtransactions',
      [10, 88],
      'required query parameter type',
      'headers X-CorrelationID, Platform-TenantId, X-Program-Id, X-Registering-Institution-Id, X-Callback-URL',
    ),
  ),
  api(
    `${g2p}BulkPaymentStatusUpdate.yml`,
    '3.0.0',
    '1.0.3',
    ['/api'],
    repeatedParameters('/api/v1/batch', [10, 97], 'required query parameters batchId and X-CorrelationID', 'header X-Callback-URL'),
  ),
  // The path is `/beneficiaries?command=validate`; the query string is not a path segment.
  api(`${g2p}BulkValidateAccountRequest.yml`, '3.0.0', '1.0.2', ['/beneficiaries']),
  api(`${g2p}BulkValidateAccountResponse.yml`, '3.0.0', '1.0.1', ['/callback']),
  api(
    `${g2p}GetAuthorizationRequest.yml`,
    '3.0.0',
    '1.0.1',
    ['/batches'],
    // The dropped list declares the path's own template parameter: the later reading leaves
    // `{batchId}` undeclared, which an OpenAPI validator would flag.
    repeatedParameters(
      '/batches/{batchId}',
      [10, 63],
      'path parameter batchId, required query parameter command',
      'header X-Client-Correlation-ID',
    ),
  ),
  // A callback to a URL the caller supplies: the whole path is a template.
  api(`${g2p}GetAuthorizationResponse.yml`, '3.0.0', '1.0.1', ['/{X-Callback-URL}']),
  api(`${g2p}RegisterBeneficiaryRequest.yml`, '3.0.0', '1.0.0', ['/identityAccountMapper']),
  api(`${g2p}RegisterBeneficiaryResponse.yml`, '3.0.0', '1.0.1', ['/callback']),
  api(`${g2p}UpdateBeneficiaryRequest.yml`, '3.0.0', '1.0.1', ['/identityAccountMapper']),
  api(`${g2p}UpdateBeneficiaryResponse.yml`, '3.0.0', '1.0.2', ['/callback']),
  api(`${p2g}billInquiryBillerRequest.yml`, '3.0.0', '1.0.0', ['/bills']),
  api(`${p2g}billInquiryRequest.yml`, '3.0.0', '1.0.0', ['/bills']),
  api(`${p2g}billInquiryResponse.yml`, '3.0.0', '1.0.0', ['/bills']),
  api(`${p2g}billPaymentRequest.yml`, '3.0.0', '1.0.0', ['/billTransferRequests']),
  api(`${p2g}billPaymentResponse.yml`, '3.0.0', '1.0.0', ['/billTransferRequests']),
  api(`${p2g}billerRtpReq.yml`, '3.0.0', '1.0.0', ['/rtpRequest']),
  api(`${p2g}billerRtpResponse.yml`, '3.0.0', '1.0.0', ['/rtpUpdate']),
  api(`${p2g}markBillPpaymentRequest.yml`, '3.0.0', '1.0.0', ['/billTransferRequests']),
  api(`${p2g}markBillPpaymentResponse.yml`, '3.0.0', '1.0.0', ['/billTransferRequests']),
  api(`${p2g}payerRtpRequest.yml`, '3.0.0', '1.0.0', ['/rtpRequest']),
  api(`${p2g}payerRtpResponse.yml`, '3.0.0', '1.0.0', ['/rtpResponse']),
  api(`${p2g}rtpStatusUpdateRequest.yml`, '3.0.0', '1.0.0', ['/transferRequests']),
  api(`${p2g}rtpStatusUpdateResponse.yml`, '3.0.0', '1.0.0', ['/transferRequests']),
  api(`${p2g}voucherRedemptionforBillPayment.yml`, '3.0.0', '1.0.0', ['/voucherRedemption']),
  api(`${voucher}VoucherActivate.yml`, '3.0.0', '1.0.1', ['/vouchers']),
  api(`${voucher}VoucherActivateResponse.yml`, '3.0.0', '1.0.1', ['/callback-url']),
  api(`${voucher}VoucherCancellation.yml`, '3.0.0', '1.0.1', ['/vouchers']),
  api(`${voucher}VoucherCancellationResponse.yml`, '3.0.0', '1.0.1', ['/vouchers']),
  api(`${voucher}VoucherCreationResponse.yml`, '3.0.0', '1.0.1', ['/voucher-details-return']),
  api(`${voucher}VoucherPreactivationRequest.yml`, '3.0.0', '1.0.1', ['/vouchers']),
  api(`${voucher}VoucherRedemption.yml`, '3.0.0', '1.0.1', ['/vouchers']),
  api(`${voucher}VoucherStatus.yml`, '3.0.0', '1.0.1', ['/vouchers']),
];

/**
 * Payments. Spec 3.0 (December 2025, `spec/1-version-history/README.md`, govstack.md §1.2).
 *
 * The API is published as 36 single-path OpenAPI 3.0.0 files in three folders: G2P (13: bulk
 * disbursement, beneficiary onboarding), P2G (15: bill payment, request-to-pay) and vouchers (8).
 * (govstack.md §1.2 counts 38 and 17 P2G files; the repository at this commit has 36 and 15.)
 * One file per `ApiDescription`, so each can be registered with the mediator on its own.
 *
 * No real product option: GovStack's Payment Hub EE packaging (`helm/govstack-chart`, chart
 * `ph-ee-g2psandbox-govstack` 1.1.0 over `ph-ee-g2psandbox` 1.2.0 from a vendor-hosted
 * repository, https://fynarfin.io/images/ph-ee-g2psandbox-1.2.0) spreads the API over several
 * connector services (channel, bulk processor, account mapper, …) rather than one Service, and its
 * values carry credentials; no single pinned chart, Service and health path could be stated.
 */
export const payments: BuildingBlockEntry = {
  id: 'payments',
  title: 'Payments',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '3.0' },
  apis,
  servicePort: 8080,
  products: [
    // GovStack's voucher example, then every API file (the three with duplicate keys re-read with
    // the later key winning). Several files share a method and path (e.g. POST /callback, POST
    // /billTransferRequests): the first file's route answers for all of them.
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: '/api/v1/batch/detail',
      caveats: [
        "API files that declare the same method and path (POST /callback, /billTransferRequests, /rtpRequest, /vouchers; GET /bills/{billId}) are answered by the first such file's route",
      ],
      // A GET the environment answers with 200 (its voucher-status rule matches a serial number).
      example: { file: 'examples/mock-bb-payments/mockoon-paymentsbbvoucher.json', healthPath: '/vouchers/voucherstatuscheck/1' },
    }),
    externalProduct,
  ],
  excludedApiFiles: [
    {
      file: `${p2g}billInquiryBillerResponse.yml`,
      reason:
        'not YAML: a prose sentence and a Markdown code fence wrap the OpenAPI text, so no YAML parser (nor the mediator) can read it',
      source: specSource(repo, commit, `${p2g}billInquiryBillerResponse.yml`),
    },
  ],
};
