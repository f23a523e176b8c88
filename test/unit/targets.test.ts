import * as path from 'node:path';
import { root, synth } from './support';

const example = (name: string) => synth(path.join(root, 'blueprints', 'examples', name)).json as any;

describe('cloud targets authenticate with exec plugins; synth calls no cloud |', () => {
  test('EKS: aws eks get-token with cluster, region and role', () => {
    const json = example('estonia-eks.yaml');
    const k8s = json.provider.kubernetes[0];
    expect(k8s.exec).toEqual([
      {
        api_version: 'client.authentication.k8s.io/v1beta1',
        command: 'aws',
        args: [
          'eks',
          'get-token',
          '--cluster-name',
          'govstack-staging',
          '--region',
          'eu-north-1',
          '--role-arn',
          'arn:aws:iam::123456789012:role/govstack-deployer',
        ],
      },
    ]);
    expect(k8s.host).toBe('${var.cluster_endpoint}');
    expect(k8s.cluster_ca_certificate).toBe('${base64decode(var.cluster_ca_certificate)}');
    expect(json.provider.helm[0].kubernetes.exec.command).toBe('aws');
    expect(Object.keys(json.variable).sort()).toEqual(['cluster_ca_certificate', 'cluster_endpoint']);
  });

  test('AKS: kubelogin with the Azure CLI login', () => {
    const exec = example('kenya-aks.yaml').provider.kubernetes[0].exec[0];
    expect(exec.command).toBe('kubelogin');
    expect(exec.args).toEqual(['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630']);
  });

  test('GKE: gke-gcloud-auth-plugin', () => {
    expect(example('philippines-gke.yaml').provider.kubernetes[0].exec[0].command).toBe('gke-gcloud-auth-plugin');
  });
});

describe('state backends are per country and environment, encrypted where possible |', () => {
  test('s3 with encryption, KMS key and lock table', () => {
    expect(example('estonia-eks.yaml').terraform.backend).toEqual({
      s3: {
        bucket: 'ee-govstack-terraform-state',
        key: 'govstack/ee/staging/ee-staging.tfstate',
        region: 'eu-north-1',
        encrypt: true,
        kms_key_id: 'alias/govstack-state',
        dynamodb_table: 'govstack-state-lock',
      },
    });
  });

  test('azurerm with Entra ID auth', () => {
    expect(example('kenya-aks.yaml').terraform.backend.azurerm).toMatchObject({
      key: 'govstack/ke/test/ke-test.tfstate',
      use_azuread_auth: true,
    });
  });

  test('gcs with a customer-managed key', () => {
    expect(example('philippines-gke.yaml').terraform.backend.gcs).toMatchObject({
      prefix: 'govstack/ph/prod/ph-prod',
      kms_encryption_key: expect.stringContaining('cryptoKeys/state'),
    });
  });

  test('pg with a schema and no connection string', () => {
    const backend = example('djibouti-onprem.yaml').terraform.backend;
    expect(backend).toEqual({ pg: { schema_name: 'govstack_dj_prod' } });
  });
});
