import type { EnrolResponse } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { authenticateHello } from '../ingest/authenticate-hello.js';
import { revokeHostAgents } from '../repositories/agents.js';
import { hashSecret } from '../security/secrets.js';
import { createTestDeps, enrolTestAgent, helloFor } from '../test-support/test-hub.js';
import { type CredentialCache, createCredentialCache } from './credential-cache.js';
import { confirmSecretSaved, rotateIfDue } from './rotation.js';

let now = 1_764_000_000_000;
let deps: HubDeps & { credentials: CredentialCache };
let credential: EnrolResponse;
const WRONG = `vgs_${'w'.repeat(43)}`;
const ROTATION = { everyMs: 0, graceMs: 3_600_000 };

beforeEach(async () => {
  now = 1_764_000_000_000;
  const base = await createTestDeps(() => now);
  deps = {
    ...base,
    credentials: createCredentialCache(base.db, () => now, { ttlMs: 30_000, maxEntries: 10 }),
  };
  credential = await enrolTestAgent(deps);
});

const hello = (secret = credential.secret) =>
  helloFor(credential, { credential: { agentId: credential.agentId, secret } });

describe('credential cache', () => {
  it('reads an agent once for many hellos, good or bad, within the TTL', async () => {
    expect((await authenticateHello(deps, hello())).ok).toBe(true);
    for (let i = 0; i < 20; i += 1) {
      expect(await authenticateHello(deps, hello(WRONG))).toMatchObject({ ok: false, close: 'AUTH_FAILED' });
      expect((await authenticateHello(deps, hello())).ok).toBe(true);
    }
    expect(deps.credentials.stats()).toEqual({ hits: 40, misses: 1 });
  });

  it('reads a wrong secret against the database again at most once a second (a rotation elsewhere)', async () => {
    await authenticateHello(deps, hello());
    now += 1_000;
    for (let i = 0; i < 10; i += 1) await authenticateHello(deps, hello(WRONG));
    expect(deps.credentials.stats().misses).toBe(2);
  });

  it('sees at once a secret another hub instance rotated to, once the entry is a second old', async () => {
    await authenticateHello(deps, hello());
    const rotatedElsewhere = `vgs_${'n'.repeat(43)}`;
    await deps.db
      .updateTable('agents')
      .set({ secret_hash: hashSecret(rotatedElsewhere) })
      .where('id', '=', credential.agentId)
      .execute();
    now += 1_000;
    expect((await authenticateHello(deps, hello(rotatedElsewhere))).ok).toBe(true);
  });

  it('refuses a revoked agent at once when the revocation forgets the entry, and after the TTL otherwise', async () => {
    await authenticateHello(deps, hello());
    await revokeHostAgents(deps.db, credential.hostId, now);
    // Revoked by another instance: the cached row is trusted until the TTL.
    expect((await authenticateHello(deps, hello())).ok).toBe(true);
    now += 30_000;
    expect(await authenticateHello(deps, hello())).toMatchObject({ ok: false, close: 'CREDENTIAL_REVOKED' });
    // Revoked here (the API forgets the entry): refused on the next hello.
    const other = await enrolTestAgent(deps, 'srv-test-02', 'f'.repeat(32));
    const otherHello = helloFor(other, { fingerprint: 'f'.repeat(32) });
    expect((await authenticateHello(deps, otherHello)).ok).toBe(true);
    await revokeHostAgents(deps.db, other.hostId, now);
    deps.credentials.forget(other.agentId);
    expect(await authenticateHello(deps, otherHello)).toMatchObject({
      ok: false,
      close: 'CREDENTIAL_REVOKED',
    });
  });

  it('follows a rotation made by this hub: the new secret works at once, the old one until confirmed', async () => {
    await authenticateHello(deps, hello());
    const message = await rotateIfDue(
      deps,
      credential.agentId,
      hashSecret(credential.secret),
      ROTATION,
      true,
    );
    if (!message) throw new Error('no rotation');
    expect(await authenticateHello(deps, hello(message.secret))).toMatchObject({
      ok: true,
      usedPreviousSecret: false,
    });
    expect(await authenticateHello(deps, hello())).toMatchObject({ ok: true, usedPreviousSecret: true });
    await confirmSecretSaved(deps.db, credential.agentId, deps.credentials);
    expect(await authenticateHello(deps, hello())).toMatchObject({ ok: false, close: 'AUTH_FAILED' });
  });

  it('keeps at most maxEntries rows, and does not cache unknown agents', async () => {
    const unknown = helloFor({ ...credential, agentId: 'agt_nobody' });
    for (let i = 0; i < 3; i += 1) await authenticateHello(deps, unknown);
    expect(deps.credentials.size).toBe(0);
    for (let i = 0; i < 12; i += 1) {
      const fingerprint = String(i).padStart(32, 'a');
      const agent = await enrolTestAgent(deps, `srv-many-${i}`, fingerprint);
      await authenticateHello(deps, helloFor(agent, { fingerprint }));
    }
    expect(deps.credentials.size).toBe(10);
  });
});
