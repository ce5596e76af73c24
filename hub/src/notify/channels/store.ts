import type { SupportLevel } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { NoticeKind } from '../../incidents/notifier.js';
import { type ChannelTarget, decodeChannel, type NotificationChannel } from '../channel-config.js';

/** Store a new channel; false when the name is taken. */
export async function insertChannel(
  db: Kysely<Database>,
  channel: ChannelTarget & {
    id: string;
    name: string;
    levels: readonly SupportLevel[];
    noticeKinds: readonly NoticeKind[];
    enabled: boolean;
    createdAt: number;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('notification_channels')
    .values({
      id: channel.id,
      name: channel.name,
      kind: channel.kind,
      config: JSON.stringify(channel.config),
      levels: JSON.stringify(channel.levels),
      notice_kinds: JSON.stringify(channel.noticeKinds),
      enabled: channel.enabled ? 1 : 0,
      created_at: channel.createdAt,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Every channel, by name; rows that no longer validate are left out. */
export async function listChannels(db: Kysely<Database>): Promise<NotificationChannel[]> {
  const rows = await db.selectFrom('notification_channels').selectAll().orderBy('name').execute();
  return rows.map(decodeChannel).filter((c) => c !== undefined);
}

/** The enabled channels; the notifier filters them by level and kind (there are few). */
export async function listEnabledChannels(db: Kysely<Database>): Promise<NotificationChannel[]> {
  const rows = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map(decodeChannel).filter((c) => c !== undefined);
}

export async function findChannel(
  db: Kysely<Database>,
  id: string,
): Promise<NotificationChannel | undefined> {
  const row = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? decodeChannel(row) : undefined;
}

/** Channels by id (those of a claimed batch). */
export async function findChannels(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, NotificationChannel>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('notification_channels').selectAll().where('id', 'in', ids).execute();
  const channels = rows.map(decodeChannel).filter((c) => c !== undefined);
  return new Map(channels.map((c) => [c.id, c]));
}

export interface ChannelPatch {
  enabled?: boolean | undefined;
  levels?: readonly SupportLevel[] | undefined;
  noticeKinds?: readonly NoticeKind[] | undefined;
}

/** Change what a channel serves; false when there is no such channel. */
export async function updateChannel(db: Kysely<Database>, id: string, patch: ChannelPatch): Promise<boolean> {
  const set = {
    ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
    ...(patch.levels !== undefined ? { levels: JSON.stringify(patch.levels) } : {}),
    ...(patch.noticeKinds !== undefined ? { notice_kinds: JSON.stringify(patch.noticeKinds) } : {}),
  };
  if (Object.keys(set).length === 0) return (await findChannel(db, id)) !== undefined;
  const result = await db
    .updateTable('notification_channels')
    .set(set)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Delete a channel and, by cascade, its deliveries; false when there is no such channel. */
export async function deleteChannel(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
