import type { Kysely } from 'kysely';
import { ALL_CLIENTS, type ClientScope, onlyClients } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import type { UserRole } from '../db/tables/users.js';

/** The scope of a user: admins and unscoped users see every client, scoped ones their list. */
export async function loadClientScope(
  db: Kysely<Database>,
  user: { readonly userId: string; readonly role: UserRole },
): Promise<ClientScope> {
  if (user.role === 'admin') return ALL_CLIENTS;
  const row = await db
    .selectFrom('users')
    .select('client_scoped')
    .where('id', '=', user.userId)
    .executeTakeFirst();
  // An unknown user sees nothing rather than everything.
  if (!row) return onlyClients([]);
  if (Number(row.client_scoped) !== 1) return ALL_CLIENTS;
  const clients = await db
    .selectFrom('user_clients')
    .innerJoin('clients', 'clients.id', 'user_clients.client_id')
    .select('clients.name')
    .where('user_clients.user_id', '=', user.userId)
    .execute();
  return onlyClients(clients.map((c) => c.name));
}
