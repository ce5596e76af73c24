import { DEFAULT_POLICY } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import type { Cancel, Scheduler } from './scheduler.js';
import { createSchedules } from './schedules.js';

function setup(metricsIntervalSec?: number) {
  const active = new Map<number, { spec: number | string; task: () => void }>();
  let next = 0;
  const add = (spec: number | string, task: () => void): Cancel => {
    const id = next++;
    active.set(id, { spec, task });
    return () => active.delete(id);
  };
  const scheduler: Scheduler = {
    every: add,
    cron: add,
    validCron: (expression) => expression.split(' ').length >= 5,
  };
  const calls: string[] = [];
  const schedules = createSchedules({
    scheduler,
    metricsIntervalSec,
    metrics: {
      fast: () => calls.push('fast'),
      slow: (own) => calls.push(own ? 'slow:own' : 'slow:ride'),
    },
    inventory: () => calls.push('inventory'),
    log: SILENT_LOG,
  });
  const specs = () => [...active.values()].map((entry) => entry.spec);
  const fire = (spec: number | string) => {
    for (const entry of [...active.values()]) if (entry.spec === spec) entry.task();
  };
  return { schedules, specs, fire, calls };
}

describe('createSchedules', () => {
  it('sets the fast, slow and inventory timers from the policy, replacing the previous ones', () => {
    const t = setup();
    t.schedules.set({ ...DEFAULT_POLICY, metricsIntervalSec: 10, processesIntervalSec: 60 });
    t.schedules.set({
      ...DEFAULT_POLICY,
      metricsIntervalSec: 15,
      processesIntervalSec: 60,
      inventoryCron: '0 3 * * *',
    });
    expect(t.specs()).toEqual([15, 60, '0 3 * * *']);
  });

  it('lets the slow timer collect by itself only when it is the more frequent one', () => {
    const t = setup();
    t.schedules.set({ ...DEFAULT_POLICY, metricsIntervalSec: 10, processesIntervalSec: 60 });
    t.fire(60);
    t.schedules.set({ ...DEFAULT_POLICY, metricsIntervalSec: 120, processesIntervalSec: 60 });
    t.fire(60);
    expect(t.calls).toEqual(['slow:ride', 'slow:own']);
  });

  it('falls back to the default inventory cron when the policy has an invalid one', () => {
    const t = setup();
    t.schedules.set({ ...DEFAULT_POLICY, inventoryCron: 'nonsense' });
    expect(t.specs()).toContain(DEFAULT_POLICY.inventoryCron);
  });

  it('lets the metrics-interval override win, and sets nothing once stopped', () => {
    const t = setup(3);
    t.schedules.set(DEFAULT_POLICY);
    expect(t.specs()[0]).toBe(3);
    t.schedules.stop();
    expect(t.specs()).toEqual([]);
    t.schedules.set(DEFAULT_POLICY);
    expect(t.specs()).toEqual([]);
  });
});
