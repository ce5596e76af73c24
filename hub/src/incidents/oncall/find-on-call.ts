import type { SupportLevel } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findUserContact, listSchedules } from '../../repositories/oncall.js';
import { whoIsOnCall } from './who-is-on-call.js';

/** The person on duty as a notice carries it. */
export interface OnCallPerson {
  readonly userId: string;
  readonly name: string;
  readonly email: string | null;
  readonly scheduleId: string;
  readonly via: 'override' | 'rotation';
}

/** Who is on call for a level (and client) at `at`, with their contact; null when nobody is. */
export async function findOnCall(
  db: Kysely<Database>,
  level: SupportLevel,
  client: string,
  at: number,
): Promise<OnCallPerson | null> {
  const schedules = await listSchedules(db, { level, client, since: at });
  const duty = whoIsOnCall(level, at, schedules, client);
  if (duty === null) return null;
  const user = await findUserContact(db, duty.userId);
  // A rotation naming a deleted user still says who it meant, without a contact.
  return { ...duty, name: user?.name ?? duty.userId, email: user?.email ?? null };
}
