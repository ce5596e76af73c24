import type { ColumnType, Generated } from 'kysely';

export const USER_ROLES = ['admin', 'n1', 'n2', 'n3', 'readonly'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface UsersTable {
  id: string;
  name: string;
  role: UserRole;
  created_at: number;
  disabled_at: number | null;
  /** Console password (scrypt, see console/security/password.ts); NULL: API tokens only. */
  password_hash: string | null;
  /** 1: sees only the clients listed in user_clients; 0: every client (admins always). */
  client_scoped: ColumnType<number, number | undefined, number>;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  /** SHA-256 of the bearer token; the token itself is shown once. */
  token_hash: string;
  label: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  uses: Generated<number>;
}
