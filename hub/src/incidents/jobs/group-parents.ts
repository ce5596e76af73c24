import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { type IncidentRow, listChildren } from '../../repositories/incidents.js';
import type { Signal } from '../engine/types.js';
import { handleSignal } from '../handle-signal.js';
import type { IncidentRuntime } from '../runtime.js';

/**
 * A site or storm ticket has no fault of its own: it stands for its children. Once every child is
 * recovered (or no longer open) the parent is recovered too — shown at once, its escalation
 * stopped, its channels told — through the same recovery signal a check sends; a child failing
 * again while the parent waits out its quiet period triggers the parent again. Without this, a
 * site whose hosts all came back kept paging N3 until the staleness timeout.
 */
export async function sweepGroupParents(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
): Promise<{ parentsRecovered: number }> {
  const parents = await db
    .selectFrom('incidents')
    .selectAll()
    .where('open_key', 'is not', null)
    .where('group_kind', 'in', ['site', 'storm'])
    .execute();
  let parentsRecovered = 0;
  if (parents.length === 0) return { parentsRecovered };
  // One read for every parent's open children; a transaction only where the parent must change
  // (this runs every sweep, and most sweeps change nothing).
  const children = await db
    .selectFrom('incidents')
    .select(['parent_id', 'recovered_at'])
    .where(
      'parent_id',
      'in',
      parents.map((parent) => parent.id),
    )
    .where('open_key', 'is not', null)
    .execute();
  for (const parent of parents) {
    const mine = children.filter((child) => child.parent_id === parent.id);
    const failing = mine.some((child) => child.recovered_at === null);
    const recover = parent.recovered_at === null && !failing;
    const fail = parent.recovered_at !== null && failing;
    if (!recover && !fail) continue;
    await db.transaction().execute(async (trx) => {
      // Decided again inside the transaction: a child may have changed since the read above.
      const open = (await listChildren(trx, parent.id)).filter((child) => child.open_key !== null);
      const stillFailing = open.some((child) => child.recovered_at === null);
      if (recover && !stillFailing) {
        const outcome = await handleSignal(trx, runtime, parentSignal(parent, 'ok', now), now, 'hub');
        if (outcome.decision === 'recovering' || outcome.decision === 'resolve') parentsRecovered += 1;
      } else if (fail && stillFailing) {
        await handleSignal(trx, runtime, parentSignal(parent, parent.severity, now), now, 'hub');
      }
    });
  }
  return { parentsRecovered };
}

function parentSignal(parent: IncidentRow, state: 'ok' | 'warning' | 'critical', now: number): Signal {
  return {
    key: parent.dedup_key,
    client: parent.client,
    site: parent.site,
    host: null,
    check: parent.check,
    resource: parent.resource,
    state,
    observedAt: now,
    value: null,
    threshold: null,
    message: null,
  };
}
