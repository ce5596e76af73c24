import type { Kysely } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import type { UserRole } from '../../db/tables/users.js';
import { findUserByName, insertUser, type User } from '../../repositories/users.js';
import { generateId } from '../../security/secrets.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { closeUserSessions } from './sessions.js';

export type AccountResult =
  | { ok: true; userId: string }
  | { ok: false; code: 'USER_EXISTS' | 'NOT_FOUND' | 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' };

function refusePassword(password: string): AccountResult | undefined {
  const problem = passwordProblem(password);
  return problem === undefined ? undefined : { ok: false, code: `PASSWORD_${problem}` };
}

/** Set (or replace) a user's console password; their open sessions end. */
export async function setUserPassword(
  db: Kysely<Database>,
  name: string,
  password: string,
): Promise<AccountResult> {
  const refused = refusePassword(password);
  if (refused) return refused;
  const user = await findUserByName(db, name);
  if (!user) return { ok: false, code: 'NOT_FOUND' };
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', user.id)
    .execute();
  await closeUserSessions(db, user.id);
  return { ok: true, userId: user.id };
}

/** A console user with a password and no API token (admins add tokens with the CLI). */
export async function createConsoleUser(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  input: { name: string; role: UserRole; password: string },
): Promise<AccountResult> {
  const refused = refusePassword(input.password);
  if (refused) return refused;
  const hash = await hashPassword(input.password);
  return deps.db.transaction().execute(async (trx) => {
    if (await findUserByName(trx, input.name)) return { ok: false, code: 'USER_EXISTS' } as const;
    const userId = generateId('usr', deps.random);
    await insertUser(trx, { id: userId, name: input.name, role: input.role, createdAt: deps.clock() });
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
    return { ok: true, userId } as const;
  });
}

/** The enabled user whose password this is, or undefined (same cost either way). */
export async function checkSignIn(
  db: Kysely<Database>,
  name: string,
  password: string,
): Promise<User | undefined> {
  const user = await findUserByName(db, name);
  const usable = user !== undefined && user.disabled_at === null && user.password_hash !== null;
  const matches = await verifyPassword(password, usable ? user.password_hash : undefined);
  return usable && matches ? user : undefined;
}

/** Every user, for the admin page. */
export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return db.selectFrom('users').selectAll().orderBy('name').limit(1000).execute();
}

/** Change a user's role or disable/enable them; their sessions end so the change applies at once. */
export async function updateUserAccess(
  db: Kysely<Database>,
  userId: string,
  change: { role?: UserRole; disabledAt?: number | null },
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({
      ...(change.role ? { role: change.role } : {}),
      ...(change.disabledAt !== undefined ? { disabled_at: change.disabledAt } : {}),
    })
    .where('id', '=', userId)
    .executeTakeFirst();
  await closeUserSessions(db, userId);
  return Number(result.numUpdatedRows) > 0;
}
