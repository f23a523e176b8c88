import { findBuildingBlock } from '../catalog';
import { Blueprint } from './types';
import { joinPointer } from './problems';
import { SchemaViolation } from './validate';

/**
 * What is valid but risky in the declared environment, or what `govstack audit` will FAIL:
 * printed by `validate` and `synth` as warnings (exit 0), turned into errors by `--strict`.
 * Each says what to do about it. In dev nothing warns: mocks, plain HTTP, local state and the
 * current kubeconfig context are what a development sandbox is for.
 */
export function riskWarnings(bp: Blueprint): SchemaViolation[] {
  const env = bp.metadata.environment;
  const out: SchemaViolation[] = [];
  if (env !== 'dev') {
    for (const [id, decl] of Object.entries(bp.buildingBlocks)) {
      if (decl.enabled === false) continue;
      const entry = findBuildingBlock(id);
      const productId = decl.product ?? entry?.products[0].id;
      if (productId === 'mock') {
        const pointer = joinPointer('/buildingBlocks', id);
        out.push({
          pointer: decl.product ? joinPointer(pointer, 'product') : pointer,
          message: `${id} runs the mock product (an API simulator that downloads its specification from the internet) in ${env}; name a real product (govstack catalog lists them) or "external"`,
        });
      }
      (decl.consumes ?? []).forEach((flow, i) => {
        if (flow.via !== 'direct') return;
        out.push({
          pointer: joinPointer(joinPointer(joinPointer(joinPointer('/buildingBlocks', id), 'consumes'), i), 'via'),
          message: `${id} -> ${flow.to} is a direct flow in plain HTTP; outside dev the audit FAILs it (in-cluster-tls, govstack-cfr-security#req-1): remove "via: direct" to go through the mediator`,
        });
      });
    }
    if (bp.state.backend === 'local') {
      out.push({
        pointer: '/state/backend',
        message: `local state in ${env} lives only on the machine that applies; use a remote backend (s3, gcs, azurerm, pg, kubernetes) so it is shared, locked and encrypted at rest`,
      });
    }
    if (bp.target.kind === 'kubeconfig' && !bp.target.context) {
      out.push({
        pointer: '/target',
        message: `a kubeconfig target without "context" deploys ${env} to whatever the file's current context is when you apply; name the context`,
      });
    }
  }
  return out;
}
