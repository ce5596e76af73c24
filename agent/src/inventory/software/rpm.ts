import type { Software } from '@vigie/shared';
import { lines, software } from './records.js';

/**
 * The query the agent runs: one tab-separated line per package, install time in epoch seconds
 * (the `rpm -qai` date is locale- and timezone-dependent).
 */
export const RPM_ARGS = [
  '-qa',
  '--queryformat',
  '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}-%{RELEASE}\\t%{INSTALLTIME}\\t%{VENDOR}\\t%{ARCH}\\n',
] as const;

const NONE = '(none)';

/** Splits rpm's joined `version-release` on the last `-` (versions may hold `-`, releases not). */
export function splitVersionRelease(joined: string): { version: string; release: string } {
  const at = joined.lastIndexOf('-');
  return at <= 0
    ? { version: joined, release: '' }
    : { version: joined.slice(0, at), release: joined.slice(at + 1) };
}

/** Parses the output of `rpm` run with RPM_ARGS; the version is `[epoch:]version-release`. */
export function parseRpmQuery(text: string): Software[] {
  const out: Software[] = [];
  for (const line of lines(text)) {
    const [name, epoch, joined, installTime, vendor] = line.split('\t');
    if (!name || joined === undefined || name === 'gpg-pubkey') continue;
    const { version, release } = splitVersionRelease(joined);
    const evr = `${epoch && epoch !== NONE && epoch !== '0' ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
    const seconds = Number(installTime);
    out.push(
      software('rpm', name, evr, {
        publisher: vendor === NONE ? undefined : vendor,
        installedAt: Number.isFinite(seconds) ? seconds * 1000 : undefined,
      }),
    );
  }
  return out;
}
