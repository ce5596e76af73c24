import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { UserRole } from '../db/tables/users.js';

export async function insertApiToken(
  db: Kysely<Database>,
  token: { id: string; userId: string; tokenHash: string; label: string; createdAt: number },
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      token_hash: token.tokenHash,
      label: token.label,
      created_at: token.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

export interface TokenOwner {
  tokenId: string;
  userId: string;
  userName: string;
  role: UserRole;
}

/** The live token with this hash and its enabled owner, if any. */
export async function findTokenOwner(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<TokenOwner | undefined> {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as tokenId',
      'users.id as userId',
      'users.name as userName',
      'users.role as role',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function touchApiToken(db: Kysely<Database>, tokenId: string, now: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set((eb) => ({ last_used_at: now, uses: eb('uses', '+', 1) }))
    .where('id', '=', tokenId)
    .execute();
}
