import { MAX_PROBES_PER_AGENT, type ProbeSpec, type ProbesMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { LiveSessions } from '../ingest/live-sessions.js';
import { findHost } from '../repositories/hosts.js';
import { findSiteAllowlist, listProbesRunBy } from './store.js';
import { readableSpec } from './stored-probe.js';

/** The `probes` message for the agent of `hostId`: what it runs, and its site's allowlist. */
export async function probeAssignment(db: Kysely<Database>, hostId: string): Promise<ProbesMessage> {
  const host = await findHost(db, hostId);
  if (!host) return { type: 'probes', allow: [], probes: [] };
  const rows = await listProbesRunBy(db, hostId);
  return {
    type: 'probes',
    allow: await findSiteAllowlist(db, host.client, host.site),
    probes: rows
      .map(readableSpec)
      .filter((spec): spec is ProbeSpec => spec !== undefined)
      .slice(0, MAX_PROBES_PER_AGENT),
  };
}

/**
 * Send a fresh assignment to the connected agents of these hosts (those that run probes). The
 * hosts whose agent is not connected here are handed to the other hub instances, if any.
 */
export async function pushProbes(sessions: LiveSessions, hostIds: readonly string[]): Promise<number> {
  const wanted = new Set(hostIds);
  const targets = sessions.all().filter((s) => s.hostId !== undefined && wanted.has(s.hostId));
  const sent = await Promise.all(targets.map((s) => s.refreshProbes?.() ?? Promise.resolve(false)));
  const here = new Set(targets.map((s) => s.hostId));
  const away = [...wanted].filter((hostId) => !here.has(hostId));
  if (away.length > 0) await sessions.elsewhere.refreshProbes(away);
  return sent.filter(Boolean).length;
}
