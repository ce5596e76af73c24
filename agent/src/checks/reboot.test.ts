import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHECK_RULES, type Sample } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { type BootRecord, type BootRecordStore, createBootRecordFile, createRebootCheck } from './reboot.js';

const HOUR = 3_600_000;
const BOOT = 1_764_000_000_000;
const RULE = DEFAULT_CHECK_RULES.find((rule) => rule.kind === 'host.reboot');
const sample = (bootTime: number): Sample => ({ at: bootTime + 60_000, uptime: { bootTime, uptimeSec: 60 } });

function memoryStore(initial?: BootRecord): BootRecordStore & { record?: BootRecord } {
  const store: BootRecordStore & { record?: BootRecord } = {
    ...(initial && { record: initial }),
    read: async () => store.record,
    write: async (record) => {
      store.record = record;
    },
  };
  return store;
}

async function firstObservation(previous: BootRecord | undefined, bootTime: number, now: number) {
  const store = memoryStore(previous);
  const check = createRebootCheck(store, () => {});
  await check.load();
  return { observation: check.observe(sample(bootTime), now, RULE), check, store };
}

describe('createRebootCheck', () => {
  it('reports a boot that followed a run which was not stopped cleanly, for holdSec', async () => {
    const { observation, check } = await firstObservation(
      { bootTime: BOOT - 48 * HOUR, cleanStop: false },
      BOOT,
      BOOT + 60_000,
    );
    expect(observation).toEqual({ kind: 'host.reboot', resource: '', value: 1, facts: { bootTime: BOOT } });
    expect(check.observe(sample(BOOT), BOOT + HOUR, RULE)?.value).toBe(0);
  });

  it('says nothing of a planned reboot, an agent restart, or a first run', async () => {
    for (const previous of [
      { bootTime: BOOT - 48 * HOUR, cleanStop: true },
      { bootTime: BOOT + 1_000, cleanStop: false },
      undefined,
    ]) {
      const { observation } = await firstObservation(previous, BOOT, BOOT + 60_000);
      expect(observation?.value).toBe(0);
    }
  });

  it('records the boot as unclean while running and clean once stopped', async () => {
    const { check, store } = await firstObservation(undefined, BOOT, BOOT + 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.record).toEqual({ bootTime: BOOT, cleanStop: false });
    await check.stopped();
    expect(store.record).toEqual({ bootTime: BOOT, cleanStop: true });
  });
});

describe('createBootRecordFile', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('round-trips the record and reads a missing file as none', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-boot-'));
    const file = createBootRecordFile(dir);
    expect(await file.read()).toBeUndefined();
    await file.write({ bootTime: BOOT, cleanStop: true });
    expect(await file.read()).toEqual({ bootTime: BOOT, cleanStop: true });
  });
});
