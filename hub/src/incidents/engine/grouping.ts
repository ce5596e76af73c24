import type { IncidentSettings } from './settings.js';
import type { IncidentFacts, Placement, Signal } from './types.js';

/** An open incident of the same host, as grouping needs it. */
export interface Sibling {
  readonly id: string;
  readonly check: string;
  readonly openedAt: number;
  readonly parentId: string | null;
}

/** What is open around a new fault, read by the effects layer. */
export interface GroupingFacts {
  /** Open incidents of the same host (other keys). */
  readonly hostSiblings: readonly Sibling[];
  /** Incidents of the same client and check opened within the storm period. */
  readonly stormCount: number;
  /** The open storm ticket for the same client and check. */
  readonly stormParentId: string | null;
  /** The open `site.silent` ticket of the host's site (for `host.silent` only). */
  readonly siteParentId: string | null;
  /** The candidate parents above, by id: a child more urgent than its parent raises it. */
  readonly parents: ReadonlyMap<string, IncidentFacts>;
}

export const NO_GROUPING: GroupingFacts = {
  hostSiblings: [],
  stormCount: 0,
  stormParentId: null,
  siteParentId: null,
  parents: new Map(),
};

/**
 * Where a new incident goes: under its site's silence, under a storm ticket, under the first
 * fault of its host opened a moment ago, or alone. Children notify nobody; their parent does.
 */
export function placementOf(
  signal: Signal,
  facts: GroupingFacts,
  settings: IncidentSettings,
  now: number,
): Placement {
  if (signal.check === 'host.silent' || signal.check === 'site.silent') {
    return facts.siteParentId !== null && signal.check === 'host.silent'
      ? { kind: 'child', parentId: facts.siteParentId, group: 'site' }
      : { kind: 'alone' };
  }
  if (facts.stormParentId !== null) return { kind: 'child', parentId: facts.stormParentId, group: 'storm' };
  if (facts.stormCount >= settings.stormCap) return { kind: 'storm-parent' };
  const parent = facts.hostSiblings
    .filter(
      (s) =>
        s.parentId === null && s.check !== 'host.silent' && now - s.openedAt <= settings.hostGroupWindowMs,
    )
    .sort((a, b) => a.openedAt - b.openedAt)[0];
  return parent ? { kind: 'child', parentId: parent.id, group: 'host' } : { kind: 'alone' };
}

/** A silent host as the sweep sees it. */
export interface SilentHost {
  readonly hostId: string;
  readonly client: string;
  readonly site: string;
}

/** Sites with enough silent hosts at once to be one site outage rather than several host outages. */
export function silentSites(
  hosts: readonly SilentHost[],
  settings: IncidentSettings,
): Map<string, SilentHost[]> {
  const bySite = new Map<string, SilentHost[]>();
  for (const host of hosts) {
    const key = siteKey(host.client, host.site);
    // Pushed, not copied: a site of thousands of hosts would be quadratic.
    const members = bySite.get(key);
    if (members) members.push(host);
    else bySite.set(key, [host]);
  }
  for (const [key, members] of bySite) if (members.length < settings.siteSilentMinHosts) bySite.delete(key);
  return bySite;
}

/** Dedup key of a site-wide silence (no host: `@site` stands in its place). */
export function siteKey(client: string, site: string): string {
  return `${client}/@${site}/site.silent`;
}

/** Dedup key of a storm ticket for one check across a client's hosts. */
export function stormKey(client: string, check: string): string {
  return `${client}/*/${check}/storm`;
}

/**
 * Whether a site's silence is the device's outage: once the hosts behind the down device are set
 * aside, too few silent hosts are left to make the site silent (the sweep's own rule for hosts
 * behind a down device, applied to a site ticket opened before the device's).
 */
export function siteSilenceExplained(
  silentHostIds: readonly string[],
  behindDevice: ReadonlySet<string>,
  settings: IncidentSettings,
): boolean {
  const behind = silentHostIds.filter((id) => behindDevice.has(id)).length;
  return behind > 0 && silentHostIds.length - behind < settings.siteSilentMinHosts;
}
