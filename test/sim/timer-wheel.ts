/** What the wheel calls when a task is due; `due` is the time it was scheduled for. */
export interface WheelTask {
  run(due: number): void;
}

/** Report timers for a whole fleet on one Node timer. */
export interface TimerWheel {
  /** Run `task.run(at)` on the first tick at or after `at` (monotonic ms): never early. */
  schedule(task: WheelTask, at: number): void;
  /** Tasks waiting. */
  readonly size: number;
  /** Stop ticking; tasks still waiting never run. */
  stop(): void;
}

export interface TimerWheelDeps {
  /** Monotonic clock, ms. */
  readonly now: () => number;
  /** How often the wheel looks for due tasks: a task runs up to this late. */
  readonly tickMs: number;
  readonly setInterval: (fn: () => void, ms: number) => unknown;
  readonly clearInterval: (handle: unknown) => void;
}

const SLOTS = 4096;

/**
 * A hashed timer wheel: tasks in buckets of `tickMs`, one interval timer for all of them. A Node
 * timer per agent cost a timer-list insertion, a closure and a callback per report; here a report is
 * a push into an array that is reused. Tasks further than SLOTS ticks ahead wait in their bucket for
 * the wheel to come round again. Within a tick, tasks run in the order they were scheduled.
 */
export function createTimerWheel(deps: TimerWheelDeps): TimerWheel {
  const { tickMs, now } = deps;
  const tasks: WheelTask[][] = Array.from({ length: SLOTS }, () => []);
  const dues: number[][] = Array.from({ length: SLOTS }, () => []);
  // The next tick whose bucket has not been run yet.
  let cursor = Math.floor(now() / tickMs);
  let size = 0;

  function runBucket(tick: number): void {
    const bucket = tasks[tick % SLOTS]!;
    const due = dues[tick % SLOTS]!;
    if (bucket.length === 0) return;
    const limit = (tick + 1) * tickMs;
    // Tasks scheduled by the ones running now go into other buckets (or this one on a later turn),
    // so walk a fixed count and keep what is not due this turn.
    const count = bucket.length;
    let kept = 0;
    for (let i = 0; i < count; i += 1) {
      const task = bucket[i]!;
      const at = due[i]!;
      if (at >= limit) {
        bucket[kept] = task;
        due[kept] = at;
        kept += 1;
        continue;
      }
      size -= 1;
      task.run(at);
    }
    // Anything pushed while running sits after `count`: move it down behind the kept ones.
    for (let i = count; i < bucket.length; i += 1) {
      bucket[kept] = bucket[i]!;
      due[kept] = due[i]!;
      kept += 1;
    }
    bucket.length = kept;
    due.length = kept;
  }

  const handle = deps.setInterval(() => {
    // Only buckets whose whole tick has passed: a task never runs before its time.
    const last = Math.floor(now() / tickMs) - 1;
    // After a long stall, one pass over the wheel covers every bucket.
    if (last - cursor >= SLOTS) cursor = last - SLOTS + 1;
    while (cursor <= last) {
      // Moved on first: a task scheduled while its bucket runs goes into a later one.
      const tick = cursor;
      cursor += 1;
      runBucket(tick);
    }
  }, tickMs);

  return {
    schedule(task, at) {
      // A time already passed goes into the next bucket to run.
      const tick = Math.max(cursor, Math.floor(at / tickMs));
      tasks[tick % SLOTS]!.push(task);
      dues[tick % SLOTS]!.push(at);
      size += 1;
    },
    get size() {
      return size;
    },
    stop() {
      deps.clearInterval(handle);
    },
  };
}
