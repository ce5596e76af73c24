import type { HostRole } from '@vigie/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { EnrolmentTokensTable } from '../db/tables/enrolment-tokens.js';

export type EnrolmentToken = Selectable<EnrolmentTokensTable>;
export type EnrolmentTokenView = Omit<EnrolmentToken, 'token_hash'>;

export async function insertEnrolmentToken(
  db: Kysely<Database>,
  token: {
    id: string;
    tokenHash: string;
    client: string;
    site: string;
    clientId: string | null;
    siteId: string | null;
    role: HostRole | null;
    maxUses: number;
    expiresAt: number;
    createdAt: number;
    createdBy: string | null;
    note: string;
  },
): Promise<void> {
  await db
    .insertInto('enrolment_tokens')
    .values({
      id: token.id,
      token_hash: token.tokenHash,
      client: token.client,
      site: token.site,
      client_id: token.clientId,
      site_id: token.siteId,
      role: token.role,
      max_uses: token.maxUses,
      uses: 0,
      expires_at: token.expiresAt,
      revoked_at: null,
      created_at: token.createdAt,
      created_by: token.createdBy,
      note: token.note,
    })
    .execute();
}

export async function listEnrolmentTokens(db: Kysely<Database>): Promise<EnrolmentTokenView[]> {
  return db
    .selectFrom('enrolment_tokens')
    .select([
      'id',
      'client',
      'site',
      'client_id',
      'site_id',
      'role',
      'max_uses',
      'uses',
      'expires_at',
      'revoked_at',
      'created_at',
      'created_by',
      'note',
    ])
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revoke a token; false when there is no such token. Revoking twice keeps the first date. */
export async function revokeEnrolmentToken(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const token = await db
    .selectFrom('enrolment_tokens')
    .select(['id', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!token) return false;
  if (token.revoked_at === null) {
    await db.updateTable('enrolment_tokens').set({ revoked_at: now }).where('id', '=', id).execute();
  }
  return true;
}

export type ConsumeResult =
  | { ok: true; token: EnrolmentToken }
  | {
      ok: false;
      /** The real reason, for the security audit only: the peer is told ENROLMENT_REFUSED. */
      code: 'TOKEN_UNKNOWN' | 'TOKEN_EXPIRED' | 'TOKEN_USED_UP' | 'TOKEN_REVOKED';
      /** The token's id when the token exists. */
      tokenId?: string;
    };

/**
 * Use one enrolment of a token. The single conditional UPDATE is what makes the use count hold
 * when many machines enrol at once; the follow-up read only explains a refusal.
 */
export async function consumeEnrolmentToken(
  db: Kysely<Database>,
  tokenHash: string,
  now: number,
): Promise<ConsumeResult> {
  const used = await db
    .updateTable('enrolment_tokens')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) => eb('uses', '<', eb.ref('max_uses')))
    .returningAll()
    .executeTakeFirst();
  if (used) return { ok: true, token: used };
  const token = await db
    .selectFrom('enrolment_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!token) return { ok: false, code: 'TOKEN_UNKNOWN' };
  const tokenId = token.id;
  if (token.revoked_at !== null) return { ok: false, code: 'TOKEN_REVOKED', tokenId };
  if (token.expires_at <= now) return { ok: false, code: 'TOKEN_EXPIRED', tokenId };
  return { ok: false, code: 'TOKEN_USED_UP', tokenId };
}
