import { type CloseCodeName, type Hello, SUPPORTED_PROTOCOL_VERSIONS } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { reportDuplicateIdentity } from '../identity/duplicate-identity.js';
import { type AgentRow, committedSeq, findAgent, recordLegacyHello } from '../repositories/agents.js';
import { recordHello } from '../repositories/hosts.js';
import { helloProofValid, helloPublicKey } from '../security/hello-key.js';
import { secretMatches } from '../security/secrets.js';

export type HelloOutcome =
  | {
      ok: true;
      agent: AgentRow;
      ackedSeq: number;
      usedPreviousSecret: boolean;
      /** Hash of the secret the agent proved it holds (rotation keeps it valid for the grace window). */
      heldSecretHash: string;
      /** Accepted with the bare secret, not a proof over this socket's nonce (0025). */
      legacy: boolean;
    }
  | { ok: false; close: CloseCodeName; detail: string };

/** How this socket's hello may authenticate (0025). */
export interface HelloBinding {
  /** The nonce the hub offered on this socket, if it did. */
  readonly nonce?: string;
  /** Hellos without a proof are accepted until this instant (Infinity: allowed, 0: refused). */
  readonly legacyHelloUntil?: number;
}

type Matched = 'current' | 'previous' | 'none';

/** Which of the agent's secrets the hello carries: current, the previous one in its grace window, or neither. */
function matchSecret(agent: AgentRow, presented: string, now: number): Matched {
  // Both comparisons always run, so timing does not tell which secret was close.
  const current = secretMatches(presented, agent.secret_hash);
  const previous =
    agent.previous_secret_hash !== null &&
    secretMatches(presented, agent.previous_secret_hash) &&
    Number(agent.previous_secret_expires_at ?? 0) > now;
  if (current) return 'current';
  return previous ? 'previous' : 'none';
}

/** Which of the agent's hello keys signed this socket's nonce (same grace rule as the secrets). */
function matchProof(agent: AgentRow, hello: Hello, signature: string, nonce: string, now: number): Matched {
  const input = {
    nonce,
    agentId: hello.credential.agentId,
    bootId: hello.bootId,
    fingerprint: hello.fingerprint,
    protocolVersion: hello.protocolVersion,
  };
  const current = agent.hello_key !== null && helloProofValid(agent.hello_key, signature, input);
  const previous =
    agent.previous_hello_key !== null &&
    agent.previous_secret_hash !== null &&
    Number(agent.previous_secret_expires_at ?? 0) > now &&
    helloProofValid(agent.previous_hello_key, signature, input);
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
  agentId: string,
  match: (agent: AgentRow) => Matched,
): Promise<{ agent: AgentRow | undefined; matched: Matched }> {
  const cache = deps.credentials;
  let agent = cache ? await cache.get(agentId) : await findAgent(deps.db, agentId);
  let matched = agent ? match(agent) : 'none';
  if (cache && agent && matched === 'none' && (cache.ageOf(agent.id) ?? 0) >= RECHECK_AFTER_MS) {
    agent = await cache.get(agentId, { refresh: true });
    matched = agent ? match(agent) : 'none';
  }
  return { agent, matched };
}

type Deps = Pick<HubDeps, 'db' | 'clock' | 'incidents' | 'log' | 'credentials'>;

/** Check the proof or, inside the deprecation window, the bare secret; refusals say why. */
async function checkCredential(
  deps: Deps,
  hello: Hello,
  binding: HelloBinding,
): Promise<
  { ok: true; agent: AgentRow; matched: Matched } | { ok: false; close: CloseCodeName; detail: string }
> {
  const now = deps.clock();
  const { agentId, secret } = hello.credential;
  const refused = { ok: false, close: 'AUTH_FAILED', detail: `agent ${agentId}` } as const;
  if (hello.proof) {
    const { signature } = hello.proof;
    const nonce = binding.nonce;
    // A proof is only ever over the nonce of this socket; without one there is nothing it can prove.
    if (nonce === undefined) return refused;
    const { agent, matched } = await findCredential(deps, agentId, (row) =>
      matchProof(row, hello, signature, nonce, now),
    );
    if (!agent) return refused;
    // Enrolled before 0025 and never seen since: the hub learns its key from one legacy hello.
    if (matched === 'none' && agent.hello_key === null)
      return { ok: false, close: 'HELLO_KEY_MISSING', detail: `agent ${agentId}` };
    return matched === 'none' ? refused : { ok: true, agent, matched };
  }
  if (now >= (binding.legacyHelloUntil ?? Number.POSITIVE_INFINITY))
    return { ok: false, close: 'LEGACY_HELLO_REFUSED', detail: `agent ${agentId}` };
  const presented = secret ?? '';
  const { agent, matched } = await findCredential(deps, agentId, (row) => matchSecret(row, presented, now));
  // Same answer for an unknown agent and a wrong secret, so the close code leaks nothing.
  return !agent || matched === 'none' ? refused : { ok: true, agent, matched };
}

/** A legacy hello got in: counted and logged, and the hello key it lets the hub derive is kept. */
async function noteLegacyHello(deps: Deps, agent: AgentRow, secret: string, matched: Matched): Promise<void> {
  const derived = {
    ...(matched === 'current' && agent.hello_key === null && { helloKey: helloPublicKey(secret) }),
    ...(matched === 'previous' &&
      agent.previous_hello_key === null && { previousHelloKey: helloPublicKey(secret) }),
  };
  await recordLegacyHello(deps.db, agent.id, derived, deps.clock());
  // Only a new key changes what authentication reads; the counter alone keeps the cached row.
  if (Object.keys(derived).length > 0) deps.credentials?.forget(agent.id);
  deps.log.warn(
    { agentId: agent.id, hostId: agent.host_id, code: 'LEGACY_HELLO' },
    'agent authenticated with a legacy hello (bare secret, no nonce proof)',
  );
}

/**
 * Decide who is on the other end of a socket. Identity comes from the credential checked here
 * and nothing else; later messages cannot claim another host. A valid credential with another
 * machine's fingerprint is refused and reported as a duplicate identity (a security incident).
 */
export async function authenticateHello(
  deps: Deps,
  hello: Hello,
  remoteAddress = 'unknown',
  binding: HelloBinding = {},
): Promise<HelloOutcome> {
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(hello.protocolVersion)) {
    return { ok: false, close: 'UNSUPPORTED_VERSION', detail: `protocol ${hello.protocolVersion}` };
  }
  const checked = await checkCredential(deps, hello, binding);
  if (!checked.ok) return checked;
  const { agent, matched } = checked;
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
  const legacy = hello.proof === undefined;
  if (legacy) await noteLegacyHello(deps, agent, hello.credential.secret ?? '', matched);
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
    heldSecretHash: matched === 'previous' ? (agent.previous_secret_hash ?? '') : agent.secret_hash,
    legacy,
  };
}
