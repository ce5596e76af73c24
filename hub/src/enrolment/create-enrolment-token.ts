import type { HostRole } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { insertEnrolmentToken } from '../repositories/enrolment-tokens.js';
import { generateId, generateSecret, hashSecret, TOKEN_PREFIXES } from '../security/secrets.js';

export interface NewEnrolmentToken {
  client: string;
  site: string;
  role?: HostRole | undefined;
  maxUses: number;
  ttlMs: number;
  note?: string | undefined;
  createdBy?: string | undefined;
}

/** Create an enrolment token for one client/site; the clear token is returned once, never stored. */
export async function createEnrolmentToken(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  input: NewEnrolmentToken,
): Promise<{ id: string; token: string; expiresAt: number }> {
  const now = deps.clock();
  const token = generateSecret(TOKEN_PREFIXES.enrolment, deps.random);
  const id = generateId('enr', deps.random);
  const expiresAt = now + input.ttlMs;
  await insertEnrolmentToken(deps.db, {
    id,
    tokenHash: hashSecret(token),
    client: input.client,
    site: input.site,
    role: input.role ?? null,
    maxUses: input.maxUses,
    expiresAt,
    createdAt: now,
    createdBy: input.createdBy ?? null,
    note: input.note ?? '',
  });
  return { id, token, expiresAt };
}
