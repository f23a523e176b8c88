/**
 * Adjustment 3, no cross-stack preparation pass. `TerraformStack.prepareStack` resolves the
 * whole stack once to discover references between stacks, before the real resolve: about 15 %
 * of a synth. Every govstack stack is built from its own model and references nothing in
 * another stack, so for the stacks of an app given to `skipCrossStackPreparation` that pass is
 * left out; should such a stack ever resolve a reference to another stack, synthesis fails
 * loudly instead of writing a wrong reference.
 */
import type { App, TerraformStack } from 'cdktf';
import { cdktfSourceHolds } from './cdktf-source';

const tunedStacks = new WeakSet<object>();

/** Apply the adjustment; returns true, or why it was not applied. */
export function applyNoCrossStackPreparation(): true | string {
  const { TerraformStack } = require('cdktf') as typeof import('cdktf');
  const expressions = require('cdktf/lib/tfExpression') as { ref: (identifier: string, stack?: TerraformStack) => object };
  const reference = Object.getPrototypeOf(expressions.ref('govstack.probe')) as { resolve: (context: { scope: unknown }) => unknown };
  if (
    !cdktfSourceHolds(
      'terraform-stack.js',
      'prepareStack() { // Ensure we have a backend configured this.ensureBackendExists(); // A preparing resolve run might add new resources to the stack, e.g. for cross stack references. terraformElements(this).forEach((e) => (0, _tokens_1.resolve)(this, e.toTerraform(), true));',
    ) ||
    !cdktfSourceHolds(
      'tfExpression.js',
      'resolve(context) { // We check for cross stack references on preparation, setting a new identifier const resolutionStack = terraform_stack_1.TerraformStack.of(context.scope); const stackName = resolutionStack.toString(); const suppressBraces = context.suppressBraces; context.suppressBraces = true; if (context.preparing) { // Cross stack reference if (this.originStack && this.originStack !== resolutionStack)',
    )
  )
    return 'TerraformStack.prepareStack or the Reference token is not the one the adjustment was written for';
  const resolve = reference.resolve;
  reference.resolve = function resolveWithinOwnStack(
    this: { originStack?: TerraformStack; identifier: string; crossStackIdentifier: Record<string, string> },
    context: { scope: unknown },
  ) {
    if (this.originStack) {
      const here = TerraformStack.of(context.scope as never);
      if (tunedStacks.has(here) && this.originStack !== here && !this.crossStackIdentifier[String(here)]) {
        throw new Error(
          `stack ${String(here)} references ${this.identifier} of stack ${String(this.originStack)}; govstack stacks must be independent (cross-stack preparation is skipped)`,
        );
      }
    }
    return resolve.call(this, context);
  };
  return true;
}

/** Leave the preparation pass out for every stack of `app` (only the backend is ensured, the rest of that pass). */
export function skipPreparationOf(app: App): void {
  const { TerraformStack } = require('cdktf') as typeof import('cdktf');
  for (const child of app.node.findAll()) {
    if (!TerraformStack.isStack(child)) continue;
    const stack = child as TerraformStack & { ensureBackendExists: () => unknown };
    tunedStacks.add(stack);
    stack.prepareStack = function prepareBackendOnly(): void {
      stack.ensureBackendExists();
    };
  }
}
