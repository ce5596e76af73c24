import type { Facts } from '../facts.js';
import { lines } from '../software/records.js';

/**
 * The query the agent runs on Windows workstations (SecurityCenter2 does not exist on Windows
 * Server, where Defender's `Get-MpComputerStatus` answers instead).
 */
export const SECURITY_CENTER_ARGS = [
  '/namespace:\\\\root\\SecurityCenter2',
  'path',
  'AntiVirusProduct',
  'get',
  'displayName,productState,timestamp',
  '/format:list',
] as const;

/** What a WSC `productState` says, decoded with its bit masks rather than a table of known values. */
export interface ProductState {
  readonly state: 'off' | 'on' | 'snoozed' | 'expired' | 'unknown';
  readonly microsoft: boolean;
  readonly upToDate: boolean;
}

const STATES = { 0: 'off', 4096: 'on', 8192: 'snoozed', 12288: 'expired' } as const;

/** Decodes `productState`: 0x00F000 state, 0x000F00 owner (0x100 Microsoft), 0x0000F0 signatures. */
export function decodeProductState(value: number): ProductState {
  const state = STATES[(value & 0x00f000) as keyof typeof STATES] ?? 'unknown';
  return { state, microsoft: (value & 0x000f00) === 0x100, upToDate: (value & 0x0000f0) === 0 };
}

/**
 * Parses `wmic … AntiVirusProduct … /format:list` (blocks of `key=value` lines): one facts group
 * per product, with `enabled` and `signaturesUpToDate` decoded from `productState`.
 */
export function parseSecurityCenter(text: string): Facts[] {
  const out: Facts[] = [];
  let current: Record<string, string> = {};
  const flush = () => {
    const name = current.displayName;
    const raw = Number(current.productState);
    if (name && Number.isInteger(raw)) {
      const decoded = decodeProductState(raw);
      const at = current.timestamp ? Date.parse(current.timestamp) : Number.NaN;
      out.push({
        product: name,
        state: decoded.state,
        enabled: decoded.state === 'on',
        signaturesUpToDate: decoded.upToDate,
        ...(Number.isNaN(at) ? {} : { updatedAt: at }),
      });
    }
    current = {};
  };
  for (const line of lines(text)) {
    const m = /^\s*([A-Za-z]+)=(.*)$/.exec(line);
    if (!m?.[1]) continue;
    if (m[1] === 'displayName' && current.displayName !== undefined) flush();
    current[m[1]] = (m[2] ?? '').trim();
  }
  flush();
  return out;
}
