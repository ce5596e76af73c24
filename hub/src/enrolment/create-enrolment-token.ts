import type { HostRole } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { insertEnrolmentToken } from '../repositories/enrolment-tokens.js';
import { generateId, generateSecret, hashSecret, TOKEN_PREFIXES } from '../security/secrets.js';
import { ensureClientSite } from '../tenancy/clients.js';

export interface NewEnrolmentToken {
  client: string;
  site: string;
  role?: HostRole | undefined;
  maxUses: number;
  ttlMs: number;
  note?: string | undefined;
  createdBy?: string | undefined;
}

/**
 * Create an enrolment token for one client/site; the clear token is returned once, never stored.
 * The client and site entities are created if the names are new, and the token refers to both.
 */
export async function createEnrolmentToken(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  input: NewEnrolmentToken,
): Promise<{ id: string; token: string; expiresAt: number; clientId: string; siteId: string }> {
  const now = deps.clock();
  const token = generateSecret(TOKEN_PREFIXES.enrolment, deps.random);
  const id = generateId('enr', deps.random);
  const expiresAt = now + input.ttlMs;
  const { client, site } = await ensureClientSite(
    deps.db,
    { client: input.client, site: input.site },
    { now, random: deps.random, by: input.createdBy ?? null },
  );
  await insertEnrolmentToken(deps.db, {
    id,
    tokenHash: hashSecret(token),
    client: input.client,
    site: input.site,
    clientId: client.id,
    siteId: site.id,
    role: input.role ?? null,
    maxUses: input.maxUses,
    expiresAt,
    createdAt: now,
    createdBy: input.createdBy ?? null,
    note: input.note ?? '',
  });
  return { id, token, expiresAt, clientId: client.id, siteId: site.id };
}
