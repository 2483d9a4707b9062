import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses an address, turning IPv4-mapped IPv6 (`::ffff:203.0.113.7`, how Node reports IPv4 peers) into IPv4. */
export function parseAddress(text: string): Address | undefined {
  const trimmed = text.trim();
  if (!ipaddr.isValid(trimmed)) return undefined;
  const parsed = ipaddr.parse(trimmed);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

/** Parses `a.b.c.d/n`, `x::/n`, or a single address (as /32 or /128). */
export function parseRange(text: string): [Address, number] | undefined {
  const trimmed = text.trim();
  try {
    if (trimmed.includes('/')) return ipaddr.parseCIDR(trimmed);
  } catch {
    return undefined;
  }
  const address = parseAddress(trimmed);
  return address ? [address, address.kind() === 'ipv4' ? 32 : 128] : undefined;
}

/** Whether `address` lies in any of `ranges` (unparseable ranges match nothing). */
export function inRanges(address: string, ranges: readonly string[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return ranges.some((text) => {
    const range = parseRange(text);
    if (!range) return false;
    const [base, bits] = range;
    if (parsed.kind() === base.kind()) return parsed.match([base, bits] as never);
    // An IPv4 client against an IPv6 range: compare as IPv4-mapped.
    if (parsed.kind() === 'ipv4' && base.kind() === 'ipv6') {
      return (parsed as ipaddr.IPv4).toIPv4MappedAddress().match([base, bits] as never);
    }
    return false;
  });
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy, in which case the right-most
 * address of `X-Forwarded-For` that is not itself a trusted proxy (entries left of it can be forged by the client).
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly string[],
): string | undefined {
  const peerAddress = peer ? parseAddress(peer)?.toString() : undefined;
  if (!peerAddress || !forwardedFor || !inRanges(peerAddress, trustedProxies)) return peerAddress;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i] ?? '');
    if (!hop) return peerAddress; // a malformed entry: trust nothing beyond the proxy
    const text = hop.toString();
    if (!inRanges(text, trustedProxies)) return text;
  }
  return peerAddress;
}

/** Validates and normalises an allow-list; returns the entries that are not CIDR ranges or addresses. */
export function normaliseRanges(
  ranges: readonly string[],
): { ok: true; ranges: string[] } | { ok: false; invalid: string[] } {
  const invalid: string[] = [];
  const out: string[] = [];
  for (const text of ranges) {
    const range = parseRange(text);
    if (!range) invalid.push(text);
    else out.push(`${range[0].toString()}/${range[1]}`);
  }
  return invalid.length > 0 ? { ok: false, invalid } : { ok: true, ranges: [...new Set(out)] };
}
