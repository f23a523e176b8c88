import * as fc from 'fast-check';
import { quantityPattern } from '../../src/blueprint/schema-parts';
import { scaleQuantity } from '../../src/model/resolve';

/** Size profiles multiply declared quantities; every quantity the schema accepts must scale exactly. */
describe('scaleQuantity', () => {
  test.each([
    ['250m', 2, '500m'],
    ['0.5', 4, '2'],
    ['512Mi', 2, '1024Mi'],
    ['1e3', 2, '2e3'],
    ['+1', 2, '2'],
    ['.5', 2, '1'],
    ['0.0001', 2, '0.0002'],
    [0.1, 3, '0.3'],
    // Found by the blueprint fuzz test (seed 752274652): a YAML number JavaScript writes with an exponent.
    [5e-324, 4, '20e-324'],
    [1e21, 2, '2e+21'],
  ] as const)('%j × %d = %s', (quantity, factor, expected) => {
    expect(scaleQuantity(quantity, factor)).toBe(expected);
  });

  test('any quantity the schema accepts, as text or as a number, scales to one it accepts, by the exact factor', () => {
    const pattern = new RegExp(quantityPattern);
    const quantity = fc.oneof(fc.stringMatching(pattern), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(quantity, fc.constantFrom(1, 2, 4), (q, factor) => {
        const scaled = scaleQuantity(q, factor);
        expect(scaled).toMatch(pattern);
        const number = (s: string) => Number(new RegExp(quantityPattern).exec(s)![2]);
        expect(number(scaled)).toBeCloseTo(number(String(q)) * factor, 6);
        expect(scaled.replace(/^[+0-9.]+/, '')).toBe(String(q).replace(/^[+0-9.]+/, ''));
      }),
      { numRuns: 2000 },
    );
  });
});
