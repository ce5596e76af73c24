import type { CredentialMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { type AgentRow, findAgent } from '../repositories/agents.js';
import { helloPublicKey } from '../security/hello-key.js';
import { generateSecret, hashSecret, type RandomBytes, TOKEN_PREFIXES } from '../security/secrets.js';
import type { CredentialCache } from './credential-cache.js';

/** When secrets rotate: every `everyMs` (0: only on request), the old one valid `graceMs` more. */
export interface RotationSettings {
  readonly everyMs: number;
  readonly graceMs: number;
}

const DAY_MS = 86_400_000;
export const ROTATION_DEFAULTS: RotationSettings = { everyMs: 90 * DAY_MS, graceMs: DAY_MS };

/** True when an admin asked for a rotation or the secret is older than the rotation period. */
export function rotationDue(agent: AgentRow, settings: RotationSettings, now: number): boolean {
  if (agent.rotation_requested_at !== null) return true;
  if (settings.everyMs <= 0) return false;
  return now - Number(agent.secret_rotated_at ?? agent.enrolled_at) >= settings.everyMs;
}

/**
 * Give the agent a new secret. `heldHash` is the hash of the secret the agent authenticated with
 * (the one it is sure to have on disk): it stays valid for the grace window, so an agent that
 * crashes before saving the new secret can still come back and be given another one.
 * Returns the message to send on the agent's authenticated socket (the only copy of the secret).
 */
export async function rotateSecret(
  db: Kysely<Database>,
  random: RandomBytes,
  agentId: string,
  heldHash: string,
  previousValidUntil: number,
  now: number,
  heldHelloKey: string | null = null,
): Promise<CredentialMessage | undefined> {
  const secret = generateSecret(TOKEN_PREFIXES.agentSecret, random);
  const updated = await db
    .updateTable('agents')
    .set({
      secret_hash: hashSecret(secret),
      previous_secret_hash: heldHash,
      // The hub holds the raw secret only now: its hello key is derived here (0025).
      hello_key: helloPublicKey(secret),
      previous_hello_key: heldHelloKey,
      previous_secret_expires_at: previousValidUntil,
      secret_rotated_at: now,
      rotation_requested_at: null,
    })
    .where('id', '=', agentId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return undefined;
  return { type: 'credential', agentId, secret, previousValidUntil };
}

/**
 * Rotate the secret of an authenticated agent if it is due, or `force`d (it came back with its
 * previous secret, so the last new one never reached its disk). A re-rotation keeps the first
 * grace deadline: reconnecting with an old secret must not keep it alive forever.
 */
export async function rotateIfDue(
  deps: { db: Kysely<Database>; random: RandomBytes; clock: () => number; credentials?: CredentialCache },
  agentId: string,
  heldHash: string,
  settings: RotationSettings,
  force: boolean,
): Promise<CredentialMessage | undefined> {
  // Through the cache: on a hello the row was just read, and every change here forgets it.
  const agent = deps.credentials ? await deps.credentials.get(agentId) : await findAgent(deps.db, agentId);
  const now = deps.clock();
  if (!agent || (!force && !rotationDue(agent, settings, now))) return undefined;
  const stillPrevious = agent.previous_secret_hash === heldHash && agent.previous_secret_expires_at !== null;
  const previousValidUntil = stillPrevious
    ? Number(agent.previous_secret_expires_at)
    : now + settings.graceMs;
  // The held secret's hello key stays valid with it, so a proving agent can come back with it too.
  const heldHelloKey = heldHash === agent.secret_hash ? agent.hello_key : agent.previous_hello_key;
  try {
    return await rotateSecret(
      deps.db,
      deps.random,
      agent.id,
      heldHash,
      previousValidUntil,
      now,
      heldHelloKey,
    );
  } finally {
    deps.credentials?.forget(agent.id);
  }
}

/** The agent saved its new secret: the previous one is refused from now on. */
export async function confirmSecretSaved(
  db: Kysely<Database>,
  agentId: string,
  credentials?: CredentialCache,
): Promise<boolean> {
  const updated = await db
    .updateTable('agents')
    .set({ previous_secret_hash: null, previous_secret_expires_at: null, previous_hello_key: null })
    .where('id', '=', agentId)
    .where('previous_secret_hash', 'is not', null)
    .executeTakeFirst();
  credentials?.forget(agentId);
  return Number(updated.numUpdatedRows) > 0;
}

/** Mark every live credential of a host for rotation; returns the agent ids marked. */
export async function requestRotation(
  db: Kysely<Database>,
  hostId: string,
  now: number,
  credentials?: CredentialCache,
): Promise<string[]> {
  const rows = await db
    .updateTable('agents')
    .set({ rotation_requested_at: now })
    .where('host_id', '=', hostId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  for (const row of rows) credentials?.forget(row.id);
  return rows.map((row) => row.id);
}
