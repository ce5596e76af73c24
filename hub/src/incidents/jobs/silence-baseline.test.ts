import { beforeEach, describe, expect, it } from 'vitest';
import { releaseAgentSession } from '../../cluster/agent-sessions.js';
import { baselineOnListen } from '../../cluster/silence-baseline.js';
import type { HubDeps } from '../../config/deps.js';
import { engineOf } from '../../db/dialect.js';
import { recordLastHeard, setSilenceBaseline } from '../../repositories/host-silence.js';
import { createTestDeps, enrolTestAgent } from '../../test-support/test-hub.js';
import { addHost } from '../testing.js';
import { sweepHostSilence } from './host-silence.js';

const SEC = 1000;
const T0 = Date.UTC(2026, 11, 7, 3, 0);
// Stock timings: grace 3 heartbeats of 10 s; a connected host's values may lag two 5 s flushes.
const silence = { graceMs: 30 * SEC, connectedGraceMs: 40 * SEC };

let deps: HubDeps;
beforeEach(async () => {
  deps = await createTestDeps(() => T0);
});

const openSilences = async () =>
  (
    await deps.db
      .selectFrom('incidents')
      .select(['host_id', 'opened_at'])
      .where('check', '=', 'host.silent')
      .where('open_key', 'is not', null)
      .execute()
  ).map((row) => ({ hostId: row.host_id, openedAt: Number(row.opened_at) }));
const sweep = (at: number) => sweepHostSilence(deps.db, deps.incidents, silence, at);
const lastSeen = async (hostId: string) =>
  Number(
    (
      await deps.db
        .selectFrom('hosts')
        .select('last_seen_at')
        .where('id', '=', hostId)
        .executeTakeFirstOrThrow()
    ).last_seen_at,
  );

describe('silence after a hub restart', () => {
  it('counts from when the hub listened again, not from what it heard before going down', async () => {
    // Heard 1 s before the hub went down for 52 s; the hub listens again at T0.
    const hostId = await addHost(deps.db, {
      role: 'server',
      tags: ['production'],
      lastSeenAt: T0 - 53 * SEC,
    });
    await setSilenceBaseline(deps.db, T0);
    expect(await sweep(T0 + 3 * SEC)).toMatchObject({ opened: 0 });
    expect(await sweep(T0 + 29 * SEC)).toMatchObject({ opened: 0 });
    expect(await openSilences()).toEqual([]);
    // Not back within the grace: that is an outage.
    expect(await sweep(T0 + 31 * SEC)).toMatchObject({ opened: 1 });
    expect(await openSilences()).toEqual([{ hostId, openedAt: T0 + 31 * SEC }]);
  });

  it('opens nothing for a host that comes back within the grace of the restart', async () => {
    const hostId = await addHost(deps.db, { lastSeenAt: T0 - 120 * SEC });
    await setSilenceBaseline(deps.db, T0);
    await recordLastHeard(deps.db, [{ hostId, at: T0 + 20 * SEC }]);
    for (let at = T0; at <= T0 + 49 * SEC; at += 5 * SEC)
      expect(await sweep(at)).toMatchObject({ opened: 0 });
  });

  it('keeps open a silence that was open before the restart: only being heard again ends it', async () => {
    const hostId = await addHost(deps.db, { lastSeenAt: T0 - 10 * 60 * SEC });
    expect(await sweep(T0 - 60 * SEC)).toMatchObject({ opened: 1 });
    await setSilenceBaseline(deps.db, T0);
    expect(await sweep(T0 + 5 * SEC)).toMatchObject({ recovered: 0 });
    expect(await openSilences()).toHaveLength(1);
    await recordLastHeard(deps.db, [{ hostId, at: T0 + 6 * SEC }]);
    expect(await sweep(T0 + 10 * SEC)).toMatchObject({ recovered: 1 });
  });

  it('gives every host the baseline when the hub starts listening (one hub, or no other instance alive)', async () => {
    const hostId = await addHost(deps.db, { lastSeenAt: T0 - 53 * SEC });
    await baselineOnListen(deps.db, T0);
    const row = await deps.db
      .selectFrom('hosts')
      .select('silence_baseline_at')
      .where('id', '=', hostId)
      .executeTakeFirstOrThrow();
    // PostgreSQL: other test files' hub instances may be alive on this server; then the baseline
    // only goes to the hosts of gone instances (covered in cluster.pg.test.ts).
    if (engineOf(deps.db) !== 'sqlite') return;
    expect(Number(row.silence_baseline_at)).toBe(T0);
    expect(await sweep(T0 + 3 * SEC)).toMatchObject({ opened: 0 });
  });
});

describe('silence counted from the last frame', () => {
  it('a socket closed 20 s after the last frame (a frozen agent) is silent 30 s after that frame', async () => {
    const { agentId, hostId } = await enrolTestAgent(deps);
    await deps.db
      .updateTable('hosts')
      .set({ connected: 1, last_seen_at: T0 })
      .where('id', '=', hostId)
      .execute();
    await deps.db
      .insertInto('agent_sessions')
      .values({
        agent_id: agentId,
        host_id: hostId,
        epoch: 1,
        instance_id: 'here',
        connected_at: T0,
        disconnected_at: null,
      })
      .execute();
    // The hub terminated it when a ping went unanswered, 20 s after its last pong at T0 + 2 s.
    await releaseAgentSession(deps.db, {
      agentId,
      hostId,
      epoch: 1,
      now: T0 + 22 * SEC,
      lastHeardAt: T0 + 2 * SEC,
    });
    expect(await lastSeen(hostId)).toBe(T0 + 2 * SEC);
    expect(await sweep(T0 + 31 * SEC)).toMatchObject({ opened: 0 });
    expect(await sweep(T0 + 33 * SEC)).toMatchObject({ opened: 1 });
  });

  it('records last heard times in batches and never moves one back', async () => {
    const a = await addHost(deps.db, { lastSeenAt: T0, connected: true });
    const b = await addHost(deps.db, { lastSeenAt: T0 + 9 * SEC, connected: true });
    await recordLastHeard(deps.db, [
      { hostId: a, at: T0 + 5 * SEC },
      { hostId: b, at: T0 + 4 * SEC },
    ]);
    expect([await lastSeen(a), await lastSeen(b)]).toEqual([T0 + 5 * SEC, T0 + 9 * SEC]);
  });

  it('judges a host still marked connected on the grace plus the flush lag', async () => {
    await addHost(deps.db, { lastSeenAt: T0, connected: true });
    expect(await sweep(T0 + 39 * SEC)).toMatchObject({ opened: 0 });
    expect(await sweep(T0 + 41 * SEC)).toMatchObject({ opened: 1 });
  });
});
