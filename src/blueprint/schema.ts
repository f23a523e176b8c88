import { BuildingBlockEntry } from '../catalog/types';
import { countryCodes } from './countries';
import { upstreamComponents } from './types';
import { customBuildingBlocksSchema } from './custom-blocks';
import { customProductDef, customProductDefinition, customProductsSchema } from './custom-products';
import { dnsLabel, httpsUrl, object, resources, variant } from './schema-parts';

/** Identifier of the published schema; blueprints may reference it with `$schema`. */
export const schemaId = 'https://govstack.global/blueprint/v1/blueprint.schema.json';

const duration = { type: 'string', pattern: '^[0-9]+(h|d|w)$', description: 'A retention period such as `15d`.' };
const hostname = { type: 'string', pattern: '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$', maxLength: 253 };
const secretName = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$',
  description: 'Name of an existing Kubernetes Secret.',
};
const awsRegion = { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$' };
const clusterEndpoint = {
  ...httpsUrl,
  description:
    'API server URL, the default of the Terraform variable `cluster_endpoint`; when omitted that variable must be set at plan time.',
};
const clusterName = (description: string) => ({ ...dnsLabel, description });

const cidr = {
  type: 'string',
  pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$',
  description: 'An IPv4 address range, e.g. `10.0.0.0/8`.',
};
const cidrList = { type: 'array', items: cidr, minItems: 1, uniqueItems: true };
const targetNetwork = object(
  {
    apiServerCidrs: {
      ...cidrList,
      description:
        'Addresses the Kubernetes API server is reached at (and calls admission webhooks from). Default: the RFC 1918 private ranges.',
    },
    nodeCidrs: { ...cidrList, description: 'Addresses of the nodes, where kubelets serve metrics. Default: the RFC 1918 private ranges.' },
  },
  [],
  { description: 'Address ranges of the cluster itself, so NetworkPolicies open the Kubernetes API and the kubelets to exactly them.' },
);
const kubernetesVersion = {
  kubernetesVersion: {
    type: 'string',
    pattern: '^1\\.[0-9]{1,3}$',
    description: 'Kubernetes minor version the cluster runs, e.g. "1.35"; checked against the range the pinned Envoy Gateway supports.',
  },
};

const target = {
  type: 'object',
  description:
    "The Kubernetes cluster to deploy to. Synth never calls a cloud API: cloud targets use the provider's exec credential plugin at apply time.",
  required: ['kind'],
  properties: {
    kind: {
      enum: ['kubeconfig', 'eks', 'aks', 'gke'],
      description: "How the cluster is reached: kubeconfig (a file, any cluster), or eks, aks, gke (the cloud's exec credential plugin).",
    },
  },
  allOf: [
    variant(
      'kind',
      'kubeconfig',
      {
        network: targetNetwork,
        ...kubernetesVersion,
        path: { type: 'string', minLength: 1, description: 'Path of the kubeconfig file (any cluster, on-prem included).' },
        context: { type: 'string', minLength: 1, description: "Context to use; the file's current context when omitted." },
      },
      ['path'],
    ),
    variant(
      'kind',
      'eks',
      {
        network: targetNetwork,
        ...kubernetesVersion,
        clusterName: clusterName('Name of the EKS cluster, passed to `aws eks get-token`.'),
        region: { ...awsRegion, description: 'AWS region of the cluster, e.g. `eu-west-1`.' },
        endpoint: clusterEndpoint,
        roleArn: {
          type: 'string',
          pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$',
          description: "IAM role assumed for the cluster token (`aws eks get-token --role-arn`); default: the caller's own credentials.",
        },
      },
      ['clusterName', 'region'],
    ),
    variant(
      'kind',
      'aks',
      {
        network: targetNetwork,
        ...kubernetesVersion,
        clusterName: clusterName(
          'Name of the AKS cluster, as the `cluster_endpoint` variable describes it (the token comes from kubelogin).',
        ),
        resourceGroup: { type: 'string', pattern: '^[-\\w._()]{1,90}$', description: 'Azure resource group holding the cluster.' },
        endpoint: clusterEndpoint,
      },
      ['clusterName', 'resourceGroup'],
    ),
    variant(
      'kind',
      'gke',
      {
        network: targetNetwork,
        ...kubernetesVersion,
        clusterName: clusterName(
          'Name of the GKE cluster, as the `cluster_endpoint` variable describes it (the token comes from gke-gcloud-auth-plugin).',
        ),
        location: {
          type: 'string',
          pattern: '^[a-z]+-[a-z]+[0-9](-[a-z])?$',
          description: 'GCP region or zone of the cluster, e.g. `europe-west1` or `europe-west1-b`.',
        },
        project: { type: 'string', pattern: '^[a-z][-a-z0-9]{4,28}[a-z0-9]$', description: 'GCP project id the cluster belongs to.' },
        endpoint: clusterEndpoint,
      },
      ['clusterName', 'location', 'project'],
    ),
  ],
};

const stateEncryption = object(
  {
    keyProvider: {
      enum: ['pbkdf2'],
      description:
        'pbkdf2: a key derived from a passphrase of 16 or more characters, given at run time as the Terraform variable `state_encryption_passphrase` (e.g. TF_VAR_state_encryption_passphrase); never in the blueprint.',
    },
    migrate: {
      type: 'boolean',
      description:
        'Read an existing unencrypted state once and write it encrypted (default false: unencrypted state is refused). Set it for the first apply after turning encryption on, then remove it.',
    },
    generation: {
      type: 'integer',
      minimum: 1,
      maximum: 9999,
      description:
        'Which passphrase generation encrypts the state (default 1). OpenTofu files the key under a name per generation (1: govstack, n: govstack_n), so a state opens only under the generation that wrote it. Raise it by one together with rotate to move to a new passphrase, and keep the raised value afterwards.',
    },
    rotate: {
      type: 'boolean',
      description:
        'Move to a new passphrase in one apply: raise generation by one and set rotate; the old passphrase, given as the Terraform variable `state_encryption_previous_passphrase`, decrypts the existing state (generation - 1) and the new one, `state_encryption_passphrase`, encrypts it. Then remove rotate and the old passphrase and keep generation. Not together with migrate.',
    },
  },
  ['keyProvider'],
  { description: "OpenTofu (1.7 or later) state and plan encryption, client-side, on top of the backend's own encryption at rest." },
);
const encryption = { encryption: stateEncryption };

const state = {
  type: 'object',
  description: "Where Terraform keeps this deployment's state. The key is derived from country, environment and name.",
  required: ['backend'],
  properties: {
    backend: {
      enum: ['local', 's3', 'gcs', 'azurerm', 'pg', 'kubernetes'],
      description: 'Terraform backend kind; its credentials come from the environment at run time, never from the blueprint.',
    },
  },
  allOf: [
    variant('backend', 'local', {
      ...encryption,
      path: {
        type: 'string',
        pattern: '^[^/][^\\0]*\\.tfstate$',
        description:
          'State file path, relative to the working directory (default `terraform.govstack.<country>.<environment>.<name>.tfstate`).',
      },
    }),
    variant(
      'backend',
      's3',
      {
        ...encryption,
        bucket: {
          type: 'string',
          pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
          description: 'Existing S3 bucket; the state object is written server-side encrypted.',
        },
        region: { ...awsRegion, description: 'AWS region of the bucket.' },
        dynamodbTable: {
          type: 'string',
          pattern: '^[a-zA-Z0-9_.-]{3,255}$',
          description: 'DynamoDB table that locks the state during an apply (default: no lock table).',
        },
        kmsKeyId: {
          type: 'string',
          minLength: 1,
          description: "KMS key (id or ARN) encrypting the state object (default: the bucket's S3-managed key).",
        },
      },
      ['bucket', 'region'],
    ),
    variant(
      'backend',
      'gcs',
      {
        ...encryption,
        bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$', description: 'Existing Cloud Storage bucket.' },
        kmsEncryptionKey: {
          type: 'string',
          minLength: 1,
          description: 'Cloud KMS key encrypting the state (default: Google-managed encryption).',
        },
      },
      ['bucket'],
    ),
    variant(
      'backend',
      'azurerm',
      {
        ...encryption,
        storageAccountName: { type: 'string', pattern: '^[a-z0-9]{3,24}$', description: 'Existing Azure storage account.' },
        containerName: {
          type: 'string',
          pattern: '^[a-z0-9](-?[a-z0-9]){2,62}$',
          description: 'Blob container in that account holding the state.',
        },
        resourceGroupName: { type: 'string', pattern: '^[-\\w._()]{1,90}$', description: 'Resource group of the storage account.' },
      },
      ['storageAccountName', 'containerName', 'resourceGroupName'],
    ),
    variant('backend', 'pg', {
      ...encryption,
      schemaName: {
        type: 'string',
        pattern: '^[a-z_][a-z0-9_]{0,62}$',
        description:
          'PostgreSQL schema holding the state (default `govstack_` + the state key with every run of other characters as `_`: `govstack_govstack_<country>_<environment>_<name>`); the connection string comes from `PG_CONN_STR`.',
      },
    }),
    variant('backend', 'kubernetes', {
      ...encryption,
      namespace: { ...dnsLabel, description: 'Namespace of the Secret holding the state (default `kube-system`).' },
    }),
  ],
};

const memberClass = { type: 'string', pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'X-Road member class, e.g. GOV, COM, ORG.' };

const mediator = object(
  {
    instance: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$', description: 'X-Road instance identifier.' },
    memberClasses: {
      type: 'array',
      items: memberClass,
      minItems: 1,
      uniqueItems: true,
      description: 'X-Road member classes the instance defines, e.g. `[GOV, COM]`.',
    },
    organisations: {
      type: 'array',
      minItems: 1,
      description: 'X-Road members: each owns building blocks and runs one security server.',
      'x-merge-key': 'name',
      items: object(
        {
          name: { ...dnsLabel, description: "Organisation id, referenced by a building block's `owner`; names its security server." },
          title: { type: 'string', minLength: 1, maxLength: 200, description: 'Display name, the X-Road member name (default: the name).' },
          class: memberClass,
          code: {
            type: 'string',
            pattern: '^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$',
            description:
              'X-Road member code (e.g. a registry number): letters, digits, "." and "-", inside X-Road 7.8\'s strict identifier characters (StrictIdentifierValidator: letters, digits and \'()+,-.=?).',
          },
        },
        ['name', 'class', 'code'],
      ),
    },
    centralServer: { type: 'boolean', description: 'Run a central server too, for a self-contained X-Road instance (default true).' },
  },
  ['instance', 'memberClasses', 'organisations'],
  { description: 'The information mediator (X-Road) instance: one security server per organisation.' },
);

/** `deployment.documents` (see `DocumentSources` in types.ts): one field for every document fetched from GovStack's repositories. */
export const documents = {
  ...object(
    {
      source: {
        enum: ['upstream', 'mirror', 'bundled'],
        description:
          'upstream (default): raw.githubusercontent.com at the pinned commit; mirror: the same layout under `mirror`; bundled: read at synth time from `bundle` and carried into the cluster.',
      },
      mirror: { ...httpsUrl, description: 'Base URL laid out like raw.githubusercontent.com: `<mirror>/<owner>/<repo>/<commit>/<file>`.' },
      bundle: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', minLength: 1 },
        description:
          'Folders holding `<building-block id>/<file path in its repository>`, searched in order; relative to the blueprint file.',
      },
    },
    ['source'],
  ),
  allOf: [
    { if: { properties: { source: { const: 'mirror' } } }, then: { required: ['mirror'] } },
    { if: { properties: { source: { const: 'bundled' } } }, then: { required: ['bundle'] } },
  ],
};

