import * as fc from 'fast-check';
import { isIP } from 'node:net';
import { addressFamily, fetchEgress } from '../../src/model/documents';
import { ordinal } from '../../src/ordinal';

/** `addressFamily` reads the URL parser's verdict; Node's `net.isIP` on the parsed host is the reference. */
function reference(url: URL): number {
  return isIP(url.hostname.replace(/^\[|\]$/g, ''));
}

describe('addressFamily', () => {
  const hosts = [
    'example.org',
    'raw.githubusercontent.com',
    'mirror.local',
    '10.0.0.7',
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    '[::1]',
    '[2001:db8::7]',
    '[::ffff:1.2.3.4]',
    '1.2.3.a4',
    '1.2.3.4.example',
    'xn--bcher-kva.example',
  ];
  it.each(hosts)('agrees with net.isIP for http://%s/', (host) => {
    const url = new URL(`http://${host}/doc.yaml`);
    expect(addressFamily(url)).toBe(reference(url));
  });

  it('agrees with net.isIP on generated hosts that the URL parser accepts', () => {
    const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
    const host = fc.oneof(
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6().map((a) => `[${a}]`),
      fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
      fc.domain(),
    );
    fc.assert(
      fc.property(host, (h) => {
        let url: URL;
        try {
          url = new URL(`https://${h}:8443/x`);
        } catch {
          return true; // rejected by the parser: no egress is derived from it
        }
        return addressFamily(url) === reference(url);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a /32 for an IPv4 literal and a /128 for an IPv6 literal, any address for a name', () => {
    expect(fetchEgress(new URL('http://127.1:8080/a'), 'r').cidrs).toEqual(['127.0.0.1/32']);
    expect(fetchEgress(new URL('https://[2001:db8::7]/a'), 'r').cidrs).toEqual(['2001:db8::7/128']);
    expect(fetchEgress(new URL('https://mirror.example/a'), 'r').cidrs).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/\/(32|128)$/)]),
    );
  });
});

describe('ordinal', () => {
  it('orders as the default sort does, independent of locale', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (values) => {
        expect([...values].sort(ordinal)).toEqual([...values].sort());
      }),
    );
    expect(['b', 'B', 'a-b', 'ab', 'A'].sort(ordinal)).toEqual(['A', 'B', 'a-b', 'ab', 'b']);
  });
});
