import { Blueprint } from './types';
import { joinPointer } from './problems';
import { quantityValue } from './quantity';
import { SchemaViolation } from './validate';

/**
 * Rules that span several fields of a schema-valid blueprint, which JSON Schema cannot say:
 * each is a problem Kubernetes or the cluster would otherwise report only at apply time.
 */
export function crossFieldProblems(bp: Blueprint): SchemaViolation[] {
  return [...limitsCoverRequests(bp), ...distinctGatewayDomains(bp), ...oneEncryptionFallback(bp), ...rotationToNewGeneration(bp)];
}

/** The API server refuses a container whose limit is below its request (both cpu and memory). */
function limitsCoverRequests(bp: Blueprint): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  for (const [id, decl] of Object.entries(bp.buildingBlocks)) {
    const r = decl.resources;
    if (!r) continue;
    for (const what of ['cpu', 'memory'] as const) {
      const request = quantityValue(r.requests[what]);
      const limit = quantityValue(r.limits[what]);
      if (request === undefined || limit === undefined || limit >= request) continue;
      out.push({
        pointer: joinPointer(joinPointer(joinPointer(joinPointer('/buildingBlocks', id), 'resources'), 'limits'), what),
        message: `${what} limit ${String(r.limits[what])} is below the request ${String(r.requests[what])}; Kubernetes refuses such a container: raise the limit to at least ${String(r.requests[what])} or lower the request`,
      });
    }
  }
  return out;
}

/** Two gateways on one host name would route external and internal APIs to one place. */
function distinctGatewayDomains(bp: Blueprint): SchemaViolation[] {
  const { external, internal } = bp.gateway.domains;
  if (external !== internal) return [];
  return [
    {
      pointer: '/gateway/domains/internal',
      message: `the internal domain is the external one (${external}); internal APIs must not be reachable on the external gateway's host: use another domain, e.g. internal.${external}`,
    },
  ];
}

/** OpenTofu reads state with one fallback method: the plaintext one (migrate) or the previous key (rotate). */
function oneEncryptionFallback(bp: Blueprint): SchemaViolation[] {
  const e = bp.state.encryption;
  if (!e?.migrate || !e.rotate) return [];
  return [
    {
      pointer: '/state/encryption/rotate',
      message:
        'migrate and rotate cannot be combined (OpenTofu has one fallback): apply once with migrate to encrypt, remove it, then rotate in a later apply',
    },
  ];
}

/**
 * OpenTofu files the pbkdf2 salt under the key provider's name, so the old passphrase must keep
 * the name that wrote the state (generation - 1) and the new one needs the next generation's.
 */
function rotationToNewGeneration(bp: Blueprint): SchemaViolation[] {
  const e = bp.state.encryption;
  if (!e?.rotate || (e.generation ?? 1) >= 2) return [];
  return [
    {
      pointer: '/state/encryption/rotate',
      message: `rotate moves the state to the next key generation, but generation is ${e.generation ?? 1}${e.generation === undefined ? ' (the default)' : ''}: set generation: ${(e.generation ?? 1) + 1} next to rotate and keep it after rotate is removed`,
    },
  ];
}
