import { Construct } from 'constructs';
import {
  AzurermBackend,
  GcsBackend,
  LocalBackend,
  S3Backend,
  TerraformBackend,
  TerraformRemoteState,
  TerraformStack,
  TerraformVariable,
} from 'cdktf';
import { StateBackend, StateEncryption } from '../blueprint/types';

/**
 * Configure where the stack keeps its state: one state per country, environment and
 * deployment (`key`). Remote backends encrypt at rest where the backend supports it
 * (govstack-cfr-security#req-14). Credentials never appear here: each backend reads them
 * from its usual environment (AWS_*, GOOGLE_*, ARM_*, PG_CONN_STR, KUBE_CONFIG_PATH).
 */
export function configureStateBackend(scope: Construct, state: StateBackend, key: string): TerraformBackend {
  TerraformStack.of(scope).addOverride('terraform.required_version', requiredVersion(state.encryption));
  if (state.encryption) configureStateEncryption(scope, state.encryption);
  switch (state.backend) {
    case 'local':
      return new LocalBackend(scope, { path: state.path ?? `terraform.${key.replace(/\//g, '.').replace(/\.tfstate$/, '')}.tfstate` });
    case 's3':
      return new S3Backend(scope, {
        bucket: state.bucket,
        key,
        region: state.region,
        encrypt: true,
        kmsKeyId: state.kmsKeyId,
        dynamodbTable: state.dynamodbTable,
      });
    case 'gcs':
      return new GcsBackend(scope, {
        bucket: state.bucket,
        prefix: key.replace(/\.tfstate$/, ''),
        kmsEncryptionKey: state.kmsEncryptionKey,
      });
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
      return new AttributeBackend(scope, 'pg', {
        schema_name: state.schemaName ?? `govstack_${key.replace(/[^a-z0-9]+/g, '_').replace(/_tfstate$/, '')}`,
      });
    case 'kubernetes':
      return new AttributeBackend(scope, 'kubernetes', {
        secret_suffix: key.replace(/[^a-z0-9]+/g, '-').replace(/-tfstate$/, ''),
        namespace: state.namespace ?? 'kube-system',
      });
  }
}

/**
 * The oldest OpenTofu/Terraform the stack works with, by the features it uses: 1.6 for every
 * stack (the first OpenTofu release; Terraform 1.6 reads the same JSON, providers and
 * backends), 1.7 when state encryption is on (OpenTofu's `encryption` block, with `fallback`
 * for migrate and rotate; HashiCorp Terraform has no such block). README states the same floor.
 */
export const versionFloor = { stack: '1.6.0', encryption: '1.7.0' } as const;

function requiredVersion(encryption: StateEncryption | undefined): string {
  return `>= ${encryption ? versionFloor.encryption : versionFloor.stack}`;
}

/** Name of the Terraform variable that carries the state encryption passphrase. */
export const stateEncryptionVariable = 'state_encryption_passphrase';

/** Name of the Terraform variable that carries the previous passphrase while `rotate` is set. */
export const previousPassphraseVariable = 'state_encryption_previous_passphrase';

/**
 * Name of the key provider and method of one key generation: `govstack` for generation 1 (the
 * name every encrypted state so far was written under), `govstack_<n>` for generation n ≥ 2.
 * OpenTofu records the pbkdf2 salt in the state under the key provider's name, so a state can
 * only be read under the name that wrote it; a new passphrase therefore needs a new name.
 */
export function encryptionKeyName(generation: number): string {
  return generation === 1 ? 'govstack' : `govstack_${generation}`;
}

/**
 * OpenTofu state and plan encryption (`terraform { encryption { … } }`, OpenTofu 1.7 or later):
 * AES-GCM with a key derived by PBKDF2 from a passphrase that is given at run time as a
 * sensitive variable, so it is never in the blueprint or the configuration. Enforced: OpenTofu
 * refuses to write or read unencrypted state or plans, except that `migrate` lets it read an
 * existing unencrypted state once. The key provider and method carry the name of the current
 * key generation (`generation`, default 1: `govstack`). `rotate` adds the previous generation
 * (`generation - 1`, its passphrase from `state_encryption_previous_passphrase`) as OpenTofu's
 * fallback under the name that wrote the state, so one apply reads the state with the old
 * passphrase and writes it with the new one under the new name.
 */
function configureStateEncryption(scope: Construct, encryption: StateEncryption): void {
  const generation = encryption.generation ?? 1;
  if (encryption.rotate && generation < 2) {
    // validate refuses this blueprint first (rules.ts); this guards direct use of the construct.
    throw new Error('state.encryption.rotate needs generation 2 or more: the new passphrase needs a name the state was not written under');
  }
  passphraseVariable(
    scope,
    stateEncryptionVariable,
    'Passphrase (16 or more characters) from which the state and plan encryption key is derived; set TF_VAR_state_encryption_passphrase',
  );
  if (encryption.rotate) {
    passphraseVariable(
      scope,
      previousPassphraseVariable,
      `The passphrase of key generation ${generation - 1}, being replaced while state.encryption.rotate is set: it decrypts the existing state once; set TF_VAR_state_encryption_previous_passphrase`,
    );
  }
  const provider = encryption.keyProvider;
  const current = encryptionKeyName(generation);
  const previous = encryption.rotate ? encryptionKeyName(generation - 1) : undefined;
  // Static references: in JSON syntax these are bare traversals, not `${…}` templates.
  const method = `method.aes_gcm.${current}`;
  const fallback = encryption.migrate ? 'method.unencrypted.migrate' : previous ? `method.aes_gcm.${previous}` : undefined;
  TerraformStack.of(scope).addOverride('terraform.encryption', {
    key_provider: {
      [provider]: {
        [current]: { passphrase: `\${var.${stateEncryptionVariable}}` },
        ...(previous ? { [previous]: { passphrase: `\${var.${previousPassphraseVariable}}` } } : {}),
      },
    },
    method: {
      aes_gcm: {
        [current]: { keys: `\${key_provider.${provider}.${current}}` },
        ...(previous ? { [previous]: { keys: `\${key_provider.${provider}.${previous}}` } } : {}),
      },
      ...(encryption.migrate ? { unencrypted: { migrate: {} } } : {}),
    },
    // With migrate, unencrypted state may be read, so enforcement waits until migrate is removed.
    state: fallback
      ? { method, fallback: { method: fallback }, ...(encryption.migrate ? {} : { enforced: true }) }
      : { method, enforced: true },
    plan: previous ? { method, fallback: { method: fallback }, enforced: true } : { method, enforced: true },
  });
}

function passphraseVariable(scope: Construct, name: string, description: string): void {
  const variable = new TerraformVariable(scope, name, { type: 'string', sensitive: true, nullable: false, description });
  variable.overrideLogicalId(name);
}

/** A backend cdktf has no class for, or whose class would force a secret into the output. */
class AttributeBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    backendName: string,
    private readonly attributes: Record<string, string>,
  ) {
    super(scope, 'backend', backendName);
  }

  protected synthesizeAttributes(): Record<string, string> {
    return this.attributes;
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this.attributes).map(([k, value]) => [k, { value, type: 'simple', storageClassType: 'string' }]),
    );
  }

  getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error(`remote state from the ${this.name} backend is not supported`);
  }
}
