/**
 * JSON Schema pieces every section of the blueprint schema builds on (schema.ts for the
 * blueprint, product-decl.ts for the products and blocks a country declares itself), so a
 * rule such as "a DNS label" or "a Kubernetes quantity" is written once.
 */

/** A DNS label, 1-32 characters: ids, owners, host labels, object names. */
export const dnsLabel = {
  type: 'string',
  pattern: '^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$',
  description: 'A DNS label: lower-case letters, digits and dashes, 1-32 characters.',
};

/** An `https://` address of at most 2048 characters. */
export const httpsUrl = { type: 'string', pattern: '^https://[^\\s]+$', maxLength: 2048 };

/**
 * A Kubernetes resource quantity as the API server accepts it (apimachinery `resource.Quantity`):
 * a non-negative decimal with an optional binary (Ki…Ei), decimal (n, u, m, k, M…E) or exponent
 * suffix, written as a string or as a plain YAML number (`cpu: 1`, `cpu: 0.5`).
 */
export const quantityPattern = '^(\\+)?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$';
const quantityCpu = {
  type: ['string', 'number'],
  minimum: 0,
  pattern: quantityPattern,
  description: 'CPU quantity such as `250m`, `1` or `0.5`; a number is fine.',
};
const quantityMemory = {
  type: ['string', 'number'],
  minimum: 0,
  pattern: quantityPattern,
  description: 'Memory quantity such as `256Mi` or `1Gi`; a plain number is bytes.',
};

/** A closed object: only the listed properties, `required` ones present. */
export function object(properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}) {
  return { type: 'object', additionalProperties: false, properties, ...(required.length ? { required } : {}), ...extra };
}

/** One branch of a tagged union: the tag property fixed to `tag`, the rest closed. */
export function variant(tagName: string, tag: string, properties: Record<string, unknown>, required: string[] = []) {
  return {
    if: { properties: { [tagName]: { const: tag } }, required: [tagName] },
    then: object({ [tagName]: { const: tag }, ...properties }, [tagName, ...required]),
  };
}

/** Requests and limits of a container, both required. */
export const resources = object(
  {
    requests: object({ cpu: quantityCpu, memory: quantityMemory }, ['cpu', 'memory'], {
      description: 'What the scheduler reserves per container.',
    }),
    limits: object({ cpu: quantityCpu, memory: quantityMemory }, ['cpu', 'memory'], {
      description: 'The most a container may use: CPU is throttled, memory beyond it is killed.',
    }),
  },
  ['requests', 'limits'],
);