/**
 * What a country decides about any building block it deploys, whatever product runs it: shared
 * by `buildingBlocks` entries and by `customBuildingBlocks` (which declare their product inline).
 */
const deploymentFields = {
  enabled: { type: 'boolean', description: 'Deploy this building block (default true).' },
  owner: { ...dnsLabel, description: 'The organisation (from mediator.organisations) that owns this building block.' },
  size: { enum: ['small', 'medium', 'large'], description: 'Size profile for replicas and resources (default small; prod: medium).' },
  replicas: {
    type: 'integer',
    minimum: 1,
    maximum: 50,
    description: "Pod replicas (default: the size profile's, small 1, medium 2, large 3).",
  },
  resources: {
    ...resources,
    description: "CPU and memory requests and limits per container (default: the catalog's profile scaled by size).",
  },
  exposure: {
    enum: ['external', 'internal', 'none'],
    description: 'Route through the external gateway, the internal one, or none (default none).',
  },
  hostname: { ...dnsLabel, description: 'Host label under the gateway domain (default: the building block id).' },
  consumes: {
    type: 'array',
    'x-merge-key': 'to',
    description: 'Building blocks this one calls. Each becomes a NetworkPolicy allow and, via the mediator, an access right.',
    items: object(
      {
        to: { ...dnsLabel, description: 'Id of the building block called, a catalog or custom one enabled in this blueprint.' },
        via: { enum: ['mediator', 'direct'], description: 'Through the information mediator (default) or directly when co-located.' },
      },
      ['to'],
    ),
  },
};

