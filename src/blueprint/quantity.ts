/**
 * Kubernetes resource quantities (apimachinery `resource.Quantity`), as far as the blueprint
 * needs them: parse to a number of base units (cores, bytes) to compare two quantities, and
 * write a YAML number the way Kubernetes would read it.
 */
const suffixes: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Base units (cores or bytes) of a quantity such as `500m`, `1`, `1.5Gi`, `1e3` or the number 2; undefined when not a quantity. */
export function quantityValue(quantity: string | number): number | undefined {
  if (typeof quantity === 'number') return Number.isFinite(quantity) && quantity >= 0 ? quantity : undefined;
  const match = /^\+?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$/.exec(quantity);
  if (!match) return undefined;
  const [, digits, suffix = ''] = match;
  if (/^[eE]/.test(suffix)) return Number(digits) * 10 ** Number(suffix.slice(1));
  return Number(digits) * suffixes[suffix];
}

/** A quantity as the string Kubernetes and helm are given: numbers in plain decimal, strings unchanged. */
export function quantityText(quantity: string | number): string {
  return typeof quantity === 'number' ? String(quantity) : quantity;
}
