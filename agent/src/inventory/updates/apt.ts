import { lines } from '../software/records.js';
import { type PendingUpdate, type PendingUpdates, summarise } from './pending.js';

/** The simulated upgrade the agent runs (no root, no lock): `Inst` lines list what would change. */
export const APT_SIMULATE_ARGS = ['-s', '-o', 'Debug::NoLocking=1', 'upgrade'] as const;

// A suite such as `bookworm-security` or `oldstable-security`, or Ubuntu's `jammy-security`.
const isSecuritySuite = (suite: string) => /-security$/.test(suite.trim());

/**
 * Parses `apt-get -s upgrade`: `Inst pkg [old] (new Origin:ver/suite[, Origin2:ver/suite2] [arch])`.
 * `Conf` and `Remv` lines are not pending updates; an update is a security one when any of its
 * origins is a `*-security` suite.
 */
export function parseAptSimulate(text: string): PendingUpdates {
  const packages: PendingUpdate[] = [];
  for (const line of lines(text)) {
    const m = /^Inst (\S+)(?: \[[^\]]*\])? \((\S+) ([^[)]*)/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const suites = (m[3] ?? '').split(',').map((origin) => origin.split('/').at(-1) ?? '');
    packages.push({ name: m[1], version: m[2], security: suites.some(isSecuritySuite) });
  }
  return summarise('apt', packages, true);
}

/** Parses `apt list --upgradable`: `name/suite[,suite2] newver arch [upgradable from: old]`. */
export function parseAptListUpgradable(text: string): PendingUpdates {
  const packages: PendingUpdate[] = [];
  for (const line of lines(text)) {
    const m = /^([^\s/]+)\/(\S+) (\S+) \S+ \[upgradable from: [^\]]*\]/.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) continue;
    packages.push({ name: m[1], version: m[3], security: m[2].split(',').some(isSecuritySuite) });
  }
  return summarise('apt', packages, true);
}
