import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { sweepHostSilence } from '../incidents/jobs/host-silence.js';
import { createLiveSessions, type LiveSession } from '../ingest/live-sessions.js';
import { insertChannel } from '../notify/channels/store.js';
import { pushProbes } from '../probes/assignment.js';
import { claimDueDeliveries, enqueueDeliveries } from '../repositories/outbox.js';
import { cryptoRandom } from '../security/secrets.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { testDatabaseUrl } from '../test-support/test-database.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { claimAgentSession } from './agent-sessions.js';
import { startCluster } from './cluster.js';
import { createDatabaseClock } from './database-clock.js';
import { publish } from './notify.js';
import { runTickAlone } from './tick-lock.js';

const T0 = Date.UTC(2026, 11, 5, 12);
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const until = async (probe: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** A live session that only records how it was closed. */
function fakeSession(
  agentId: string,
  epoch: number,
  hostId?: string,
): LiveSession & { closedWith: string[] } {
  const closedWith: string[] = [];
  return {
    agentId,
    epoch,
    ...(hostId !== undefined && { hostId }),
    closedWith,
    kick: (code) => void closedWith.push(code),
    rotate: async () => false,
  };
}

describe('several instances on PostgreSQL', () => {
  /** One database (a schema of its own) and two instances' sessions and cluster listeners on it. */
  async function twoInstances(checkIntervalMs = 60_000) {
    const { url, migrated } = await testDatabaseUrl();
    const db = openDatabase(url, { poolSize: 4, idleTimeoutMs: 500 });
    stops.push(() => db.destroy());
    if (!migrated) {
      const outcome = await migrateToLatest(db);
      if (!outcome.ok) throw outcome.error;
    }
    const log = pino({ level: 'silent' });
    const instance = (name: string) => {
      const sessions = createLiveSessions(Date.now, name);
      const cluster = startCluster(
        { db },
        { url, sessions, clock: createDatabaseClock(db), checkIntervalMs, log },
      );
      stops.push(() => cluster.stop());
      return { sessions, cluster };
    };
    const deps = { db, clock: () => T0, random: cryptoRandom, incidents: testIncidentRuntime() };
    return { db, deps, a: instance('a'), b: instance('b') };
  }

  it('closes the stale socket on the other instance when the agent connects to this one', async () => {
    const { db, deps, a } = await twoInstances();
    const { agentId, hostId } = await enrolTestAgent(deps);
    const onA = fakeSession(
      agentId,
      await claimAgentSession(db, { agentId, hostId, instanceId: 'a', now: T0 }),
    );
    a.sessions.register(onA);
    // Connecting on B publishes the new epoch; A hears it and closes its socket.
    await claimAgentSession(db, { agentId, hostId, instanceId: 'b', now: T0 + 1 });
    await until(() => onA.closedWith.length > 0, 'A closing its socket');
    expect(new Set(onA.closedWith)).toEqual(new Set(['SUPERSEDED']));
  });

  it('closes the socket of a revoked agent wherever it is, and the periodic check covers a lost notification', async () => {
    const { db, deps, a, b } = await twoInstances(100);
    const first = await enrolTestAgent(deps, 'srv-1', 'f0000000000000000000000000000001');
    const second = await enrolTestAgent(deps, 'srv-2', 'f0000000000000000000000000000002');
    const onB = fakeSession(first.agentId, 1);
    b.sessions.register(onB);
    await publish(db, { kind: 'revoked', agentId: first.agentId });
    await until(() => onB.closedWith.length > 0, 'B closing the revoked agent');
    // A fake session stays registered when kicked, so a later check may kick it again.
    expect(new Set(onB.closedWith)).toEqual(new Set(['CREDENTIAL_REVOKED']));

    // No notification at all (a listener that was reconnecting): the check reads the tables.
    const onA = fakeSession(second.agentId, 1);
    a.sessions.register(onA);
    await db
      .insertInto('agent_sessions')
      .values({
        agent_id: second.agentId,
        host_id: second.hostId,
        epoch: 2,
        instance_id: 'elsewhere',
        connected_at: T0,
        disconnected_at: null,
      })
      .execute();
    await until(() => onA.closedWith.length > 0, 'the periodic check closing the stale socket');
    expect(new Set(onA.closedWith)).toEqual(new Set(['SUPERSEDED']));
  });

  it('marks disconnected the hosts held by an instance that is gone, and keeps its own connected', async () => {
    const { db, deps, a } = await twoInstances(100);
    const kept = await enrolTestAgent(deps, 'srv-1', 'f0000000000000000000000000000001');
    const orphaned = await enrolTestAgent(deps, 'srv-2', 'f0000000000000000000000000000002');
    await db.updateTable('hosts').set({ connected: 1, last_seen_at: T0 }).execute();
    // srv-1's socket is on instance a (alive: its listener is connected); srv-2's was on an
    // instance killed a moment ago (no connection of it left in pg_stat_activity).
    await claimAgentSession(db, { agentId: kept.agentId, hostId: kept.hostId, instanceId: 'a', now: T0 });
    await claimAgentSession(db, { ...orphaned, instanceId: 'killed', now: T0 });
    a.sessions.register(fakeSession(kept.agentId, 1, kept.hostId));
    const connected = async (hostId: string) =>
      (await db.selectFrom('hosts').select('connected').where('id', '=', hostId).executeTakeFirstOrThrow())
        .connected;
    const deadline = Date.now() + 10_000;
    while ((await connected(orphaned.hostId)) !== 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await connected(orphaned.hostId)).toBe(0);
    expect(await connected(kept.hostId)).toBe(1);
    // Had another instance wrongly thought a gone, a puts its hosts back at its next check.
    await db.updateTable('hosts').set({ connected: 0 }).where('id', '=', kept.hostId).execute();
    while ((await connected(kept.hostId)) !== 1 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await connected(kept.hostId)).toBe(1);
  });

  it("counts the silence of a gone instance's hosts from when it was found gone, not from their last flushed frame", async () => {
    const { db, deps } = await twoInstances(100);
    const orphaned = await enrolTestAgent(deps, 'srv-2', 'f0000000000000000000000000000002');
    // Its last flush reached the database 50 s ago; then its instance was killed.
    const lastFlushed = Date.now() - 50_000;
    await db.updateTable('hosts').set({ connected: 1, last_seen_at: lastFlushed }).execute();
    await claimAgentSession(db, { ...orphaned, instanceId: 'killed', now: lastFlushed });
    const found = Date.now();
    const row = async () =>
      db
        .selectFrom('hosts')
        .select(['connected', 'silence_baseline_at'])
        .where('id', '=', orphaned.hostId)
        .executeTakeFirstOrThrow();
    const deadline = Date.now() + 10_000;
    while ((await row()).connected !== 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const baseline = Number((await row()).silence_baseline_at);
    expect(baseline).toBeGreaterThanOrEqual(found - 1000);
    // Its agent reconnects to a surviving instance within the grace: no ticket meanwhile.
    const silence = { graceMs: 30_000, connectedGraceMs: 40_000 };
    expect(await sweepHostSilence(db, deps.incidents, silence, baseline + 29_000)).toMatchObject({
      opened: 0,
    });
    expect(await sweepHostSilence(db, deps.incidents, silence, baseline + 31_000)).toMatchObject({
      opened: 1,
    });
  });

  it('hands a probe list change to the instance holding the agent', async () => {
    const { deps, a, b } = await twoInstances();
    const { agentId, hostId } = await enrolTestAgent(deps);
    let refreshed = 0;
    b.sessions.register({
      ...fakeSession(agentId, 1, hostId),
      refreshProbes: async () => {
        refreshed += 1;
        return true;
      },
    });
    // The probe was edited through instance a, which holds no socket of that host.
    expect(await pushProbes(a.sessions, [hostId])).toBe(0);
    await until(() => refreshed === 1, 'b sending the agent its probes again');
  });

  it('hands a rotation request to the instance holding the agent', async () => {
    const { deps, a, b } = await twoInstances();
    const { agentId, hostId } = await enrolTestAgent(deps);
    let rotations = 0;
    b.sessions.register({
      ...fakeSession(agentId, 1, hostId),
      rotate: async () => {
        rotations += 1;
        return true;
      },
    });
    await a.sessions.elsewhere.rotate([agentId]);
    await until(() => rotations === 1, 'b rotating the agent now');
  });

  it('runs a periodic tick on one instance at a time', async () => {
    const deps = await createTestDeps(() => T0);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let running = 0;
    const first = runTickAlone(deps.db, 'test-job', async () => {
      running += 1;
      await held;
      return 'first';
    });
    await until(() => running === 1, 'the first tick to start');
    expect(await runTickAlone(deps.db, 'test-job', async () => 'second')).toEqual({ ran: false });
    expect(await runTickAlone(deps.db, 'other-job', async () => 'other')).toEqual({
      ran: true,
      value: 'other',
    });
    release();
    expect(await first).toEqual({ ran: true, value: 'first' });
    expect(await runTickAlone(deps.db, 'test-job', async () => 'third')).toEqual({
      ran: true,
      value: 'third',
    });
    await deps.db.destroy();
  });

  it('never hands one delivery to two workers claiming at once', async () => {
    const deps = await createTestDeps(() => T0);
    await insertChannel(deps.db, {
      id: 'nch_test',
      name: 'test',
      kind: 'webhook',
      config: { url: 'https://example.invalid/hook' },
      levels: ['N1'],
      noticeKinds: ['opened'],
      enabled: true,
      createdAt: T0,
    } as Parameters<typeof insertChannel>[1]);
    await enqueueDeliveries(
      deps.db,
      Array.from({ length: 40 }, (_, i) => ({
        id: `obx_${i}`,
        deliveryKey: `inc_${i}/N1`,
        channelId: 'nch_test',
        payload: '{}',
        createdAt: T0,
      })),
    );
    const claims = await Promise.all(
      // Eight workers of five rows each: with SKIP LOCKED each takes rows the others did not.
      Array.from({ length: 8 }, (_, i) =>
        claimDueDeliveries(deps.db, { now: T0, limit: 5, leaseMs: 60_000, claimToken: `w${i}` }),
      ),
    );
    const ids = claims.flat().map((row) => row.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    await deps.db.destroy();
  });
});
