import { BlockList, isIP } from 'node:net';

/** The request's client address, for per-address caps and rate limits. */
export type ClientAddressOf = (incoming: AddressedRequest | undefined) => string;

/** What the resolver reads of a Node request: the peer and its `X-Forwarded-For` header. */
export interface AddressedRequest {
  readonly socket?: { readonly remoteAddress?: string | undefined } | undefined;
  readonly headers?: { readonly [name: string]: string | string[] | undefined } | undefined;
}

export type TrustedProxiesResult = { ok: true; proxies: BlockList } | { ok: false; message: string };

/** `10.0.0.0/8, 192.168.1.10, fd00::/8`: addresses or CIDRs of the reverse proxies in front of the hub. */
export function parseTrustedProxies(text: string): TrustedProxiesResult {
  const proxies = new BlockList();
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const prefix = bits !== undefined && /^\d{1,3}$/.test(bits) ? Number(bits) : undefined;
    if (
      family === 0 ||
      rest.length > 0 ||
      (bits !== undefined && (prefix ?? 999) > (family === 6 ? 128 : 32))
    )
      return { ok: false, message: `not an address or CIDR: ${entry}` };
    if (prefix === undefined) proxies.addAddress(address, type);
    else proxies.addSubnet(address, prefix, type);
  }
  return { ok: true, proxies };
}

/** `::ffff:10.0.0.1` is 10.0.0.1 (a dual-stack listener reports IPv4 peers that way). */
function plain(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The one place the hub reads who is calling. The TCP peer, unless it is a trusted proxy: then
 * `X-Forwarded-For` is walked from the right (the hops the trusted proxies appended) and the first
 * untrusted hop is the client. Nothing a direct peer writes in the header is ever believed.
 */
export function clientAddressResolver(proxies?: BlockList): ClientAddressOf {
  return (incoming) => {
    const peer = plain(incoming?.socket?.remoteAddress ?? 'unknown');
    if (!proxies || !isTrusted(proxies, peer)) return peer;
    const header = incoming?.headers?.['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map(plain)
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = hops[i]!;
      // A malformed hop cannot be a trusted proxy's doing: stop at it rather than skip it.
      if (isIP(hop) === 0) return peer;
      if (!isTrusted(proxies, hop)) return hop;
    }
    // Every hop is a proxy of ours: the leftmost one is the closest to the client we know of.
    return hops[0] ?? peer;
  };
}

/** The resolver of a Hono context's Node request (`c.env.incoming`). */
export function incomingOf(env: unknown): AddressedRequest | undefined {
  return (env as { incoming?: AddressedRequest } | undefined)?.incoming;
}
