import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { UserRole, UsersTable } from '../db/tables/users.js';

export type User = Selectable<UsersTable>;

/** Insert a user; the caller makes the id. */
export async function insertUser(
  db: Kysely<Database>,
  user: { id: string; name: string; role: UserRole; createdAt: number },
): Promise<void> {
  await db
    .insertInto('users')
    .values({ id: user.id, name: user.name, role: user.role, created_at: user.createdAt, disabled_at: null })
    .execute();
}

export async function findUserByName(db: Kysely<Database>, name: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
