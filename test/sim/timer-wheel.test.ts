import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import { createTimerWheel, type TimerWheel } from './timer-wheel.js';

/** A wheel on a hand-driven clock: `advance` moves time tick by tick, firing the interval timer. */
function fakeWheel(tickMs: number) {
  let time = 1_000_000;
  let tick: (() => void) | undefined;
  let stopped = false;
  const wheel = createTimerWheel({
    now: () => time,
    tickMs,
    setInterval: (fn) => {
      tick = fn;
      return 1;
    },
    clearInterval: () => {
      stopped = true;
    },
  });
  return {
    wheel,
    now: () => time,
    stopped: () => stopped,
    advance(ms: number, step = tickMs) {
      for (let t = 0; t < ms; t += step) {
        time += step;
        if (!stopped) tick?.();
      }
    },
  };
}

/** An agent reporting every `intervalMs` from a random phase, rescheduling itself as sim-agent does. */
function agent(wheel: TimerWheel, now: () => number, intervalMs: number, phase: number) {
  const fired: { due: number; at: number }[] = [];
  let next = now() + phase;
  const task = {
    run(due: number) {
      fired.push({ due, at: now() });
      next += intervalMs;
      wheel.schedule(task, next);
    },
  };
  wheel.schedule(task, next);
  return fired;
}

describe('timer wheel', () => {
  it('fires every agent once per interval, never early and at most one tick late', () => {
    const tickMs = 2;
    const intervalMs = 50;
    const { wheel, now, advance } = fakeWheel(tickMs);
    const random = createRandom(1);
    const start = now();
    const agents = Array.from({ length: 1000 }, () => agent(wheel, now, intervalMs, random() * intervalMs));
    advance(10 * intervalMs);
    for (const fired of agents) {
      expect(fired).toHaveLength(10);
      for (const { due, at } of fired) {
        expect(at).toBeGreaterThanOrEqual(due);
        expect(at - due).toBeLessThanOrEqual(tickMs);
      }
      // One per interval: consecutive dues are an interval apart, from a phase inside the first.
      expect(fired[0]!.due - start).toBeLessThan(intervalMs);
      for (let i = 1; i < fired.length; i += 1) expect(fired[i]!.due - fired[i - 1]!.due).toBe(intervalMs);
    }
    expect(wheel.size).toBe(1000);
  });

  it('keeps a task due beyond one turn of the wheel until its time (a 10 s interval on 2 ms ticks)', () => {
    const { wheel, now, advance } = fakeWheel(2);
    const fired = agent(wheel, now, 10_000, 9_000);
    advance(9_000);
    expect(fired).toHaveLength(0); // due now: its tick has not passed yet
    advance(2);
    expect(fired).toHaveLength(1);
    advance(10_000);
    expect(fired).toHaveLength(2);
  });

  it('runs a task scheduled in the past on the next tick, and catches up after a stall', () => {
    const { wheel, now, advance } = fakeWheel(5);
    const ran: number[] = [];
    wheel.schedule({ run: (due) => ran.push(due) }, now() - 1000);
    advance(5);
    expect(ran).toEqual([now() - 1005]);
    // A stall: the event loop came back 30 s later; everything due meanwhile runs on that tick.
    wheel.schedule({ run: (due) => ran.push(due) }, now() + 100);
    wheel.schedule({ run: (due) => ran.push(due) }, now() + 20_000);
    advance(30_000, 30_000);
    expect(ran).toHaveLength(3);
    expect(wheel.size).toBe(0);
  });

  it('runs nothing once stopped', () => {
    const { wheel, now, advance, stopped } = fakeWheel(2);
    const fired = agent(wheel, now, 10, 1);
    wheel.stop();
    advance(100);
    expect(stopped()).toBe(true);
    expect(fired).toHaveLength(0);
  });
});
