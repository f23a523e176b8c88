import { Construct } from 'constructs';
import { AzurermBackend, GcsBackend, LocalBackend, S3Backend, TerraformBackend, TerraformRemoteState } from 'cdktf';
import { StateBackend } from '../blueprint/types';

/**
 * Configure where the stack keeps its state: one state per country, environment and
 * deployment (`key`). Remote backends encrypt at rest where the backend supports it
 * (govstack-cfr-security#req-14). Credentials never appear here: each backend reads them
 * from its usual environment (AWS_*, GOOGLE_*, ARM_*, PG_CONN_STR, KUBE_CONFIG_PATH).
 */
export function configureStateBackend(scope: Construct, state: StateBackend, key: string): TerraformBackend {
  switch (state.backend) {
    case 'local':
      return new LocalBackend(scope, { path: state.path ?? `terraform.${key.replace(/\//g, '.').replace(/\.tfstate$/, '')}.tfstate` });
    case 's3':
      return new S3Backend(scope, { bucket: state.bucket, key, region: state.region, encrypt: true, kmsKeyId: state.kmsKeyId, dynamodbTable: state.dynamodbTable });
    case 'gcs':
      return new GcsBackend(scope, { bucket: state.bucket, prefix: key.replace(/\.tfstate$/, ''), kmsEncryptionKey: state.kmsEncryptionKey });
    case 'azurerm':
      return new AzurermBackend(scope, {
        storageAccountName: state.storageAccountName,
        containerName: state.containerName,
        resourceGroupName: state.resourceGroupName,
        key,
        useAzureadAuth: true,
      });
    case 'pg':
      // The connection string comes from PG_CONN_STR at init, never from the configuration.
      return new AttributeBackend(scope, 'pg', { schema_name: state.schemaName ?? `govstack_${key.replace(/[^a-z0-9]+/g, '_').replace(/_tfstate$/, '')}` });
    case 'kubernetes':
      return new AttributeBackend(scope, 'kubernetes', { secret_suffix: key.replace(/[^a-z0-9]+/g, '-').replace(/-tfstate$/, ''), namespace: state.namespace ?? 'kube-system' });
  }
}

/** A backend cdktf has no class for, or whose class would force a secret into the output. */
class AttributeBackend extends TerraformBackend {
  constructor(scope: Construct, backendName: string, private readonly attributes: Record<string, string>) {
    super(scope, 'backend', backendName);
  }

  protected synthesizeAttributes(): Record<string, string> {
    return this.attributes;
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.attributes).map(([k, value]) => [k, { value, type: 'simple', storageClassType: 'string' }]));
  }

  getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error(`remote state from the ${this.name} backend is not supported`);
  }
}
