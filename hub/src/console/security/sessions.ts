import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { UserRole } from '../../db/tables/users.js';
import { hashSecret, type RandomBytes } from '../../security/secrets.js';

/** How long a console session lives: idle and absolute limits, in milliseconds. */
export interface SessionLimits {
  readonly idleMs: number;
  readonly absoluteMs: number;
}
export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 2 * 3_600_000, absoluteMs: 12 * 3_600_000 };
/** last_seen_at is rewritten at most this often, so browsing is not a write per page. */
const TOUCH_EVERY_MS = 60_000;

/** The signed-in person behind a console request. */
export interface ConsoleUser {
  readonly sessionHash: string;
  readonly userId: string;
  readonly name: string;
  readonly role: UserRole;
  readonly csrf: string;
}

/** Open a session for a user; returns the cookie's token (shown to nobody else) and its CSRF token. */
export async function openSession(
  db: Kysely<Database>,
  random: RandomBytes,
  userId: string,
  now: number,
  limits: SessionLimits,
): Promise<{ token: string; csrf: string }> {
  const token = random(32).toString('base64url');
  const csrf = random(32).toString('base64url');
  await db
    .insertInto('console_sessions')
    .values({
      id_hash: hashSecret(token),
      user_id: userId,
      csrf_token: csrf,
      created_at: now,
      last_seen_at: now,
      expires_at: now + limits.absoluteMs,
    })
    .execute();
  return { token, csrf };
}

/** The live session of this cookie token and its enabled user; refreshes its idle clock. */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  now: number,
  limits: SessionLimits,
): Promise<ConsoleUser | undefined> {
  const idHash = hashSecret(token);
  const row = await db
    .selectFrom('console_sessions')
    .innerJoin('users', 'users.id', 'console_sessions.user_id')
    .select([
      'console_sessions.id_hash as idHash',
      'console_sessions.csrf_token as csrf',
      'console_sessions.last_seen_at as lastSeenAt',
      'console_sessions.expires_at as expiresAt',
      'users.id as userId',
      'users.name as name',
      'users.role as role',
      'users.disabled_at as disabledAt',
    ])
    .where('console_sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const expired =
    Number(row.expiresAt) <= now || Number(row.lastSeenAt) + limits.idleMs <= now || row.disabledAt !== null;
  if (expired) {
    await closeSession(db, idHash);
    return undefined;
  }
  if (now - Number(row.lastSeenAt) >= TOUCH_EVERY_MS) {
    await db
      .updateTable('console_sessions')
      .set({ last_seen_at: now })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return { sessionHash: idHash, userId: row.userId, name: row.name, role: row.role, csrf: row.csrf };
}

export async function closeSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

/** Sign a user out everywhere (disabled, role or password changed). */
export async function closeUserSessions(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('user_id', '=', userId).execute();
}

/** Forget sessions past either limit; the session check refuses them anyway, this keeps the table small. */
export async function pruneSessions(db: Kysely<Database>, now: number, limits: SessionLimits): Promise<void> {
  await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - limits.idleMs)]))
    .execute();
}
