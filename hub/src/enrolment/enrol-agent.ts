import type { EnrolRequest, EnrolResponse, HostRole, OsInfo } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { regradeOpenIncidentsForHost } from '../incidents/regrade-host.js';
import { insertAgent, revokeHostAgents } from '../repositories/agents.js';
import {
  type ConsumeResult,
  consumeEnrolmentToken,
  type EnrolmentToken,
} from '../repositories/enrolment-tokens.js';
import { insertHost, NO_HEALTH_YET } from '../repositories/hosts.js';
import { helloPublicKey } from '../security/hello-key.js';
import { generateId, generateSecret, hashSecret, TOKEN_PREFIXES } from '../security/secrets.js';
import { chooseReattachTarget, listHostCandidates, REATTACH_AFTER_SILENT_MS } from './reattach.js';

export type EnrolResult =
  | {
      ok: true;
      response: EnrolResponse;
      /** The machine was known (re-installed): it got its host back, with its history. */
      reattached: boolean;
      /** Credentials of that host revoked by this enrolment (the re-installed machine's old ones). */
      revokedAgents: string[];
    }
  | Extract<ConsumeResult, { ok: false }>;

/** A role when neither the agent nor the token says: Linux and server editions of Windows serve. */
function guessRole(os: OsInfo): HostRole {
  if (os.platform === 'linux' || os.platform === 'freebsd' || os.platform === 'openbsd') return 'server';
  return /server/i.test(os.distro) ? 'server' : 'workstation';
}

/**
 * Trade an enrolment token for an agent credential: one token use, one host, one agent whose
 * secret is returned once and stored hashed, all in one transaction. The host is new, unless the
 * machine is a re-installed one of the same client (same fingerprint, its old host retired or
 * silent: see reattach.ts and decision 0016), which gets its host, and so its history, back.
 */
export async function enrolAgent(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random' | 'incidents'> & Partial<Pick<HubDeps, 'credentials'>>,
  request: EnrolRequest,
  options: { reattachAfterSilentMs?: number } = {},
): Promise<EnrolResult> {
  const now = deps.clock();
  const result = await deps.db.transaction().execute(async (trx): Promise<EnrolResult> => {
    const consumed = await consumeEnrolmentToken(trx, hashSecret(request.token), now);
    if (!consumed.ok) return consumed;
    const token = consumed.token;
    const agentId = generateId('agt', deps.random);
    const secret = generateSecret(TOKEN_PREFIXES.agentSecret, deps.random);
    const candidates = await listHostCandidates(trx, {
      fingerprint: request.fingerprint,
      client: token.client,
    });
    const known = chooseReattachTarget(
      candidates,
      now,
      options.reattachAfterSilentMs ?? REATTACH_AFTER_SILENT_MS,
    );
    let hostId: string;
    let revokedAgents: string[] = [];
    if (known) {
      hostId = known.id;
      // The old installation's credential must not come back beside the new one.
      revokedAgents = await revokeHostAgents(trx, hostId, now);
      // Role and tags stay the admin's; the site follows the token (the machine may have moved).
      await trx
        .updateTable('hosts')
        .set({ site: token.site, ...(request.role && { role: request.role }) })
        .where('id', '=', hostId)
        .execute();
      // A role the machine now declares grades the tickets it left open (its host.silent first).
      if (request.role)
        await regradeOpenIncidentsForHost(
          { db: trx, clock: () => now, incidents: deps.incidents },
          hostId,
          'machine re-enrolled',
        );
    } else {
      hostId = generateId('hst', deps.random);
      await insertNewHost(trx, hostId, token, request, now);
    }
    await insertAgent(trx, {
      id: agentId,
      host_id: hostId,
      secret_hash: hashSecret(secret),
      hello_key: helloPublicKey(secret),
      fingerprint: request.fingerprint,
      enrolment_token_id: token.id,
      enrolled_at: now,
      revoked_at: null,
    });
    return {
      ok: true,
      response: { agentId, secret, hostId },
      reattached: known !== undefined,
      revokedAgents,
    };
  });
  // After the commit: a hello must not be let in by a cached row of a credential revoked here.
  if (result.ok) for (const id of result.revokedAgents) deps.credentials?.forget(id);
  return result;
}

async function insertNewHost(
  trx: Kysely<Database>,
  hostId: string,
  token: EnrolmentToken,
  request: EnrolRequest,
  now: number,
): Promise<void> {
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
    ...NO_HEALTH_YET,
  });
}
