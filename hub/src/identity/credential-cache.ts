import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { type AgentRow, findAgent } from '../repositories/agents.js';

/** How long an entry is trusted and how many are kept. */
export interface CredentialCacheOptions {
  /** Bounds how stale an entry can be when another hub instance changed the row (PostgreSQL). */
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export const CREDENTIAL_CACHE_DEFAULTS: CredentialCacheOptions = { ttlMs: 30_000, maxEntries: 100_000 };

/**
 * Agents' credential rows (secret hashes, fingerprint, revocation) kept in memory, so a hello —
 * including each of a flood of bad ones for a known agent — reads no disk. Every change this hub
 * makes (rotation, confirmation, revocation, rotation request) calls `forget`; a change made by
 * another instance sharing the database is seen after at most `ttlMs`, or at once for a secret
 * that does not match the cached hash (`get(id, { refresh: true })`, see authenticateHello).
 * Unknown agent ids are not cached: a flood of random ids cannot fill the map, and each costs one
 * indexed read, bounded by the handshake caps.
 */
export function createCredentialCache(
  db: Kysely<Database>,
  clock: () => number,
  options: CredentialCacheOptions = CREDENTIAL_CACHE_DEFAULTS,
) {
  const entries = new Map<string, { row: AgentRow; loadedAt: number }>();
  const stats = { hits: 0, misses: 0 };

  async function load(agentId: string): Promise<AgentRow | undefined> {
    stats.misses += 1;
    const row = await findAgent(db, agentId);
    entries.delete(agentId);
    if (!row) return undefined;
    // Map order is insertion order: the first key is the oldest entry.
    if (entries.size >= options.maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(agentId, { row, loadedAt: clock() });
    return row;
  }

  return {
    /** The agent's row, from memory when younger than the TTL (or `refresh` asks for the database). */
    async get(agentId: string, how: { refresh?: boolean } = {}): Promise<AgentRow | undefined> {
      const entry = entries.get(agentId);
      const age = entry ? clock() - entry.loadedAt : Number.POSITIVE_INFINITY;
      if (entry && !how.refresh && age >= 0 && age < options.ttlMs) {
        stats.hits += 1;
        return entry.row;
      }
      return load(agentId);
    },
    /** Age in ms of the cached entry, undefined when there is none. */
    ageOf(agentId: string): number | undefined {
      const entry = entries.get(agentId);
      return entry ? clock() - entry.loadedAt : undefined;
    },
    /** The row changed: the next `get` reads it again. */
    forget(agentId: string): void {
      entries.delete(agentId);
    },
    get size(): number {
      return entries.size;
    },
    stats: () => ({ ...stats }),
  };
}
export type CredentialCache = ReturnType<typeof createCredentialCache>;
