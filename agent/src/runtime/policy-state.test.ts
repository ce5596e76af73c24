import { DEFAULT_CHECK_RULES, DEFAULT_POLICY, type Policy } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import type { CheckChange } from '../checks/local-checks.js';
import { SILENT_LOG } from '../logger.js';
import { createPolicyState } from './policy-state.js';

function setup(initial: Policy = { ...DEFAULT_POLICY, revision: 3 }) {
  const rescheduled: Policy[] = [];
  const saved: Policy[] = [];
  const rules: unknown[] = [];
  const changes: CheckChange[] = [];
  let statusWrites = 0;
  const state = createPolicyState({
    initial,
    checks: {
      setRules: (next) => {
        rules.push(next);
        return [];
      },
    },
    reportChange: (change) => changes.push(change),
    reschedule: (next) => rescheduled.push(next),
    savePolicy: async (next) => {
      saved.push(next);
    },
    writeStatus: () => statusWrites++,
    log: SILENT_LOG,
    clock: () => 0,
  });
  return { state, rescheduled, saved, rules, changes, statusWrites: () => statusWrites };
}

describe('createPolicyState', () => {
  it('does nothing for a policy identical to the one in force', () => {
    const t = setup();
    t.state.apply({ ...t.state.current() }, 'push');
    expect(t.saved).toEqual([]);
    expect(t.rules).toEqual([]);
    expect(t.statusWrites()).toBe(0);
  });

  it('reschedules only when an interval or the inventory cron changed', () => {
    const t = setup();
    t.state.apply({ ...DEFAULT_POLICY, revision: 4, services: ['sshd'] }, 'push');
    expect(t.rescheduled).toEqual([]);
    const faster = { ...DEFAULT_POLICY, revision: 5, services: ['sshd'], metricsIntervalSec: 5 };
    t.state.apply(faster, 'push');
    expect(t.rescheduled).toEqual([faster]);
    expect(t.saved).toHaveLength(2);
    expect(t.statusWrites()).toBe(2);
  });

  it('hands the new check rules to the local checks', () => {
    const t = setup();
    const checks = DEFAULT_CHECK_RULES.slice(0, 1);
    t.state.apply({ ...DEFAULT_POLICY, revision: 4, checks }, 'welcome');
    expect(t.rules).toEqual([checks]);
  });

  it('ignores an older pushed policy but accepts an older welcome', () => {
    const t = setup();
    const older = { ...DEFAULT_POLICY, revision: 1, metricsIntervalSec: 20 };
    t.state.apply(older, 'push');
    expect(t.state.current().revision).toBe(3);
    t.state.apply(older, 'welcome');
    expect(t.state.current()).toEqual(older);
  });
});
