import { describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/scripted-hub.js';
import { nextRunAt, SYSTEM_SCHEDULER } from './scheduler.js';

describe('nextRunAt', () => {
  const UTC = () => 0;
  const at = (iso: string) => Date.parse(iso);

  it.each([
    [10, '2026-11-25T15:00:03.500Z', '2026-11-25T15:00:10.000Z'],
    [10, '2026-11-25T15:00:10.000Z', '2026-11-25T15:00:20.000Z'],
    [1, '2026-11-25T15:00:10.999Z', '2026-11-25T15:00:11.000Z'],
    [60, '2026-11-25T15:00:10.000Z', '2026-11-25T15:01:00.000Z'],
    [300, '2026-11-25T15:07:00.000Z', '2026-11-25T15:10:00.000Z'],
    [90, '2026-11-25T00:01:00.000Z', '2026-11-25T00:01:30.000Z'],
    [21_600, '2026-11-25T15:00:00.000Z', '2026-11-25T18:00:00.000Z'],
  ])('runs a %i s period that divides a day on its next boundary', (seconds, after, next) => {
    expect(nextRunAt(at(after), seconds, UTC)).toBe(at(next));
  });

  it('aligns periods longer than a quarter hour on local time', () => {
    // UTC+5:30: local midnight is 18:30 UTC the day before; 6 h periods fall at 00:30, 06:30 … UTC.
    const india = () => 5.5 * 3_600_000;
    expect(nextRunAt(at('2026-11-25T01:00:00Z'), 21_600, india)).toBe(at('2026-11-25T06:30:00Z'));
    // A 10 s period does not need the offset (every offset is whole quarter hours).
    expect(nextRunAt(at('2026-11-25T01:00:03Z'), 10, () => Number.NaN)).toBe(at('2026-11-25T01:00:10Z'));
  });

  it.each([7, 45 * 60 + 7, 7 * 3600, 172_800])('runs a %i s period a full period later', (seconds) => {
    const after = at('2026-11-25T15:00:03.250Z');
    expect(nextRunAt(after, seconds, UTC)).toBe(after + seconds * 1000);
  });
});

describe('SYSTEM_SCHEDULER', () => {
  it('runs a task every second until cancelled', async () => {
    let runs = 0;
    const cancel = SYSTEM_SCHEDULER.every(1, () => {
      runs += 1;
    });
    try {
      await waitFor(() => runs >= 2, 'two runs', 3_500);
    } finally {
      cancel();
    }
  });

  it('stops running a task once cancelled, even from inside the task', async () => {
    let runs = 0;
    const cancel = SYSTEM_SCHEDULER.every(1, () => {
      runs += 1;
      cancel();
    });
    await waitFor(() => runs >= 1, 'one run', 2_500);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(runs).toBe(1);
  });

  it('runs a task on a cron expression until cancelled', async () => {
    let runs = 0;
    const cancel = SYSTEM_SCHEDULER.cron('* * * * * *', () => {
      runs += 1;
    });
    try {
      await waitFor(() => runs >= 2, 'two runs', 3_500);
    } finally {
      cancel();
    }
  });

  it('validates cron expressions', () => {
    expect(SYSTEM_SCHEDULER.validCron('17 3 * * *')).toBe(true);
    expect(SYSTEM_SCHEDULER.validCron('every day')).toBe(false);
  });
});
