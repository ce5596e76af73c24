import { describe, expect, it } from 'vitest';
import { nextCronMatch, parseCron } from './cron.js';

// Local-time arithmetic: the expected instants are built with the local Date constructor, so these
// hold in whatever time zone the tests run.
const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) =>
  new Date(y, mo - 1, d, h, mi, s).getTime();

function next(expression: string, after: number): number | undefined {
  const fields = parseCron(expression);
  if (!fields) throw new Error(`unparsed: ${expression}`);
  return nextCronMatch(fields, after);
}

describe('parseCron', () => {
  it('reads 5 fields as running at second 0, and names, ranges, lists and steps', () => {
    const fields = parseCron('*/15 3,4 1-7 jan-mar mon-fri');
    expect([...(fields?.second ?? [])]).toEqual([0]);
    expect([...(fields?.minute ?? [])]).toEqual([0, 15, 30, 45]);
    expect([...(fields?.hour ?? [])]).toEqual([3, 4]);
    expect([...(fields?.month ?? [])]).toEqual([1, 2, 3]);
    expect([...(fields?.dayOfWeek ?? [])]).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads day 7 as Sunday', () => {
    expect([...(parseCron('0 0 * * 7')?.dayOfWeek ?? [])]).toEqual([0]);
  });

  it.each(['* * * *', '61 * * * *', '* 24 * * *', 'L * * * *', '5-1 * * * *', '*/0 * * * *', '? * * * *'])(
    'leaves %s to node-cron',
    (expression) => {
      expect(parseCron(expression)).toBeUndefined();
    },
  );
});

describe('nextCronMatch', () => {
  it('finds the default inventory time today, then tomorrow', () => {
    expect(next('17 3 * * *', local(2026, 11, 25, 1, 0, 0))).toBe(local(2026, 11, 25, 3, 17));
    expect(next('17 3 * * *', local(2026, 11, 25, 3, 17))).toBe(local(2026, 11, 26, 3, 17));
  });

  it('honours seconds within the current minute', () => {
    expect(next('*/20 * * * * *', local(2026, 11, 25, 1, 0, 21))).toBe(local(2026, 11, 25, 1, 0, 40));
    expect(next('*/20 * * * * *', local(2026, 11, 25, 1, 0, 40) + 500)).toBe(local(2026, 11, 25, 1, 1, 0));
  });

  it('requires both the day of month and the day of week, as node-cron does', () => {
    // The next Friday the 13th after 25 November 2026 is 13 August 2027.
    expect(next('0 9 13 * fri', local(2026, 11, 25))).toBe(local(2027, 8, 13, 9, 0));
  });

  it('skips to the months allowed', () => {
    expect(next('0 0 1 jan *', local(2026, 11, 25))).toBe(local(2027, 1, 1));
  });

  it('finds 29 February years ahead', () => {
    expect(next('0 12 29 2 *', local(2026, 3, 1))).toBe(local(2028, 2, 29, 12, 0));
  });
});
