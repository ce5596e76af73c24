import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { findIncident, type IncidentRow, listChildren, updateIncident } from '../repositories/incidents.js';
import { siteSilenceExplained } from './engine/grouping.js';
import { startEscalation, stopEscalation } from './escalation/runs.js';
import type { IncidentRuntime } from './runtime.js';

const openSilences = (children: readonly IncidentRow[]) =>
  children.filter((child) => child.open_key !== null && child.check === 'host.silent');

/**
 * A device's `probe.down` just opened (or reopened): a `site.silent` ticket opened before it, whose
 * silent hosts are (nearly all) behind that device, is the device's outage seen from the other
 * side. It becomes the device incident's child, its paging stops (children ride on their parent's),
 * and both timelines say why. Runs in the caller's transaction.
 */
export async function adoptExplainedSiteSilences(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  device: IncidentRow,
  now: number,
): Promise<number> {
  if (device.host_id === null || device.check !== 'probe.down') return 0;
  const behind = new Set(await runtime.upstream.hostsBehind(trx, device.host_id));
  if (behind.size === 0) return 0;
  const parents = await trx
    .selectFrom('incidents')
    .select('parent_id')
    .distinct()
    .where('check', '=', 'host.silent')
    .where('open_key', 'is not', null)
    .where('host_id', 'in', [...behind])
    .where('parent_id', 'is not', null)
    .execute();
  let adopted = 0;
  for (const { parent_id } of parents) {
    const site = parent_id === null ? undefined : await findIncident(trx, parent_id);
    if (!site || site.open_key === null || site.check !== 'site.silent' || site.parent_id !== null) continue;
    const silent = openSilences(await listChildren(trx, site.id)).flatMap((c) =>
      c.host_id ? [c.host_id] : [],
    );
    if (!siteSilenceExplained(silent, behind, runtime.settings)) continue;
    if (
      !(await updateIncident(trx, site.id, { parent_id: device.id, updated_at: now }, { state: site.state }))
    )
      continue;
    await stopEscalation(trx, site.id, now);
    const reason = `explained by ${device.title}`;
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: device.id,
      key: device.dedup_key,
      at: now,
      actor: 'rule:probe.down',
      kind: 'child_attached',
      detail: { incidentId: site.id, reason: 'hosts silent behind the device' },
    });
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: site.id,
      key: site.dedup_key,
      at: now,
      actor: 'rule:probe.down',
      kind: 'attached_to_parent',
      detail: { parentId: device.id, reason },
    });
    adopted += 1;
  }
  return adopted;
}

/**
 * The device's incident resolved: a site silence it had adopted whose hosts are still silent (not
 * recovering) was not the device after all, so it stands alone again and its level's policy pages.
 * One whose hosts are coming back stays a child and resolves with them.
 */
export async function releaseSiteSilences(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  device: IncidentRow,
  now: number,
): Promise<void> {
  if (device.check !== 'probe.down') return;
  for (const site of await listChildren(trx, device.id)) {
    if (site.open_key === null || site.check !== 'site.silent') continue;
    const stillSilent = openSilences(await listChildren(trx, site.id)).some((c) => c.recovered_at === null);
    if (!stillSilent) continue;
    if (!(await updateIncident(trx, site.id, { parent_id: null, updated_at: now }, { state: site.state })))
      continue;
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: site.id,
      key: site.dedup_key,
      at: now,
      actor: 'rule:probe.down',
      kind: 'detached_from_parent',
      detail: { parentId: device.id, reason: 'the device is back and the hosts are still silent' },
    });
    await startEscalation(trx, runtime, { ...site, parent_id: null }, now);
  }
}
