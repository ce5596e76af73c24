import type { SupportLevel } from '@vigie/shared';
import { type OnCallSchedule, type Rotation, type WeeklyHours, weeklyHoursSchema } from '@vigie/shared';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { OncallOverridesTable, OncallSchedulesTable } from '../db/tables/escalation.js';

export type OverrideRow = Selectable<OncallOverridesTable>;

/** A stored schedule as the API shows it. */
export type StoredSchedule = OnCallSchedule & { readonly createdAt: number; readonly updatedAt: number };

export const rotationSchema = z.object({
  kind: z.enum(['daily', 'weekly']),
  startsOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  handoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
  members: z.array(z.string().min(1).max(64)).min(1).max(100),
});

function decode(row: Selectable<OncallSchedulesTable>, overrides: OverrideRow[]): StoredSchedule | undefined {
  try {
    const rotation = rotationSchema.safeParse(JSON.parse(row.rotation));
    const hours = row.hours === null ? null : z.array(weeklyHoursSchema).safeParse(JSON.parse(row.hours));
    if (!rotation.success || (hours !== null && !hours.success)) return undefined;
    return {
      id: row.id,
      name: row.name,
      level: row.level,
      client: row.client,
      timezone: row.timezone,
      rotation: rotation.data,
      hours: hours === null ? null : hours.data,
      enabled: row.enabled === 1,
      overrides: overrides
        .filter((o) => o.schedule_id === row.id)
        .map((o) => ({ userId: o.user_id, startsAt: Number(o.starts_at), endsAt: Number(o.ends_at) })),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  } catch {
    return undefined;
  }
}

/** Schedules (optionally of one level and client, shared ones included) with overrides ending after `since`. */
export async function listSchedules(
  db: Kysely<Database>,
  filter: { level?: SupportLevel; client?: string; since?: number } = {},
): Promise<StoredSchedule[]> {
  let query = db.selectFrom('oncall_schedules').selectAll().orderBy('level').orderBy('name');
  if (filter.level !== undefined) query = query.where('level', '=', filter.level);
  if (filter.client !== undefined) query = query.where('client', 'in', ['', filter.client]);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const overrides = await db
    .selectFrom('oncall_overrides')
    .selectAll()
    .where(
      'schedule_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('ends_at', '>', filter.since ?? 0)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => decode(row, overrides)).filter((s) => s !== undefined);
}

export async function findSchedule(db: Kysely<Database>, id: string): Promise<StoredSchedule | undefined> {
  const row = await db.selectFrom('oncall_schedules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const overrides = await db
    .selectFrom('oncall_overrides')
    .selectAll()
    .where('schedule_id', '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return decode(row, overrides);
}

export interface ScheduleInput {
  id: string;
  name: string;
  level: SupportLevel;
  client: string;
  timezone: string;
  rotation: Rotation;
  hours: readonly WeeklyHours[] | null;
  enabled: boolean;
}

const columns = (s: ScheduleInput) => ({
  name: s.name,
  level: s.level,
  client: s.client,
  timezone: s.timezone,
  rotation: JSON.stringify(s.rotation),
  hours: s.hours === null ? null : JSON.stringify(s.hours),
  enabled: s.enabled ? 1 : 0,
});

/** Store a schedule; false when the name is taken. */
export async function insertSchedule(db: Kysely<Database>, s: ScheduleInput, now: number): Promise<boolean> {
  const result = await db
    .insertInto('oncall_schedules')
    .values({ ...columns(s), id: s.id, created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Replace a schedule's fields. */
export async function updateSchedule(
  db: Kysely<Database>,
  s: ScheduleInput,
  now: number,
): Promise<'updated' | 'missing' | 'conflict'> {
  const clash = await db
    .selectFrom('oncall_schedules')
    .select('id')
    .where('id', '!=', s.id)
    .where('name', '=', s.name)
    .executeTakeFirst();
  if (clash) return 'conflict';
  const result = await db
    .updateTable('oncall_schedules')
    .set({ ...columns(s), updated_at: now })
    .where('id', '=', s.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? 'updated' : 'missing';
}

export async function deleteSchedule(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('oncall_schedules').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Add an override to a schedule. */
export async function insertOverride(
  db: Kysely<Database>,
  o: Omit<OverrideRow, 'created_at'>,
  now: number,
): Promise<void> {
  await db
    .insertInto('oncall_overrides')
    .values({ ...o, created_at: now })
    .execute();
}

export async function deleteOverride(db: Kysely<Database>, scheduleId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('oncall_overrides')
    .where('id', '=', id)
    .where('schedule_id', '=', scheduleId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A user's name and e-mail (null without a contact row). */
export async function findUserContact(
  db: Kysely<Database>,
  userId: string,
): Promise<{ id: string; name: string; email: string | null } | undefined> {
  return db
    .selectFrom('users')
    .leftJoin('user_contacts', 'user_contacts.user_id', 'users.id')
    .select(['users.id', 'users.name', 'user_contacts.email'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

/** Set (or clear) a user's e-mail; false when there is no such user. */
export async function setUserEmail(
  db: Kysely<Database>,
  userId: string,
  email: string | null,
  now: number,
): Promise<boolean> {
  const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) return false;
  await db
    .insertInto('user_contacts')
    .values({ user_id: userId, email, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ email, updated_at: now }))
    .execute();
  return true;
}

/** Which of these ids are users of the hub. */
export async function existingUserIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
