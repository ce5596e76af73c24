import type { EnrolRequest, EnrolResponse, HostRole, OsInfo } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { insertAgent } from '../repositories/agents.js';
import { type ConsumeResult, consumeEnrolmentToken } from '../repositories/enrolment-tokens.js';
import { insertHost } from '../repositories/hosts.js';
import { generateId, generateSecret, hashSecret, TOKEN_PREFIXES } from '../security/secrets.js';

export type EnrolResult = { ok: true; response: EnrolResponse } | Extract<ConsumeResult, { ok: false }>;

/** A role when neither the agent nor the token says: Linux and server editions of Windows serve. */
function guessRole(os: OsInfo): HostRole {
  if (os.platform === 'linux' || os.platform === 'freebsd' || os.platform === 'openbsd') return 'server';
  return /server/i.test(os.distro) ? 'server' : 'workstation';
}

/**
 * Trade an enrolment token for an agent credential: one token use, one new host, one agent
 * whose secret is returned once and stored hashed, all in one transaction.
 */
export async function enrolAgent(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  request: EnrolRequest,
): Promise<EnrolResult> {
  const now = deps.clock();
  return deps.db.transaction().execute(async (trx) => {
    const consumed = await consumeEnrolmentToken(trx, hashSecret(request.token), now);
    if (!consumed.ok) return consumed;
    const token = consumed.token;
    const hostId = generateId('hst', deps.random);
    const agentId = generateId('agt', deps.random);
    const secret = generateSecret(TOKEN_PREFIXES.agentSecret, deps.random);
    await insertHost(trx, {
      id: hostId,
      hostname: request.hostname,
      fingerprint: request.fingerprint,
      client: token.client,
      site: token.site,
      role: request.role ?? token.role ?? guessRole(request.os),
      tags: '[]',
      os_platform: request.os.platform,
      os_distro: request.os.distro,
      os_release: request.os.release,
      os_kernel: request.os.kernel,
      os_arch: request.os.arch,
      agent_version: '',
      first_seen_at: now,
      last_seen_at: null,
      connected: 0,
      last_sample_at: null,
      cpu_pct: null,
      mem_pct: null,
      swap_pct: null,
      disk_max_pct: null,
      load1: null,
    });
    await insertAgent(trx, {
      id: agentId,
      host_id: hostId,
      secret_hash: hashSecret(secret),
      fingerprint: request.fingerprint,
      enrolment_token_id: token.id,
      enrolled_at: now,
      revoked_at: null,
    });
    return { ok: true, response: { agentId, secret, hostId } };
  });
}
