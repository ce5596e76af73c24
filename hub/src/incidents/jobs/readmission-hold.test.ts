import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../../config/deps.js';
import { recordLastHeard, setSilenceBaseline } from '../../repositories/host-silence.js';
import { createTestDeps } from '../../test-support/test-hub.js';
import { addHost } from '../testing.js';
import { sweepHostSilence } from './host-silence.js';
import { createReadmissionHold, READMISSION_HOLD_MAX_MS } from './readmission-hold.js';

const SEC = 1000;
const T0 = Date.UTC(2026, 11, 7, 3, 0);
const silence = { graceMs: 30 * SEC, connectedGraceMs: 40 * SEC };

let deps: HubDeps;
let behindAt: number | undefined;
beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  behindAt = undefined;
});

const openSilenceHosts = async () =>
  (
    await deps.db
      .selectFrom('incidents')
      .select(['host_id'])
      .where('check', '=', 'host.silent')
      .where('open_key', 'is not', null)
      .execute()
  ).map((row) => row.host_id);

/** The hub listened at T0 (every host's baseline), then sweeps with the hold applied first, as the server does. */
async function restartedHub() {
  await setSilenceBaseline(deps.db, T0);
  const hold = createReadmissionHold({
    db: deps.db,
    listenedAt: T0,
    behindAt: () => behindAt,
    maxMs: READMISSION_HOLD_MAX_MS,
  });
  return async (at: number) => {
    await hold.apply();
    return sweepHostSilence(deps.db, deps.incidents, silence, at);
  };
}

describe('a hub re-admitting its fleet slower than the agents come back (0023)', () => {
  it('opens no silence while the hub is behind, and judges each host from when it caught up', async () => {
    const waiting = await addHost(deps.db, {
      role: 'server',
      tags: ['production'],
      lastSeenAt: T0 - 50 * SEC,
    });
    const sweep = await restartedHub();
    // Hellos queue and are refused for 40 s after the start: past the grace of the listen.
    for (let t = 5; t <= 40; t += 5) {
      behindAt = T0 + t * SEC;
      expect(await sweep(T0 + t * SEC)).toMatchObject({ opened: 0 });
    }
    // Caught up at T0 + 40 s: the host has the grace from then.
    expect(await sweep(T0 + 69 * SEC)).toMatchObject({ opened: 0 });
    expect(await openSilenceHosts()).toEqual([]);
    // Never came back: it is silent, 30 s after the hub could serve it.
    expect(await sweep(T0 + 71 * SEC)).toMatchObject({ opened: 1 });
    expect(await openSilenceHosts()).toEqual([waiting]);
  });

  it('still tickets a dead host at the grace of the listen when the hub keeps up', async () => {
    const dead = await addHost(deps.db, { lastSeenAt: T0 - 50 * SEC });
    const sweep = await restartedHub();
    expect(await sweep(T0 + 29 * SEC)).toMatchObject({ opened: 0 });
    expect(await sweep(T0 + 31 * SEC)).toMatchObject({ opened: 1 });
    expect(await openSilenceHosts()).toEqual([dead]);
  });

  it('never holds past its cap: a hub behind for ever still tickets a dead host', async () => {
    const dead = await addHost(deps.db, { lastSeenAt: T0 - 50 * SEC });
    const sweep = await restartedHub();
    const capped = T0 + READMISSION_HOLD_MAX_MS;
    behindAt = capped + 60 * SEC;
    expect(await sweep(capped + 29 * SEC)).toMatchObject({ opened: 0 });
    behindAt = capped + 120 * SEC;
    expect(await sweep(capped + 31 * SEC)).toMatchObject({ opened: 1 });
    expect(await openSilenceHosts()).toEqual([dead]);
  });

  it('does not hold a host heard since the start, which then left again', async () => {
    const left = await addHost(deps.db, { lastSeenAt: T0 - 50 * SEC });
    const sweep = await restartedHub();
    // Back at T0 + 2 s, gone again at once (its last frame then).
    await recordLastHeard(deps.db, [{ hostId: left, at: T0 + 2 * SEC }]);
    behindAt = T0 + 30 * SEC;
    expect(await sweep(T0 + 30 * SEC)).toMatchObject({ opened: 0 });
    expect(await sweep(T0 + 33 * SEC)).toMatchObject({ opened: 1 });
    expect(await openSilenceHosts()).toEqual([left]);
  });

  it('does not hold a host whose baseline predates this start (another instance could hear it)', async () => {
    const other = await addHost(deps.db, { lastSeenAt: T0 - 50 * SEC });
    await setSilenceBaseline(deps.db, T0 - 40 * SEC, [other]);
    const hold = createReadmissionHold({
      db: deps.db,
      listenedAt: T0,
      behindAt: () => T0 + 20 * SEC,
      maxMs: READMISSION_HOLD_MAX_MS,
    });
    await hold.apply();
    expect(await sweepHostSilence(deps.db, deps.incidents, silence, T0 + 20 * SEC)).toMatchObject({
      opened: 1,
    });
    expect(await openSilenceHosts()).toEqual([other]);
  });
});
