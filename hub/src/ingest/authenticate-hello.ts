import { type CloseCodeName, type Hello, SUPPORTED_PROTOCOL_VERSIONS } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { type AgentRow, committedSeq, findAgent } from '../repositories/agents.js';
import { recordHello } from '../repositories/hosts.js';
import { secretMatches } from '../security/secrets.js';

export type HelloOutcome =
  | { ok: true; agent: AgentRow; ackedSeq: number }
  | { ok: false; close: CloseCodeName; detail: string };

/**
 * Decide who is on the other end of a socket. Identity comes from the credential checked here
 * and nothing else; later messages cannot claim another host.
 */
export async function authenticateHello(
  deps: Pick<HubDeps, 'db' | 'clock'>,
  hello: Hello,
): Promise<HelloOutcome> {
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(hello.protocolVersion)) {
    return { ok: false, close: 'UNSUPPORTED_VERSION', detail: `protocol ${hello.protocolVersion}` };
  }
  const agent = await findAgent(deps.db, hello.credential.agentId);
  // Same answer for an unknown agent and a wrong secret, so the close code leaks nothing.
  if (!agent || !secretMatches(hello.credential.secret, agent.secret_hash)) {
    return { ok: false, close: 'AUTH_FAILED', detail: `agent ${hello.credential.agentId}` };
  }
  if (agent.revoked_at !== null)
    return { ok: false, close: 'CREDENTIAL_REVOKED', detail: `agent ${agent.id}` };
  if (agent.fingerprint !== hello.fingerprint) {
    return { ok: false, close: 'FINGERPRINT_MISMATCH', detail: `agent ${agent.id}` };
  }
  await recordHello(deps.db, agent.host_id, {
    hostname: hello.hostname,
    os: hello.os,
    agentVersion: hello.agentVersion,
    now: deps.clock(),
  });
  return { ok: true, agent, ackedSeq: await committedSeq(deps.db, agent.id, hello.bootId) };
}
