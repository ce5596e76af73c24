import { type CloseCodeName, type Hello, SUPPORTED_PROTOCOL_VERSIONS } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { reportDuplicateIdentity } from '../identity/duplicate-identity.js';
import { type AgentRow, committedSeq, findAgent } from '../repositories/agents.js';
import { recordHello } from '../repositories/hosts.js';
import { secretMatches } from '../security/secrets.js';

export type HelloOutcome =
  | { ok: true; agent: AgentRow; ackedSeq: number; usedPreviousSecret: boolean }
  | { ok: false; close: CloseCodeName; detail: string };

/** Which of the agent's secrets the hello carries: current, the previous one in its grace window, or neither. */
function matchSecret(agent: AgentRow, presented: string, now: number): 'current' | 'previous' | 'none' {
  // Both comparisons always run, so timing does not tell which secret was close.
  const current = secretMatches(presented, agent.secret_hash);
  const previous =
    agent.previous_secret_hash !== null &&
    secretMatches(presented, agent.previous_secret_hash) &&
    Number(agent.previous_secret_expires_at ?? 0) > now;
  if (current) return 'current';
  return previous ? 'previous' : 'none';
}

/** Minimum age of a cached row before a secret that does not match it makes us read the row again. */
const RECHECK_AFTER_MS = 1_000;

/**
 * The agent's row and which secret matched, from the credential cache when the hub has one. A
 * cached row the secret does not match is read again (at most once a second per agent): another
 * hub instance may have rotated the secret, while a flood of wrong secrets stays off the disk.
 */
async function findCredential(
  deps: Pick<HubDeps, 'db' | 'credentials'>,
  credential: Hello['credential'],
  now: number,
): Promise<{ agent: AgentRow | undefined; matched: 'current' | 'previous' | 'none' }> {
  const cache = deps.credentials;
  let agent = cache ? await cache.get(credential.agentId) : await findAgent(deps.db, credential.agentId);
  let matched = agent ? matchSecret(agent, credential.secret, now) : 'none';
  if (cache && agent && matched === 'none' && (cache.ageOf(agent.id) ?? 0) >= RECHECK_AFTER_MS) {
    agent = await cache.get(credential.agentId, { refresh: true });
    matched = agent ? matchSecret(agent, credential.secret, now) : 'none';
  }
  return { agent, matched };
}

/**
 * Decide who is on the other end of a socket. Identity comes from the credential checked here
 * and nothing else; later messages cannot claim another host. A valid credential with another
 * machine's fingerprint is refused and reported as a duplicate identity (a security incident).
 */
export async function authenticateHello(
  deps: Pick<HubDeps, 'db' | 'clock' | 'incidents' | 'log' | 'credentials'>,
  hello: Hello,
  remoteAddress = 'unknown',
): Promise<HelloOutcome> {
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(hello.protocolVersion)) {
    return { ok: false, close: 'UNSUPPORTED_VERSION', detail: `protocol ${hello.protocolVersion}` };
  }
  const { agent, matched } = await findCredential(deps, hello.credential, deps.clock());
  // Same answer for an unknown agent and a wrong secret, so the close code leaks nothing.
  if (!agent || matched === 'none') {
    return { ok: false, close: 'AUTH_FAILED', detail: `agent ${hello.credential.agentId}` };
  }
  if (agent.revoked_at !== null)
    return { ok: false, close: 'CREDENTIAL_REVOKED', detail: `agent ${agent.id}` };
  if (agent.fingerprint !== hello.fingerprint) {
    try {
      await reportDuplicateIdentity(deps, { agentId: agent.id, hostId: agent.host_id, remoteAddress });
    } catch (error) {
      // The refusal matters more than the ticket: a failed report must not let the impostor in.
      deps.log.error({ err: error, agentId: agent.id }, 'could not report a duplicate identity');
    }
    return { ok: false, close: 'FINGERPRINT_MISMATCH', detail: `agent ${agent.id}` };
  }
  await recordHello(deps.db, agent.host_id, {
    hostname: hello.hostname,
    os: hello.os,
    agentVersion: hello.agentVersion,
    now: deps.clock(),
  });
  return {
    ok: true,
    agent,
    ackedSeq: await committedSeq(deps.db, agent.id, hello.bootId),
    usedPreviousSecret: matched === 'previous',
  };
}
