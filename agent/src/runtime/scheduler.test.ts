import { describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/scripted-hub.js';
import { intervalCronExpression, SYSTEM_SCHEDULER } from './scheduler.js';

describe('intervalCronExpression', () => {
  it.each([
    [1, '* * * * * *'],
    [10, '*/10 * * * * *'],
    [30, '*/30 * * * * *'],
    [60, '0 */1 * * * *'],
    [300, '0 */5 * * * *'],
    [3600, '0 0 */1 * * *'],
    [21_600, '0 0 */6 * * *'],
    [86_400, '0 0 0 * * *'],
  ])('expresses %i s exactly as %s', (seconds, expression) => {
    expect(intervalCronExpression(seconds)).toBe(expression);
  });

  it.each([7, 45, 90, 3000, 5400, 36_000, 172_800, 0, 2.5])('leaves %s s to a plain interval', (seconds) => {
    expect(intervalCronExpression(seconds)).toBeUndefined();
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

  it('validates cron expressions', () => {
    expect(SYSTEM_SCHEDULER.validCron('17 3 * * *')).toBe(true);
    expect(SYSTEM_SCHEDULER.validCron('every day')).toBe(false);
  });
});
