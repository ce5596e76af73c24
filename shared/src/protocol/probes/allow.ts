import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { isHostname, type ProbeSpec, urlHost } from './spec.js';

/**
 * One entry of a site's allowlist: a CIDR (`10.1.0.0/16`, `fd00::/8`), an address, a host name
 * (`nas.lan`) or a wildcard on a domain (`*.corp.example`, any name below it, not the domain itself).
 */
export const allowEntrySchema = z
  .string()
  .min(1)
  .max(256)
  .refine((entry) => parseEntry(entry) !== undefined, 'not a CIDR, an address, a host name or *.domain');
export type AllowEntry = z.infer<typeof allowEntrySchema>;

type Parsed =
  | { kind: 'net'; address: string; prefix: number; family: 'ipv4' | 'ipv6' }
  | { kind: 'name'; name: string }
  | { kind: 'suffix'; suffix: string };

function parseEntry(entry: string): Parsed | undefined {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version !== 0) {
    const max = version === 4 ? 32 : 128;
    const prefixText = slash < 0 ? String(max) : entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    const prefix = Number(prefixText);
    if (prefix > max) return undefined;
    return { kind: 'net', address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
  }
  if (entry.startsWith('*.') && isHostname(entry.slice(2)))
    return { kind: 'suffix', suffix: `.${entry.slice(2).toLowerCase().replace(/\.$/, '')}` };
  if (isHostname(entry)) return { kind: 'name', name: entry.toLowerCase().replace(/\.$/, '') };
  return undefined;
}

/** Answers whether a host (address or name) is inside an allowlist; build once, ask many times. */
export interface AllowList {
  allows(host: string): boolean;
}

/**
 * Addresses match CIDR and address entries only; names match name and wildcard entries only. A
 * name is never resolved to be checked against networks: what the hub accepted is what the agent
 * probes, whatever a resolver answers on either side.
 */
export function createAllowList(entries: readonly string[]): AllowList {
  const nets = new BlockList();
  const names = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (parsed?.kind === 'net') nets.addSubnet(parsed.address, parsed.prefix, parsed.family);
    else if (parsed?.kind === 'name') names.add(parsed.name);
    else if (parsed?.kind === 'suffix') suffixes.push(parsed.suffix);
  }
  return {
    allows(host) {
      const version = isIP(host);
      if (version !== 0) return nets.check(host, version === 4 ? 'ipv4' : 'ipv6');
      const name = host.toLowerCase().replace(/\.$/, '');
      return names.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
    },
  };
}

/** Every host a probe would send packets to (the DNS name looked up is not one: its server is). */
export function probeTargets(spec: ProbeSpec): string[] {
  switch (spec.kind) {
    case 'ping':
    case 'tcp':
    case 'tls':
      return [spec.host];
    case 'http':
      return [urlHost(new URL(spec.url))];
    case 'dns':
      return spec.server ? [spec.server.host] : [];
  }
}

/** The targets of `spec` the allowlist refuses (empty when the probe may run). */
export function refusedTargets(allow: AllowList, spec: ProbeSpec): string[] {
  return probeTargets(spec).filter((host) => !allow.allows(host));
}
