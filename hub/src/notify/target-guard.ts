import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Resolves a host name to all its addresses; injected so tests need no DNS. */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** An address that passed the guard; requests connect to it and nothing else (no rebinding window). */
export interface CheckedTarget {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

export type GuardResult =
  | { ok: true; target: CheckedTarget }
  | { ok: false; code: 'TARGET_INVALID' | 'TARGET_UNRESOLVED' | 'TARGET_FORBIDDEN'; message: string };

export interface TargetGuard {
  /** Resolve the URL's host and refuse it unless every address is public or allowed. */
  check(url: string): Promise<GuardResult>;
}

// Where a webhook must not reach unless an admin allows it: the hub's own machine, the LAN,
// cloud metadata (169.254.169.254), carrier NAT, multicast and reserved space.
const FORBIDDEN_V4: readonly [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const FORBIDDEN_V6: readonly [string, number][] = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible forms
  ['fe80::', 10],
  ['fc00::', 7],
  ['ff00::', 8],
];

const forbidden = new BlockList();
for (const [net, prefix] of FORBIDDEN_V4) forbidden.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of FORBIDDEN_V6) forbidden.addSubnet(net, prefix, 'ipv6');

/** The 8 hextets of an IPv6 address (accepts `::` and a dotted IPv4 tail). */
function hextets(address: string): number[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const h = hextets(address);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && h[5] === 0xffff) return v4(h[6] ?? 0, h[7] ?? 0); // ::ffff:a.b.c.d
  if (h[0] === 0x64 && h[1] === 0xff9b && zero(2, 6)) return v4(h[6] ?? 0, h[7] ?? 0); // 64:ff9b::/96
  if (h[0] === 0x2002) return v4(h[1] ?? 0, h[2] ?? 0); // 6to4
  return undefined;
}

interface Allowlist {
  hosts: Set<string>;
  nets: BlockList;
}

export type AllowlistResult = { ok: true; allow: Allowlist } | { ok: false; message: string };

/** Parse `VIGIE_NOTIFY_ALLOW`: comma-separated host names, addresses and CIDRs. */
export function parseAllowlist(text: string): AllowlistResult {
  const allow: Allowlist = { hosts: new Set(), nets: new BlockList() };
  for (const raw of text.split(',')) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (entry === '') continue;
    const [net = '', prefixText] = entry.split('/');
    const family = isIP(net);
    if (family !== 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
        return { ok: false, message: `bad prefix in "${raw.trim()}"` };
      }
      allow.nets.addSubnet(net, prefix, type);
    } else if (prefixText === undefined && /^[a-z0-9.-]{1,253}$/.test(entry)) {
      allow.hosts.add(entry.replace(/\.$/, ''));
    } else {
      return { ok: false, message: `"${raw.trim()}" is neither a host name, an address nor a CIDR` };
    }
  }
  return { ok: true, allow };
}

function isAllowedAddress(allow: Allowlist, address: string, family: 4 | 6): boolean {
  if (allow.nets.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true;
  const v4 = family === 6 ? embeddedIpv4(address) : undefined;
  return v4 !== undefined && allow.nets.check(v4, 'ipv4');
}

function isForbiddenAddress(address: string, family: 4 | 6): boolean {
  if (family === 4) return forbidden.check(address, 'ipv4');
  const v4 = embeddedIpv4(address);
  return forbidden.check(address, 'ipv6') || (v4 !== undefined && forbidden.check(v4, 'ipv4'));
}

/** A guard for outbound webhooks (DESIGN.md, "Security posture"). */
export function createTargetGuard(options: { allow?: string; lookup?: LookupAll } = {}): TargetGuard {
  const parsed = parseAllowlist(options.allow ?? '');
  if (!parsed.ok) throw new Error(`notification allowlist: ${parsed.message}`);
  const { allow } = parsed;
  const lookup = options.lookup ?? systemLookup;

  return {
    async check(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return { ok: false, code: 'TARGET_INVALID', message: 'not a URL' };
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return { ok: false, code: 'TARGET_INVALID', message: 'only http and https targets are allowed' };
      }
      const host = url.hostname
        .replace(/^\[|\]$/g, '')
        .replace(/\.$/, '')
        .toLowerCase();
      let addresses: { address: string; family: number }[];
      if (isIP(host) !== 0) {
        addresses = [{ address: host, family: isIP(host) }];
      } else {
        try {
          addresses = await lookup(host);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          return { ok: false, code: 'TARGET_UNRESOLVED', message: `${host} does not resolve (${code})` };
        }
      }
      const usable = addresses.filter((a) => a.family === 4 || a.family === 6);
      if (usable.length === 0) {
        return { ok: false, code: 'TARGET_UNRESOLVED', message: `${host} has no address` };
      }
      const hostAllowed = allow.hosts.has(host);
      // Every address must pass: a name resolving to one public and one private address would
      // otherwise let the connection pick the private one.
      for (const { address, family } of usable) {
        const fam = family as 4 | 6;
        if (!hostAllowed && !isAllowedAddress(allow, address, fam) && isForbiddenAddress(address, fam)) {
          return {
            ok: false,
            code: 'TARGET_FORBIDDEN',
            message: `${host} resolves to ${address}, a private, loopback or reserved address (allow it with VIGIE_NOTIFY_ALLOW)`,
          };
        }
      }
      const first = usable[0]!;
      return { ok: true, target: { url, address: first.address, family: first.family as 4 | 6 } };
    },
  };
}
