import type { Facts } from '../facts.js';

/** Where ClamAV keeps its daily signature database (`.cld` once updated incrementally). */
export const CLAMAV_DAILY_PATHS = ['/var/lib/clamav/daily.cld', '/var/lib/clamav/daily.cvd'] as const;

/**
 * Parses the 512-byte header of a ClamAV database: `ClamAV-VDB:<build date>:<version>:<sigs>:
 * <level>:<md5>:<dsig>:<builder>:<build time in epoch seconds>`. The build time is how old the
 * signatures are. Undefined when the text is not such a header.
 */
export function parseClamavHeader(header: string): Facts | undefined {
  const fields = header.split(':');
  if (fields[0] !== 'ClamAV-VDB' || fields.length < 9) return undefined;
  const version = Number(fields[2]);
  const seconds = Number((fields[8] ?? '').replace(/[^\d].*$/s, ''));
  if (!Number.isInteger(version) || !Number.isInteger(seconds) || seconds <= 0) return undefined;
  return { product: 'ClamAV', enabled: true, signaturesVersion: version, signaturesAt: seconds * 1000 };
}
