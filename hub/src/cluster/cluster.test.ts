import { describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { cryptoRandom } from '../security/secrets.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { claimAgentSession, findStaleSessions, releaseAgentSession } from './agent-sessions.js';

const T0 = Date.UTC(2026, 11, 5, 12);

describe('agent sessions and their epoch', () => {
  it('bumps the epoch on each connect; only the current epoch marks the host disconnected', async () => {
    const deps = await createTestDeps(() => T0);
    const { agentId, hostId } = await enrolTestAgent(deps);
    await deps.db.updateTable('hosts').set({ connected: 1 }).execute();
    const onA = await claimAgentSession(deps.db, { agentId, hostId, instanceId: 'a', now: T0 });
    const onB = await claimAgentSession(deps.db, { agentId, hostId, instanceId: 'b', now: T0 + 1 });
    expect([onA, onB]).toEqual([1, 2]);

    // A's stale socket closes after B took the agent: the host is not down.
    expect(await releaseAgentSession(deps.db, { agentId, hostId, epoch: onA, now: T0 + 2 })).toBe(false);
    expect(await deps.db.selectFrom('hosts').select('connected').executeTakeFirst()).toEqual({
      connected: 1,
    });
    expect(await findStaleSessions(deps.db, new Map([[agentId, onA]]))).toEqual([
      { agentId, reason: 'SUPERSEDED' },
    ]);
    expect(await findStaleSessions(deps.db, new Map([[agentId, onB]]))).toEqual([]);

    expect(await releaseAgentSession(deps.db, { agentId, hostId, epoch: onB, now: T0 + 3 })).toBe(true);
    expect(
      await deps.db.selectFrom('hosts').select(['connected', 'last_seen_at']).executeTakeFirst(),
    ).toEqual({
      connected: 0,
      last_seen_at: T0 + 3,
    });
    await deps.db
      .updateTable('agents')
      .set({ revoked_at: T0 + 4 })
      .execute();
    expect(await findStaleSessions(deps.db, new Map([[agentId, onB]]))).toEqual([
      { agentId, reason: 'CREDENTIAL_REVOKED' },
    ]);
    await deps.db.destroy();
  });
});

describe('two instances starting at once on an empty database', () => {
  it('create the first admin once: the other finds it', async () => {
    const deps = { ...(await createTestDeps(() => T0)), random: cryptoRandom };
    const outcomes = await Promise.all([
      createUserWithToken(deps, { name: 'admin', role: 'admin' }),
      createUserWithToken(deps, { name: 'admin', role: 'admin' }),
    ]);
    expect(outcomes.map((o) => o.ok).sort()).toEqual([false, true]);
    expect(await deps.db.selectFrom('users').select('name').execute()).toEqual([{ name: 'admin' }]);
    await deps.db.destroy();
  });
});
