import type { ProcessInfo } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { runRetentionPass } from '../retention/job.js';
import { RETENTION_DEFAULTS } from '../retention/settings.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { runIncidentSweep } from './jobs/sweep.js';
import { incidentProcesses } from './processes-store.js';
import type { IncidentRuntime } from './runtime.js';
import { recordingNotifier, sendCheck } from './testing.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 11, 7, 9, 0);
let now = T0;
let deps: HubDeps;
let runtime: IncidentRuntime;
let hostId: string;
let seq = 0;

const proc = (pid: number, cpuPct: number): ProcessInfo => ({
  pid,
  name: `worker-${pid}`,
  cpuPct,
  memBytes: pid * 1024,
});

/** A raw sample as ingest stores it; `processes` only on the agent's slow cycle. */
async function addSample(at: number, processes?: { topByCpu: ProcessInfo[]; topByMemory: ProcessInfo[] }) {
  seq += 1;
  await deps.db
    .insertInto('samples')
    .values({
      host_id: hostId,
      boot_id: 'boot_context',
      seq,
      idx: 0,
      at,
      received_at: at + 100,
      cpu_pct: 99,
      mem_pct: 50,
      swap_pct: null,
      disk_max_pct: 70,
      load1: 4,
      payload: JSON.stringify({
        at,
        ...(processes && { processes: { total: 300, running: 3, ...processes } }),
      }),
    })
    .execute();
}

beforeEach(async () => {
  now = T0;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({ notifier: recordingNotifier() });
  hostId = (await enrolTestAgent(deps)).hostId;
});

describe('top processes kept with an incident', () => {
  it('keeps the top 10 by CPU and memory of the fault, and the incident page still has them once raw samples are pruned', async () => {
    const busy = Array.from({ length: 15 }, (_, i) => proc(100 + i, 90 - i));
    await addSample(T0 - 2 * MIN, { topByCpu: [proc(1, 1)], topByMemory: [proc(1, 1)] });
    await addSample(T0 - 30_000, { topByCpu: busy, topByMemory: [...busy].reverse() });
    await addSample(T0 - 10_000);
    const opened = await sendCheck(deps, runtime, hostId, 'cpu.busy', 'critical');
    expect(opened.decision).toBe('open');
    const incidentId = opened.incidentId ?? '';

    // Three hours on: the retention job pruned the raw samples (2 h).
    now = T0 + 3 * HOUR;
    await runRetentionPass(deps.db, RETENTION_DEFAULTS, now);
    expect(await deps.db.selectFrom('samples').selectAll().execute()).toEqual([]);

    const kept = await incidentProcesses(deps.db, { id: incidentId, hostId, at: T0 });
    expect(kept?.at).toBe(T0 - 30_000);
    expect(kept?.topByCpu).toEqual(busy.slice(0, 10));
    expect(kept?.topByMemory).toEqual([...busy].reverse().slice(0, 10));
  });

  it('reads raw samples for an incident that kept none (opened by the hub)', async () => {
    await deps.db
      .updateTable('hosts')
      .set({ last_seen_at: T0 - 10 * MIN, connected: 0 })
      .execute();
    await addSample(T0 - 10 * MIN, { topByCpu: [proc(7, 50)], topByMemory: [proc(7, 50)] });
    await runIncidentSweep(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
    const silence = await deps.db.selectFrom('incidents').select('id').executeTakeFirstOrThrow();
    expect(await deps.db.selectFrom('incident_context').selectAll().execute()).toEqual([]);
    const raw = await incidentProcesses(deps.db, { id: silence.id, hostId, at: T0 - 10 * MIN });
    expect(raw?.topByCpu).toEqual([proc(7, 50)]);
  });
});
