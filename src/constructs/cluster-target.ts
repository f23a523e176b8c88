import { Construct } from 'constructs';
import { Fn, TerraformVariable } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Target } from '../blueprint/types';

/** Client-go exec credential API version that aws, kubelogin and gke-gcloud-auth-plugin speak. */
const execApiVersion = 'client.authentication.k8s.io/v1beta1';

/**
 * AKS's well-known Entra ID server application id, used by kubelogin for every AKS cluster
 * with Entra ID integration (Azure/kubelogin README, "azurecli" login mode).
 */
const aksServerId = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** Properties of {@link ClusterTarget}. */
export interface ClusterTargetProps {
  /** Where the cluster is and how to authenticate. */
  readonly target: Target;
}

interface Connection {
  readonly configPath?: string;
  readonly configContext?: string;
  readonly host?: string;
  readonly clusterCaCertificate?: string;
  readonly exec?: { readonly apiVersion: string; readonly command: string; readonly args: string[] };
}

/**
 * The kubernetes and helm providers for the deployment's cluster. A kubeconfig target
 * (any cluster, on-prem included) names a file and context; EKS, AKS and GKE authenticate
 * with the cloud CLI's exec credential plugin at apply time, so synth makes no cloud call.
 * Cloud endpoints and CA certificates come from Terraform variables (`cluster_endpoint`,
 * `cluster_ca_certificate`), typically fed from the cluster module's outputs.
 */
export class ClusterTarget extends Construct {
  /**
   * Create the construct and everything it holds, from its props alone.
   * @param scope - the parent construct (for a stack, the `App`)
   * @param id - construct id; part of every resource's logical id, so changing it replaces resources
   * @param props - see ClusterTargetProps
   */
  constructor(scope: Construct, id: string, props: ClusterTargetProps) {
    super(scope, id);
    const connection = this.connection(props.target);
    new KubernetesProvider(this, 'Kubernetes', { ...connection, exec: connection.exec ? [connection.exec] : undefined });
    new HelmProvider(this, 'Helm', { kubernetes: connection });
  }

  private connection(target: Target): Connection {
    if (target.kind === 'kubeconfig') return { configPath: target.path, configContext: target.context };
    const endpoint = new TerraformVariable(this, 'cluster_endpoint', {
      type: 'string',
      description: `API server URL of the ${target.kind.toUpperCase()} cluster ${target.clusterName}`,
      default: target.endpoint,
    });
    const ca = new TerraformVariable(this, 'cluster_ca_certificate', {
      type: 'string',
      description: 'Base64-encoded CA certificate of the cluster API server (public, not a secret)',
    });
    endpoint.overrideLogicalId('cluster_endpoint');
    ca.overrideLogicalId('cluster_ca_certificate');
    // Checked at plan, before any provider dials: an empty endpoint would otherwise send
    // plain HTTP to localhost, and an empty CA would skip nothing but fail obscurely later.
    endpoint.addValidation({
      // No backslash escapes: `\s` is not a valid escape in an HCL string, so tofu rejected the condition.
      condition: '${can(regex("^https://[^/[:space:]]+", var.cluster_endpoint))}',
      errorMessage: "cluster_endpoint must be the API server's https:// URL (e.g. the cluster module's endpoint output).",
    });
    ca.addValidation({
      condition: '${length(var.cluster_ca_certificate) > 0 && can(base64decode(var.cluster_ca_certificate))}',
      errorMessage: "cluster_ca_certificate must be the non-empty base64 encoding of the API server's CA certificate (base64 -w0 ca.crt).",
    });
    return {
      host: endpoint.stringValue,
      clusterCaCertificate: Fn.base64decode(ca.stringValue),
      exec: { apiVersion: execApiVersion, ...execCommand(target) },
    };
  }
}

function execCommand(target: Exclude<Target, { kind: 'kubeconfig' }>): { command: string; args: string[] } {
  switch (target.kind) {
    case 'eks':
      return {
        command: 'aws',
        args: [
          'eks',
          'get-token',
          '--cluster-name',
          target.clusterName,
          '--region',
          target.region,
          ...(target.roleArn ? ['--role-arn', target.roleArn] : []),
        ],
      };
    case 'aks':
      return { command: 'kubelogin', args: ['get-token', '--login', 'azurecli', '--server-id', aksServerId] };
    case 'gke':
      return { command: 'gke-gcloud-auth-plugin', args: [] };
  }
}
