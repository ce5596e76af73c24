import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps } from '../../test-support/test-hub.js';
import type { IncidentRuntime } from '../runtime.js';
import { recordingNotifier } from '../testing.js';
import { sweepHostSilence } from './host-silence.js';
import { type SweepBudget, yieldToEventLoop } from './slices.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0);
const silence = { graceMs: 90_000, connectedGraceMs: 10 * MIN };
// 8 sites of 200 silent hosts (site tickets) and 400 hosts alone on their sites: 2 000 hosts.
const SITES = 8;
const PER_SITE = 200;
const ALONE = 400;

/** Insert the fleet in a few multi-row statements: the test is about the sweep, not the setup. */
async function seedSilentFleet(db: Kysely<Database>): Promise<void> {
  const rows = [];
  for (let i = 0; i < SITES * PER_SITE + ALONE; i++) {
    const site = i < SITES * PER_SITE ? `site-${Math.floor(i / PER_SITE)}` : `lone-${i}`;
    rows.push({
      id: `hst_${String(i).padStart(5, '0')}`,
      hostname: `host-${i}`,
      fingerprint: `fp${i}`,
      client: 'acme',
      site,
      role: 'workstation' as const,
      tags: '[]',
      os_platform: 'linux' as const,
      os_distro: 'Debian',
      os_release: '12',
      os_kernel: '6.1',
      os_arch: 'x64',
      agent_version: '0.1.0',
      first_seen_at: 0,
      last_seen_at: NOW - 5 * MIN,
      connected: 0,
      last_sample_at: null,
      cpu_pct: null,
      mem_pct: null,
      swap_pct: null,
      disk_max_pct: null,
      load1: null,
    });
  }
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('hosts')
      .values(rows.slice(i, i + 200))
      .execute();
}

/** The incidents as a comparable picture: ids differ between runs, hosts and grouping must not. */
async function picture(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('incidents as i')
    .leftJoin('incidents as p', 'p.id', 'i.parent_id')
    .select(['i.check', 'i.host_id', 'i.site', 'i.state', 'i.priority', 'i.level', 'p.dedup_key as parent'])
    .execute();
  return rows.map((r) => JSON.stringify(r)).sort();
}

const count = async (db: Kysely<Database>) =>
  Number(
    (
      await db
        .selectFrom('incidents')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

let runtime: IncidentRuntime;
let notifier: ReturnType<typeof recordingNotifier>;

beforeEach(() => {
  notifier = recordingNotifier();
  runtime = testIncidentRuntime({ notifier });
});

describe('host silence sweep of a whole fleet gone quiet', () => {
  it('works in slices of 200 with the event loop free between them, stops at its cap, and ends with the incidents an unsliced pass makes', async () => {
    const deps = await createTestDeps(() => NOW);
    await seedSilentFleet(deps.db);
    const perSlice: number[] = [];
    let before = 0;
    const budget: SweepBudget = {
      sliceSize: 200,
      maxPerSweep: 1_000,
      yieldToLoop: async () => {
        const after = await count(deps.db);
        perSlice.push(after - before);
        before = after;
        await yieldToEventLoop();
      },
    };

    // A timer armed before the sweep (as a /healthz request would be) runs while it works.
    let sweepDone = false;
    let timerRanDuringSweep = false;
    setTimeout(() => {
      timerRanDuringSweep = !sweepDone;
    }, 0);
    const first = await sweepHostSilence(deps.db, runtime, silence, NOW, budget);
    sweepDone = true;
    expect(timerRanDuringSweep).toBe(true);
    // The cap: 8 site tickets and 992 host tickets, the other 1 000 hosts wait for the next sweep.
    expect(first).toMatchObject({ opened: 992, deferred: 1_008 });
    expect(await count(deps.db)).toBe(1_000);
    expect(perSlice.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...perSlice)).toBeLessThanOrEqual(200);

    const second = await sweepHostSilence(deps.db, runtime, silence, NOW, budget);
    expect(second).toMatchObject({ opened: 1_000, deferred: 8 });
    expect(await sweepHostSilence(deps.db, runtime, silence, NOW, budget)).toMatchObject({
      opened: 8,
      deferred: 0,
    });
    expect(await sweepHostSilence(deps.db, runtime, silence, NOW, budget)).toEqual({
      opened: 0,
      recovered: 0,
      deferred: 0,
    });

    // The same picture as one unbounded pass (the sweep before slices): one site ticket per site
    // with its hosts as children, lone hosts on their own; only parents and lone hosts notify.
    const reference = await createTestDeps(() => NOW);
    await seedSilentFleet(reference.db);
    const unbounded: SweepBudget = { sliceSize: 100_000, maxPerSweep: 100_000, yieldToLoop: async () => {} };
    const referenceNotifier = recordingNotifier();
    await sweepHostSilence(
      reference.db,
      testIncidentRuntime({ notifier: referenceNotifier }),
      silence,
      NOW,
      unbounded,
    );
    const sliced = await picture(deps.db);
    expect(sliced).toEqual(await picture(reference.db));
    expect(sliced.filter((row) => row.includes('"check":"site.silent"'))).toHaveLength(SITES);
    expect(sliced.filter((row) => row.includes('/site.silent"'))).toHaveLength(SITES * PER_SITE);
    expect(notifier.notices).toHaveLength(SITES + ALONE);
    expect(referenceNotifier.notices).toHaveLength(SITES + ALONE);
  }, 180_000);

  it('recovers a fleet heard again in slices too', async () => {
    const deps = await createTestDeps(() => NOW);
    await seedSilentFleet(deps.db);
    const unbounded: SweepBudget = { sliceSize: 100_000, maxPerSweep: 100_000, yieldToLoop: async () => {} };
    await sweepHostSilence(deps.db, runtime, silence, NOW, unbounded);
    await deps.db
      .updateTable('hosts')
      .set({ connected: 1, last_seen_at: NOW + MIN })
      .execute();
    let yields = 0;
    const budget: SweepBudget = {
      sliceSize: 200,
      maxPerSweep: 1_500,
      yieldToLoop: async () => {
        yields += 1;
        await yieldToEventLoop();
      },
    };
    expect(await sweepHostSilence(deps.db, runtime, silence, NOW + MIN, budget)).toEqual({
      opened: 0,
      recovered: 1_500,
      deferred: 500,
    });
    expect(yields).toBeGreaterThanOrEqual(Math.ceil(1_500 / 200));
    expect(await sweepHostSilence(deps.db, runtime, silence, NOW + MIN, budget)).toMatchObject({
      recovered: 500,
      deferred: 0,
    });
    const unrecovered = await deps.db
      .selectFrom('incidents')
      .select('id')
      .where('check', '=', 'host.silent')
      .where('recovered_at', 'is', null)
      .execute();
    expect(unrecovered).toHaveLength(0);
  }, 180_000);
});
