import { inRanges, normaliseRanges, resolveClientAddress } from '../../../src/security/client-address';

describe('inRanges', () => {
  it.each([
    ['203.0.113.7', ['203.0.113.0/24'], true],
    ['203.0.114.7', ['203.0.113.0/24'], false],
    ['::ffff:203.0.113.7', ['203.0.113.0/24'], true],
    ['2001:db8::1', ['2001:db8::/32'], true],
    ['2001:db9::1', ['2001:db8::/32'], false],
    ['203.0.113.7', ['203.0.113.7'], true],
    ['203.0.113.7', ['::ffff:203.0.113.0/120'], true],
    ['not-an-ip', ['0.0.0.0/0'], false],
    ['203.0.113.7', ['garbage'], false],
  ])('%s in %j → %s', (address, ranges, expected) => {
    expect(inRanges(address, ranges)).toBe(expected);
  });
});

describe('resolveClientAddress', () => {
  const trusted = ['10.0.0.0/8', '::1'];
  it('uses the socket peer when it is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('198.51.100.1', '203.0.113.7', trusted)).toBe('198.51.100.1');
  });
  it('takes the right-most untrusted hop behind trusted proxies', () => {
    expect(resolveClientAddress('10.0.0.1', '1.2.3.4, 203.0.113.7, 10.0.0.2', trusted)).toBe('203.0.113.7');
  });
  it('falls back to the peer when X-Forwarded-For is missing, all trusted, or malformed', () => {
    expect(resolveClientAddress('10.0.0.1', undefined, trusted)).toBe('10.0.0.1');
    expect(resolveClientAddress('10.0.0.1', '10.0.0.2', trusted)).toBe('10.0.0.1');
    expect(resolveClientAddress('10.0.0.1', 'junk', trusted)).toBe('10.0.0.1');
  });
  it('reports IPv4-mapped peers as IPv4', () => {
    expect(resolveClientAddress('::ffff:198.51.100.1', undefined, [])).toBe('198.51.100.1');
  });
});

describe('normaliseRanges', () => {
  it('accepts IPv4 and IPv6 CIDRs and single addresses, deduplicated', () => {
    expect(normaliseRanges(['203.0.113.0/24', '2001:db8::/32', '198.51.100.1', '203.0.113.0/24'])).toEqual({
      ok: true,
      ranges: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.1/32'],
    });
  });
  it('names every invalid entry', () => {
    expect(normaliseRanges(['203.0.113.0/33', 'x', '10.0.0.0/8'])).toEqual({
      ok: false,
      invalid: ['203.0.113.0/33', 'x'],
    });
  });
});

describe('client addresses at the edges', () => {
  it.each([
    ['an IPv6 client against an IPv4 range', '2001:db8::1', ['10.0.0.0/8'], false],
    ['an IPv6 client against IPv4 and IPv6 ranges', '2001:db8::1', ['10.0.0.0/8', '2001:db8::/32'], true],
    ['an address with spaces around it', ' 10.1.2.3 ', ['10.0.0.0/8'], true],
    ['a range with spaces around it', '10.1.2.3', [' 10.0.0.0/8 '], true],
  ])('matches %s', (_what, address, ranges, expected) => {
    expect(inRanges(address, ranges)).toBe(expected);
  });

  it('normalises entries written with spaces', () => {
    expect(normaliseRanges([' 10.0.0.0/8 ', ' 198.51.100.1 '])).toEqual({
      ok: true,
      ranges: ['10.0.0.0/8', '198.51.100.1/32'],
    });
  });

  it('takes the left-most hop when every hop after it is a trusted proxy', () => {
    expect(resolveClientAddress('10.0.0.1', '203.0.113.7, 10.0.0.2', ['10.0.0.0/8'])).toBe('203.0.113.7');
  });

  it('skips empty X-Forwarded-For entries instead of distrusting the whole header', () => {
    expect(resolveClientAddress('10.0.0.1', '203.0.113.7, , 10.0.0.2, ', ['10.0.0.0/8'])).toBe('203.0.113.7');
  });
});