function buildingBlockDecl(entry: BuildingBlockEntry) {
  const catalogProducts = entry.products.map((p) => p.id);
  return object(
    {
      ...deploymentFields,
      // Not an enum: a country may add products under customProducts; the model refuses an id
      // that is neither the catalog's nor declared there, naming both.
      product: {
        ...dnsLabel,
        default: catalogProducts[0],
        description:
          "Which product implements the building block: one of the catalog's options (default: the first listed, the catalog's recommended one) or one declared under customProducts.<block id>.",
      },
      version: {
        type: 'string',
        pattern: '^v?[0-9]+(\\.[0-9]+){0,2}([-+][0-9A-Za-z.-]+)?$',
        description: "Override the catalog's pinned image tag or chart version.",
      },
    },
    ['owner'],
    { description: `${entry.title} (GovStack spec ${entry.spec.version}).` },
  );
}

const gateway = object(
  {
    domains: object(
      {
        external: {
          ...hostname,
          description: 'DNS domain of the external (public) gateway; exposed building blocks are `<hostname>.<external>`.',
        },
        internal: { ...hostname, description: 'DNS domain of the internal gateway, reachable only on private addresses.' },
      },
      ['external', 'internal'],
      { description: 'DNS domains under which building blocks are exposed.' },
    ),
    tls: object(
      {
        clusterIssuer: { ...dnsLabel, description: 'cert-manager ClusterIssuer that issues the gateway certificates.' },
        certificateSecret: { ...secretName, description: 'Existing TLS Secret in the gateway namespace.' },
      },
      [],
      { minProperties: 1, maxProperties: 1, description: 'Exactly one of clusterIssuer or certificateSecret.' },
    ),
    oidc: object(
      {
        issuer: { ...httpsUrl, description: 'Issuer URL of the OpenID provider (its discovery document is read).' },
        clientId: { type: 'string', minLength: 1, maxLength: 200, description: 'OAuth2 client id registered at the provider.' },
        clientSecretName: {
          ...secretName,
          description: "Existing Secret in the external gateway's namespace holding the client secret in key `client-secret`.",
        },
      },
      ['issuer', 'clientId', 'clientSecretName'],
      { description: 'OpenID Connect login in front of the external gateway (default: none).' },
    ),
    rateLimit: object(
      {
        requests: { type: 'integer', minimum: 1, maximum: 1000000, description: 'Requests allowed per unit of time.' },
        unit: { enum: ['Second', 'Minute', 'Hour'], description: 'The unit of time `requests` counts over.' },
      },
      ['requests', 'unit'],
      { description: 'Per-route rate limit applied by each gateway proxy (default 100 requests per second).' },
    ),
    internalLoadBalancerAnnotations: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: '^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$' },
      additionalProperties: { type: 'string', maxLength: 1024 },
      description:
        "Annotations that make the internal gateway's load balancer private on this cluster. EKS, AKS and GKE get their cloud's annotation by default; on a kubeconfig target (e.g. MetalLB) name them here.",
    },
  },
  ['domains', 'tls'],
  { description: 'Segregated external and internal API gateways (Kubernetes Gateway API).' },
);

