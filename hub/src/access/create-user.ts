import type { HubDeps } from '../config/deps.js';
import { lockKeyForTransaction } from '../db/dialect.js';
import type { UserRole } from '../db/tables/users.js';
import { insertApiToken } from '../repositories/api-tokens.js';
import { findUserByName, insertUser } from '../repositories/users.js';
import { generateId, generateSecret, hashSecret, TOKEN_PREFIXES } from '../security/secrets.js';

export type CreateUserResult =
  | { ok: true; userId: string; token: string }
  | { ok: false; code: 'USER_EXISTS' };

/** Create a user with an API bearer token, returned once (only its hash is kept). */
export async function createUserWithToken(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  input: { name: string; role: UserRole },
): Promise<CreateUserResult> {
  const now = deps.clock();
  return deps.db.transaction().execute(async (trx) => {
    // Two hub instances starting on one empty PostgreSQL database both create `admin`: the second
    // waits here, then finds the first one's user.
    await lockKeyForTransaction(trx, `user:${input.name}`);
    if (await findUserByName(trx, input.name)) return { ok: false, code: 'USER_EXISTS' } as const;
    const userId = generateId('usr', deps.random);
    const token = generateSecret(TOKEN_PREFIXES.api, deps.random);
    await insertUser(trx, { id: userId, name: input.name, role: input.role, createdAt: now });
    await insertApiToken(trx, {
      id: generateId('tok', deps.random),
      userId,
      tokenHash: hashSecret(token),
      label: 'created with the user',
      createdAt: now,
    });
    return { ok: true, userId, token } as const;
  });
}
