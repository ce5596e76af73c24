import { DEFAULT_POLICY, type Sample } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import type { CheckChange } from '../checks/local-checks.js';
import type { CollectRequest } from '../collectors/collector.js';
import { SILENT_LOG } from '../logger.js';
import type { OutboxItem } from '../transport/outbox.js';
import { createMetricsCycle } from './metrics-cycle.js';

const CHANGE: CheckChange = {
  at: 7,
  check: 'clock.drift',
  state: 'warning',
  previous: 'ok',
  value: 90,
  threshold: 60,
};

function setup(options: { changes?: CheckChange[]; failing?: boolean } = {}) {
  const requests: CollectRequest[] = [];
  const pending: Array<(sample: Sample) => void> = [];
  const queued: Array<OutboxItem | CheckChange | 'evaluated'> = [];
  const cycle = createMetricsCycle({
    sampler: {
      collect: (request) => {
        requests.push(request);
        return new Promise<Sample>((resolve) => pending.push(resolve));
      },
    },
    policy: () => DEFAULT_POLICY,
    checks: {
      evaluate: () => {
        if (options.failing) throw new Error('broken rule');
        return options.changes ?? [];
      },
      rules: () => [],
    },
    clockDrift: { observation: () => ({ kind: 'clock.drift', resource: '', value: null }) },
    rebootLoaded: Promise.resolve(),
    reportChange: (change) => queued.push(change),
    checksEvaluated: () => queued.push('evaluated'),
    queue: (item) => queued.push(item),
    log: SILENT_LOG,
    clock: () => 0,
  });
  /** Completes the oldest collection still running. */
  const finish = async (at: number) => {
    pending.shift()?.({ at });
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { cycle, requests, queued, finish };
}

describe('createMetricsCycle', () => {
  it('primes the collectors first, then sends a complete slow sample on the first fast tick', async () => {
    const t = setup();
    t.cycle.start();
    await t.finish(1);
    expect(t.queued).toEqual([]);
    t.cycle.fast();
    await t.finish(2);
    expect(t.requests.map((request) => request.slow)).toEqual([true, true]);
    expect(t.queued).toEqual(['evaluated', { type: 'metrics', sample: { at: 2 } }]);
  });

  it('skips a tick while a collection is still running, keeping a slow cycle due for the next one', async () => {
    const t = setup();
    t.cycle.fast();
    t.cycle.slow(true);
    expect(t.requests).toHaveLength(1);
    await t.finish(1);
    t.cycle.fast();
    expect(t.requests.map((request) => request.slow)).toEqual([false, true]);
  });

  it('lets the slow timer collect by itself only when told it is the more frequent one', async () => {
    const t = setup();
    t.cycle.slow(false);
    expect(t.requests).toEqual([]);
    t.cycle.slow(true);
    expect(t.requests.map((request) => request.slow)).toEqual([true]);
  });

  it('queues the check changes a sample revealed before the sample itself', async () => {
    const t = setup({ changes: [CHANGE] });
    t.cycle.fast();
    await t.finish(7);
    expect(t.queued).toEqual([CHANGE, 'evaluated', { type: 'metrics', sample: { at: 7 } }]);
  });

  it('says the checks were evaluated only when they were (the snapshot waits for it)', async () => {
    const t = setup({ failing: true });
    t.cycle.fast();
    await t.finish(7);
    expect(t.queued).toEqual([{ type: 'metrics', sample: { at: 7 } }]);
  });
});

describe('createMetricsCycle with SMART', () => {
  it('reads SMART on slow cycles only, in the background, and evaluates each reading once', async () => {
    const smartCalls: number[] = [];
    const extras: string[][] = [];
    const cycle = createMetricsCycle({
      sampler: { collect: async () => ({ at: 1 }) },
      policy: () => DEFAULT_POLICY,
      checks: {
        evaluate: (_sample, _now, extra = []) => {
          extras.push(extra.filter((o) => o.kind === 'disk.smart').map((o) => o.resource));
          return [];
        },
        rules: () => [],
      },
      clockDrift: { observation: () => ({ kind: 'clock.drift', resource: '', value: null }) },
      smart: {
        observe: async (now) => {
          smartCalls.push(now);
          return [{ kind: 'disk.smart', resource: '/dev/sda', value: 0 }];
        },
      },
      rebootLoaded: Promise.resolve(),
      reportChange: () => {},
      queue: () => {},
      log: SILENT_LOG,
      clock: () => 0,
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    cycle.fast();
    await settle();
    expect(smartCalls).toEqual([]);
    cycle.slow(true);
    await settle();
    cycle.fast();
    await settle();
    cycle.fast();
    await settle();
    expect(smartCalls).toHaveLength(1);
    // A quick read joins the slow cycle's own evaluation; a slower one the next cycle's. Never twice.
    expect(extras).toEqual([[], ['/dev/sda'], [], []]);
  });
});