const observability = {
  ...object({
    enabled: { type: 'boolean', description: 'Deploy metrics, logs, traces, dashboards and alerts (default true).' },
    size: {
      enum: ['small', 'medium', 'large'],
      description:
        'Size profile of the observability components: requests, limits and volume sizes scale with it (default small; medium doubles, large quadruples).',
    },
    retention: object(
      {
        metrics: { ...duration, description: 'How long Prometheus keeps metrics (default `15d`); sizes its volume.' },
        logs: { ...duration, description: 'How long Loki keeps logs (default `7d`); sizes its volume.' },
        traces: { ...duration, description: 'How long Tempo keeps traces (default `3d`); sizes its volume.' },
      },
      [],
      { description: 'How long each store keeps data, `<n>h`, `<n>d` or `<n>w`.' },
    ),
    alertReceivers: {
      type: 'array',
      'x-merge-key': 'name',
      description: 'Where Alertmanager sends alerts (default: none, alerts are only shown in Grafana and Alertmanager).',
      items: object(
        {
          name: { ...dnsLabel, description: 'Receiver name in the Alertmanager configuration.' },
          type: {
            enum: ['email', 'slack', 'webhook', 'msteams'],
            description: 'Delivery channel; `email` requires `email`, `webhook` and `msteams` require `deliversTo`.',
          },
          secretRef: object(
            {
              name: { ...secretName, description: 'Secret in the observability namespace.' },
              key: { type: 'string', pattern: '^[-._a-zA-Z0-9]{1,253}$', description: 'Key of the Secret holding the credential.' },
            },
            ['name', 'key'],
            { description: 'Secret holding the credential: SMTP password, Slack or Teams webhook URL, webhook URL.' },
          ),
          email: object(
            {
              to: { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+$', description: 'Recipient address.' },
              from: { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+$', description: 'Sender address.' },
              smarthost: { type: 'string', pattern: '^[^\\s:]+:[0-9]{1,5}$', description: 'SMTP host:port.' },
              username: { type: 'string', minLength: 1, maxLength: 200, description: 'SMTP login (default: none, no authentication).' },
            },
            ['to', 'from', 'smarthost'],
            { description: 'E-mail delivery settings; required when type is email, refused otherwise.' },
          ),
          channel: { type: 'string', pattern: '^#?[-_a-z0-9]{1,80}$', description: 'Slack channel.' },
          deliversTo: object(
            {
              cidrs: { ...cidrList, description: 'Addresses of the SMTP server or webhook endpoint.' },
              port: {
                type: 'integer',
                minimum: 1,
                maximum: 65535,
                description: "Its port. Default: the smarthost's port for e-mail, 443 otherwise.",
              },
            },
            ['cidrs'],
            {
              description:
                "Where Alertmanager delivers (its webhook URL stays in the Secret), so its egress opens to exactly that. Required for webhook and msteams; default for e-mail and Slack: any address, on the smarthost's port for e-mail, 443 for Slack.",
            },
          ),
        },
        ['name', 'type', 'secretRef'],
        {
          allOf: [
            { if: { properties: { type: { const: 'email' } } }, then: { required: ['email'] }, else: { not: { required: ['email'] } } },
            { if: { properties: { type: { enum: ['webhook', 'msteams'] } } }, then: { required: ['deliversTo'] } },
          ],
        },
      ),
    },
  }),
  description: 'Metrics (Prometheus), logs (Loki), traces (Tempo), dashboards (Grafana) and alerts (Alertmanager) for every component.',
};

const securityOverride = object(
  {
    control: {
      enum: ['pod-security', 'run-as-root', 'min-replicas', 'egress', 'tls-min-version', 'mediator-client-auth'],
      description: 'The security default relaxed; each maps to a GovStack requirement in the audit.',
    },
    target: { ...dnsLabel, description: 'A building block id, or gateway, mediator or observability.' },
    value: {
      type: ['string', 'integer', 'boolean'],
      description:
        'The relaxed value: pod-security baseline or privileged; run-as-root true; min-replicas 1; egress a CIDR; tls-min-version "1.2"; mediator-client-auth HTTPS_NO_AUTH.',
    },
    justification: {
      type: 'string',
      minLength: 20,
      maxLength: 2000,
      description: 'Why the default is relaxed; shown in the audit report.',
    },
  },
  ['control', 'target', 'value', 'justification'],
  {
    allOf: [
      variant('control', 'pod-security', { target: {}, justification: {}, value: { enum: ['baseline', 'privileged'] } }),
      variant('control', 'run-as-root', { target: {}, justification: {}, value: { const: true } }),
      variant('control', 'min-replicas', { target: {}, justification: {}, value: { type: 'integer', minimum: 1, maximum: 1 } }),
      variant('control', 'egress', {
        target: {},
        justification: {},
        value: { type: 'string', pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$' },
      }),
      variant('control', 'tls-min-version', { target: {}, justification: {}, value: { const: '1.2' } }),
      variant('control', 'mediator-client-auth', { target: {}, justification: {}, value: { const: 'HTTPS_NO_AUTH' } }),
    ],
  },
);

/** Build the blueprint JSON Schema (draft 2020-12) for the given catalog. */
export function blueprintSchema(catalog: readonly BuildingBlockEntry[]): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: schemaId,
    title: 'GovStack country blueprint',
    description:
      'Declares the GovStack building blocks a country deploys, who owns them, who may call whom, what is exposed and where it runs.',
    type: 'object',
    additionalProperties: false,
    required: ['metadata', 'target', 'state', 'mediator', 'buildingBlocks', 'gateway'],
    $defs: { [customProductDef]: customProductDefinition() },
    properties: {
      $schema: { type: 'string' },
      extends: {
        type: 'array',
        items: { type: 'string', pattern: '\\.(ya?ml|json)$' },
        description: 'Base blueprints (paths relative to this file) merged first, in order; this file wins.',
      },
      metadata: object(
        {
          name: { ...dnsLabel, description: 'Deployment name; also the Terraform stack name.' },
          country: { enum: countryCodes, description: 'ISO 3166-1 alpha-2 country code.' },
          environment: {
            enum: ['dev', 'test', 'staging', 'prod'],
            description: 'Environment kind; prod defaults building blocks to size medium and requires 2 or more replicas of each.',
          },
          description: { type: 'string', maxLength: 500, description: 'Free text about this deployment, shown in the audit report.' },
          namespacePrefix: {
            type: 'string',
            pattern: '^([a-z][-a-z0-9]{0,14}-)?$',
            description: 'Prefix of every namespace (default `gs-`).',
          },
        },
        ['name', 'country', 'environment'],
        { description: 'What this deployment is: its name, country and environment; together they key the Terraform state.' },
      ),
      target,
      state,
      mediator,
      buildingBlocks: {
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: Object.fromEntries(catalog.map((entry) => [entry.id, buildingBlockDecl(entry)])),
        description: 'Building blocks by id: ' + catalog.map((e) => e.id).join(', ') + '.',
      },
      customBuildingBlocks: customBuildingBlocksSchema(
        deploymentFields,
        catalog.map((e) => e.id),
      ),
      customProducts: customProductsSchema(catalog),
      gateway,
      observability,
      compliance: object(
        {
          enabled: {
            type: 'boolean',
            description:
              'Make the connections of `govstack compliance` part of the deployment: a runner namespace `<prefix>compliance` (Pod Security restricted, default deny, DNS) and one edge from its runner Pods to each deployed building block with a GovStack suite the project runs (default false: no runner namespace, no edge; `govstack compliance` refuses to run). Set it, apply, run, then unset it and apply again to remove the edges.',
          },
          suiteOf: {
            type: 'object',
            maxProperties: 64,
            propertyNames: { ...dnsLabel, description: 'An enabled building block id (typically one under customBuildingBlocks).' },
            additionalProperties: {
              enum: catalog.map((e) => e.id),
              description: 'The GovStack building block whose compliance suite tests it.',
            },
            description:
              "A country's own blocks tested with the suite of the GovStack building block they implement, e.g. `{national-payments: payments}` (default: none; each block is tested with its own id's suite, if any).",
          },
        },
        [],
        {
          description:
            "GovStack's own compliance suites run in the cluster by `govstack compliance` (default: disabled, nothing rendered).",
        },
      ),
      security: object(
        {
          overrides: {
            type: 'array',
            items: securityOverride,
            description:
              'Security defaults relaxed for one component each, with a justification reported as a waived control in the audit.',
          },
        },
        [],
        { description: 'Deliberate departures from the security defaults (default: none).' },
      ),
      deployment: object(
        {
          waits: { type: 'boolean', description: 'Wait for rollouts on apply (helm wait, wait_for_rollout; default true).' },
          noWaitFor: {
            type: 'array',
            items: object(
              {
                component: { ...dnsLabel, description: 'An enabled building block id, or gateway, mediator or observability.' },
                reason: {
                  type: 'string',
                  minLength: 10,
                  maxLength: 500,
                  description: 'Why its workloads are not expected to become ready during the apply.',
                },
              },
              ['component', 'reason'],
            ),
            description:
              'Components whose releases the apply does not wait for even with waits on (each with its reason, shown in the audit).',
          },
          timeoutSeconds: { type: 'integer', minimum: 60, maximum: 7200, description: 'Per-release apply timeout (default 900).' },
          storageClass: {
            ...dnsLabel,
            description: 'StorageClass for persistent volumes; it should encrypt at rest (default: the cluster default).',
          },
          preinstalled: {
            type: 'array',
            uniqueItems: true,
            items: { enum: [...upstreamComponents] },
            description:
              'Platform components the cluster already runs (installed by its operators); the stack configures them but does not install them.',
          },
          charts: object(
            {
              mirror: {
                type: 'string',
                pattern: '^(oci|https)://[^\\s]+$',
                description: 'OCI or HTTP chart mirror replacing every upstream repository.',
              },
              localDir: {
                type: 'string',
                minLength: 1,
                description: 'Folder of unpacked upstream charts, `<dir>/<chart-name>`, for air-gapped sites.',
              },
            },
            [],
            {
              maxProperties: 1,
              description:
                "Where chart archives come from (default: each chart's upstream repository); at most one of mirror and localDir.",
            },
          ),
          documents: { ...documents, description: "Where documents fetched from GovStack's repositories come from (default: upstream)." },
        },
        [],
        { description: 'How the apply runs: waits, timeouts, storage and where charts and documents come from.' },
      ),
    },
  };
}
