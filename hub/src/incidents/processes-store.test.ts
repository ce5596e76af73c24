import type { ProcessInfo } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { saveIncidentProcesses } from '../repositories/incident-context.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { incidentProcesses } from './processes-store.js';
import { recordingNotifier, sendCheck } from './testing.js';

const MIN = 60_000;
const FAULT = Date.UTC(2026, 11, 7, 9, 0);
let deps: HubDeps;
let hostId: string;
let seq = 0;

const proc = (name: string): ProcessInfo => ({ pid: 1, name, cpuPct: 50, memBytes: 1024 });

async function addSample(at: number, name: string) {
  seq += 1;
  await deps.db
    .insertInto('samples')
    .values({
      host_id: hostId,
      boot_id: 'boot_snapshot',
      seq,
      idx: 0,
      at,
      received_at: at + 100,
      cpu_pct: 10,
      mem_pct: 10,
      swap_pct: null,
      disk_max_pct: 10,
      load1: 1,
      payload: JSON.stringify({ at, processes: { topByCpu: [proc(name)], topByMemory: [proc(name)] } }),
    })
    .execute();
}

beforeEach(async () => {
  deps = await createTestDeps(() => FAULT + 20 * MIN);
  hostId = (await enrolTestAgent(deps)).hostId;
});

describe('the process snapshot of a fault', () => {
  it('is the latest taken at or before the fault, never one from after the host came back', async () => {
    await addSample(FAULT - 3 * MIN, 'before-silence');
    await addSample(FAULT + 2 * MIN, 'after-return');
    const shown = await incidentProcesses(deps.db, { id: 'inc_none', hostId, at: FAULT });
    expect(shown?.topByCpu.map((p) => p.name)).toEqual(['before-silence']);
    expect(shown?.at).toBe(FAULT - 3 * MIN);
  });

  it('ignores a kept snapshot taken after the fault and falls back to the samples before it', async () => {
    const runtime = testIncidentRuntime({ notifier: recordingNotifier() });
    const opened = await sendCheck(deps, runtime, hostId, 'cpu.busy', 'critical');
    const id = opened.incidentId ?? '';
    const fault = Number((await findIncident(deps.db, id))?.first_occurrence_at);
    await addSample(fault - MIN, 'before-fault');
    await saveIncidentProcesses(
      deps.db,
      id,
      { at: fault + 5 * MIN, topByCpu: [proc('after-return')], topByMemory: [] },
      fault + 5 * MIN,
    );
    const shown = await incidentProcesses(deps.db, { id, hostId, at: fault });
    expect(shown?.topByCpu.map((p) => p.name)).toEqual(['before-fault']);
  });

  it('shows nothing when the only snapshot is from after the fault', async () => {
    await addSample(FAULT + 2 * MIN, 'after-return');
    expect(await incidentProcesses(deps.db, { id: 'inc_none', hostId, at: FAULT })).toBeUndefined();
  });
});
