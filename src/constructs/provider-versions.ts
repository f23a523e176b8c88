import { TerraformStack } from 'cdktf';

/**
 * Provider versions the stacks require. The bindings (@cdktf/provider-kubernetes 12.1.1,
 * @cdktf/provider-helm 12.1.2) were generated from hashicorp/kubernetes 2.38.0 and
 * hashicorp/helm 3.1.1 and would pin exactly those. Those two releases cannot be built from the
 * registries this project's CI reaches (the Go module proxy refuses them), so the end-to-end
 * tests prove the stacks against kubernetes 3.2.1 and helm 3.2.0 builds instead; the
 * constraints admit the versions that are tested and the 3.x releases that share their schema.
 * The dependency lock file written by `init` then pins the exact build a deployment used.
 */
export const providerConstraints = {
  kubernetes: '>= 3.2.1, < 4.0.0',
  helm: '>= 3.1.1, < 4.0.0',
} as const;

/** Replace the exact versions the bindings write with the project's constraints. */
export function constrainProviders(stack: TerraformStack): void {
  for (const [name, constraint] of Object.entries(providerConstraints)) {
    stack.addOverride(`terraform.required_providers.${name}.version`, constraint);
  }
}
