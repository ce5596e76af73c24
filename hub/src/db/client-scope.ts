import { type RawBuilder, sql } from 'kysely';

/**
 * Which clients a request may see. Admins and unscoped users see every client; a client-scoped
 * technician (a managed-service provider's team) sees only the clients named here, by name, since
 * the name is what hosts and incidents carry.
 */
export type ClientScope =
  | { readonly all: true }
  | { readonly all: false; readonly clients: readonly string[] };

export const ALL_CLIENTS: ClientScope = Object.freeze({ all: true });

/** A scope limited to these client names (none: sees nothing). */
export function onlyClients(clients: readonly string[]): ClientScope {
  return Object.freeze({ all: false, clients: Object.freeze([...new Set(clients)]) });
}

/** True when `client` is visible through the scope (no scope given: unscoped caller). */
export function scopeAllows(scope: ClientScope | undefined, client: string): boolean {
  return scope === undefined || scope.all || scope.clients.includes(client);
}

/**
 * The condition a repository adds to a query whose `column` holds the client name, or undefined
 * when the scope lets everything through. Written as SQL so it fits every builder alike; an empty
 * list becomes a false condition (PostgreSQL refuses `in ()`).
 */
export function scopeCondition(
  scope: ClientScope | undefined,
  column: string,
): RawBuilder<boolean> | undefined {
  if (scope === undefined || scope.all) return undefined;
  if (scope.clients.length === 0) return sql<boolean>`1 = 0`;
  return sql<boolean>`${sql.ref(column)} in (${sql.join(scope.clients)})`;
}
