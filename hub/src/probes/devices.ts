import type { HostRole } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { type HostRow, NO_HEALTH_YET } from '../repositories/hosts.js';
import { generateId, type RandomBytes } from '../security/secrets.js';

/** What an admin says about a device: the rest of a host row does not apply to it. */
export interface NewDevice {
  readonly hostname: string;
  readonly client: string;
  readonly site: string;
  readonly role: HostRole;
  readonly tags: readonly string[];
}

/**
 * Add a device as a host of kind `device`. It never connects nor samples: `last_seen_at` stays
 * null, so the host-silence sweep never judges it; its probes speak for it.
 */
export async function insertDevice(
  db: Kysely<Database>,
  random: RandomBytes,
  device: NewDevice,
  now: number,
): Promise<string> {
  const id = generateId('hst', random);
  await db
    .insertInto('hosts')
    .values({
      id,
      kind: 'device',
      hostname: device.hostname,
      // Never a machine fingerprint (those come from agents); kept unique and recognisable.
      fingerprint: `device:${id}`,
      client: device.client,
      site: device.site,
      role: device.role,
      tags: JSON.stringify(device.tags),
      os_platform: 'other',
      os_distro: '',
      os_release: '',
      os_kernel: '',
      os_arch: 'none',
      agent_version: '',
      first_seen_at: now,
      last_seen_at: null,
      connected: 0,
      ...NO_HEALTH_YET,
      behind: null,
    })
    .execute();
  return id;
}

/** What an admin may change on a device; client and site stay (its probes run from that site). */
export type DeviceChanges = Partial<Pick<NewDevice, 'hostname' | 'role' | 'tags'>>;

/** Apply an admin's changes to a device; true when its role or tags changed (its grade may have). */
export async function updateDevice(
  db: Kysely<Database>,
  device: Pick<HostRow, 'id' | 'role' | 'tags'>,
  changes: DeviceChanges,
): Promise<boolean> {
  const tags = changes.tags === undefined ? undefined : JSON.stringify(changes.tags);
  await db
    .updateTable('hosts')
    .set({
      ...(changes.hostname !== undefined && { hostname: changes.hostname }),
      ...(changes.role !== undefined && { role: changes.role }),
      ...(tags !== undefined && { tags }),
    })
    .where('id', '=', device.id)
    .where('kind', '=', 'device')
    .execute();
  return (
    (changes.role !== undefined && changes.role !== device.role) ||
    (tags !== undefined && tags !== device.tags)
  );
}

export async function listDevices(
  db: Kysely<Database>,
  filter: { client?: string | undefined; site?: string | undefined } = {},
): Promise<HostRow[]> {
  let query = db
    .selectFrom('hosts')
    .selectAll()
    .where('kind', '=', 'device')
    .orderBy('hostname')
    .orderBy('id');
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  if (filter.site !== undefined) query = query.where('site', '=', filter.site);
  return query.execute();
}

/** Agent hosts of a site with an agent that is not revoked: the ones that may run its probes. */
export async function listProbingCandidates(
  db: Kysely<Database>,
  client: string,
  site: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('hosts')
    .innerJoin('agents', 'agents.host_id', 'hosts.id')
    .select('hosts.id')
    .distinct()
    .where('hosts.kind', '=', 'agent')
    .where('hosts.client', '=', client)
    .where('hosts.site', '=', site)
    .where('agents.revoked_at', 'is', null)
    .execute();
  return rows.map((row) => row.id);
}

/** Make exactly `hostIds` the hosts behind `deviceId`; returns how many point at it now. */
export async function setHostsBehind(
  db: Kysely<Database>,
  deviceId: string,
  hostIds: readonly string[],
): Promise<number> {
  await db.updateTable('hosts').set({ behind: null }).where('behind', '=', deviceId).execute();
  if (hostIds.length === 0) return 0;
  const result = await db
    .updateTable('hosts')
    .set({ behind: deviceId })
    .where('id', 'in', [...hostIds])
    .where('id', '!=', deviceId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export { listHostsBehind } from '../repositories/hosts.js';
