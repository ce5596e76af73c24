import { describe, expect, it } from 'vitest';
import type { TrackedCheck } from '../checks/local-checks.js';
import { SILENT_LOG } from '../logger.js';
import type { OutboxItem } from '../transport/outbox.js';
import { createCheckSnapshots } from './check-snapshots.js';

const OK: TrackedCheck = {
  kind: 'cpu.busy',
  resource: '',
  state: { state: 'ok', triggeredSince: {}, lastValue: 12, lastSeenAt: 5 },
  threshold: null,
};

function setup() {
  const queued: OutboxItem[] = [];
  const snapshots = createCheckSnapshots({
    checks: { states: () => [OK] },
    queue: (item) => queued.push(item),
    log: SILENT_LOG,
    clock: () => 9,
  });
  const sent = () => queued.filter((item) => item.type === 'checkSnapshot').length;
  return { snapshots, queued, sent };
}

describe('createCheckSnapshots', () => {
  it('after a fresh start, waits for the first evaluation, then sends one snapshot only', () => {
    const t = setup();
    t.snapshots.welcomed(true);
    expect(t.sent()).toBe(0);
    t.snapshots.evaluated();
    expect(t.queued).toEqual([
      {
        type: 'checkSnapshot',
        at: 9,
        complete: true,
        checks: [{ check: 'cpu.busy', state: 'ok', observedAt: 5, value: 12, threshold: null }],
      },
    ]);
    t.snapshots.evaluated();
    expect(t.sent()).toBe(1);
  });

  it('after a reconnect, sends at once from the current state', () => {
    const t = setup();
    t.snapshots.evaluated();
    t.snapshots.welcomed(true);
    expect(t.sent()).toBe(1);
    t.snapshots.welcomed(true);
    expect(t.sent()).toBe(2);
  });

  it('sends nothing to a hub that did not announce the capability', () => {
    const t = setup();
    t.snapshots.welcomed(false);
    t.snapshots.evaluated();
    t.snapshots.welcomed(false);
    expect(t.sent()).toBe(0);
  });
});
