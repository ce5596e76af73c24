import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { engineOf } from '../db/dialect.js';

// What hub instances tell each other through PostgreSQL's LISTEN/NOTIFY: ids only, never state.
// The receiver reads the database for the rest, and a periodic check covers a lost notification.

export const CLUSTER_CHANNEL = 'vigie_cluster';
/** Host ids per `probes` event: well under NOTIFY's 8000-byte payload. */
export const PROBES_BATCH = 200;

export const clusterEventSchema = z.discriminatedUnion('kind', [
  /** An agent connected to `instanceId` under `epoch`: an older socket elsewhere is stale. */
  z.object({
    kind: z.literal('session'),
    agentId: z.string().max(200),
    epoch: z.number().int(),
    instanceId: z.string().max(200),
  }),
  /** An agent's credential was revoked (or rotated): forget it, close its socket. */
  z.object({ kind: z.literal('revoked'), agentId: z.string().max(200) }),
  /** A rotation of this agent's secret was requested: rotate it now if it is connected here. */
  z.object({ kind: z.literal('rotate'), agentId: z.string().max(200) }),
  /** The probe lists of these hosts changed: their agents connected here get theirs again. */
  z.object({ kind: z.literal('probes'), hostIds: z.array(z.string().max(200)).max(PROBES_BATCH) }),
  /** Something another instance's agents or consoles should hear about (e.g. `policy`). */
  z.object({ kind: z.literal('changed'), topic: z.string().max(100), id: z.string().max(200) }),
]);
export type ClusterEvent = z.infer<typeof clusterEventSchema>;

/**
 * Tell the other instances, when `db`'s transaction commits (immediately outside one). Nothing
 * to do on SQLite: one process serves everything.
 */
// biome-ignore lint/suspicious/noExplicitAny: any database or transaction
export async function publish(db: Kysely<any>, event: ClusterEvent): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  await sql`select pg_notify(${CLUSTER_CHANNEL}, ${JSON.stringify(event)})`.execute(db);
}

/** A notification's payload, or undefined when it is not one of ours. */
export function parseClusterEvent(payload: string | undefined): ClusterEvent | undefined {
  if (payload === undefined) return undefined;
  try {
    const parsed = clusterEventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
