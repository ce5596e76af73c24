import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { insertIncidentEvent, listIncidentEventsOfKinds } from '../../repositories/incident-events.js';
import {
  type IncidentChanges,
  type IncidentRow,
  listOpenInScope,
  updateIncident,
} from '../../repositories/incidents.js';
import type { IncidentRuntime } from '../runtime.js';
import { calendarFor } from './calendar-for.js';
import { clockFromStart, type Pause, type SlaClock } from './clocks.js';
import { storedClocks } from './incident-sla.js';

/** The events that start the clocks over, pause them and resume them. */
const HISTORY_KINDS = ['reopened', 'pending', 'assigned', 'resolved'] as const;

/** When the clocks of an incident started (its opening or last reopening) and its closed pauses. */
async function clockHistory(
  trx: Kysely<Database>,
  row: IncidentRow,
): Promise<{ start: number; pauses: Pause[] }> {
  const events = await listIncidentEventsOfKinds(trx, row.id, HISTORY_KINDS);
  let start = Number(row.opened_at);
  let pauses: Pause[] = [];
  let pausedSince: number | null = null;
  for (const event of events) {
    const at = Number(event.at);
    if (event.kind === 'reopened') {
      start = at;
      pauses = [];
      pausedSince = null;
    } else if (event.kind === 'pending') {
      pausedSince ??= at;
    } else if (pausedSince !== null) {
      // Assigned or resolved while pending: the clocks ran again from here.
      pauses.push([pausedSince, at]);
      pausedSince = null;
    }
  }
  return { start, pauses };
}

type Flags = { warned: number | null; breached: number | null };

/** The clock's warned/breached marks as they hold with its new instants (a breach moved ahead is no breach). */
function truthful(flags: Flags, clock: SlaClock, now: number): Flags {
  return {
    warned: flags.warned !== null && clock.warnAt > now ? null : flags.warned,
    breached: flags.breached !== null && clock.dueAt > now ? null : flags.breached,
  };
}

/**
 * A business calendar was created, edited or deleted: every open incident of the scopes it
 * applied to or applies to now gets its clocks computed again from their start with the calendar
 * that applies now, in the caller's transaction. A warning or breach the new instants put in the
 * future is withdrawn (the sweep marks it again if the new instant passes); one now due is left to
 * the next sweep, which warns or escalates as usual. Returns how many incidents moved.
 */
export async function recomputeClocksInScopes(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  scopes: readonly { client: string; site: string }[],
  now: number,
  reason: string,
): Promise<number> {
  const { warnRatio } = runtime.sla;
  const seen = new Set<string>();
  // One calendar lookup per (client, site), not per incident: a default calendar covers them all.
  const calendars = new Map<string, Awaited<ReturnType<typeof calendarFor>>>();
  const calendarOf = async (client: string, site: string) => {
    const key = JSON.stringify([client, site]);
    let applied = calendars.get(key);
    if (!applied) {
      applied = await calendarFor(trx, client, site);
      calendars.set(key, applied);
    }
    return applied;
  };
  let moved = 0;
  for (const scope of scopes) {
    for (const row of await listOpenInScope(trx, scope)) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      const stored = storedClocks(row);
      if (stored.own === null || stored.resolve === null) continue;
      const applied = await calendarOf(row.client, row.site);
      const { start, pauses } = await clockHistory(trx, row);
      const own = clockFromStart(stored.own.targetMs, start, pauses, warnRatio, applied.calendar);
      const resolve = clockFromStart(stored.resolve.targetMs, start, pauses, warnRatio, applied.calendar);
      if (
        own.dueAt === stored.own.dueAt &&
        own.warnAt === stored.own.warnAt &&
        resolve.dueAt === stored.resolve.dueAt &&
        resolve.warnAt === stored.resolve.warnAt
      )
        continue;
      const ownFlags = truthful({ warned: stored.own.warnedAt, breached: stored.own.breachedAt }, own, now);
      const resolveFlags = truthful(
        { warned: stored.resolve.warnedAt, breached: stored.resolve.breachedAt },
        resolve,
        now,
      );
      const changes: IncidentChanges = {
        sla_own_warn_at: own.warnAt,
        sla_own_due_at: own.dueAt,
        sla_resolve_warn_at: resolve.warnAt,
        sla_resolve_due_at: resolve.dueAt,
        sla_warned_at: ownFlags.warned,
        sla_own_breached_at: ownFlags.breached,
        sla_resolve_warned_at: resolveFlags.warned,
        sla_resolve_breached_at: resolveFlags.breached,
        updated_at: now,
      };
      if (!(await updateIncident(trx, row.id, changes, { state: row.state }))) continue;
      const withdrawn = [
        ...(stored.own.breachedAt !== null && ownFlags.breached === null ? ['own breach'] : []),
        ...(stored.resolve.breachedAt !== null && resolveFlags.breached === null ? ['resolve breach'] : []),
      ];
      await insertIncidentEvent(trx, runtime.random, {
        incidentId: row.id,
        key: row.dedup_key,
        at: now,
        actor: 'system',
        kind: 'sla_recomputed',
        detail: {
          reason,
          calendar: applied.name,
          own: { dueAt: { from: stored.own.dueAt, to: own.dueAt } },
          resolve: { dueAt: { from: stored.resolve.dueAt, to: resolve.dueAt } },
          ...(withdrawn.length > 0 ? { withdrawn } : {}),
        },
      });
      moved += 1;
    }
  }
  return moved;
}
