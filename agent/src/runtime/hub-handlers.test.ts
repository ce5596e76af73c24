import {
  CHECK_SNAPSHOT_CAPABILITY,
  DEFAULT_POLICY,
  type Policy,
  type ProbesMessage,
  type WelcomeMessage,
} from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { createLocalChecks } from '../checks/local-checks.js';
import { SILENT_LOG } from '../logger.js';
import { dispatchHubMessage } from '../transport/inbound.js';
import { createHubHandlers } from './hub-handlers.js';
import { createPolicyState } from './policy-state.js';

const NOW = 1_764_000_000_000;

function setup(initial: Policy = { ...DEFAULT_POLICY, revision: 5 }) {
  const saved: Policy[] = [];
  const told: Policy[] = [];
  const welcomes: WelcomeMessage[] = [];
  const assigned: ProbesMessage[] = [];
  const status = { connected: 0, acked: 0 };
  /** Each welcome's capability answer, with the policy revision in force when the snapshot was asked. */
  const snapshotAsked: Array<{ accepted: boolean; revision: number }> = [];
  const policy = createPolicyState({
    initial,
    checks: createLocalChecks({ rules: initial.checks }),
    reportChange: () => {},
    reschedule: () => {},
    savePolicy: async (next) => {
      saved.push(next);
    },
    writeStatus: () => {},
    log: SILENT_LOG,
    clock: () => NOW,
  });
  const handlers = createHubHandlers({
    policy,
    status: { connected: () => status.connected++, acked: () => status.acked++ },
    clockDrift: { welcomed: () => 0 },
    probes: { assign: (message) => assigned.push(message) },
    snapshots: {
      welcomed: (accepted) => snapshotAsked.push({ accepted, revision: policy.current().revision }),
    },
    onWelcome: (welcome) => welcomes.push(welcome),
    onPolicy: (current) => told.push(current),
    log: SILENT_LOG,
    clock: () => NOW,
  });
  return { handlers, policy, saved, told, welcomes, assigned, status, snapshotAsked };
}

const welcome = (policy: Policy): WelcomeMessage => ({
  type: 'welcome',
  protocolVersion: 1,
  hostId: 'host_1',
  serverTime: NOW,
  ackedSeq: 0,
  policy,
});

describe('the agent inbound table', () => {
  it('applies and saves a pushed policy newer than the one in force, and tells the updater', () => {
    const t = setup();
    const next = { ...DEFAULT_POLICY, revision: 6, metricsIntervalSec: 30 };
    dispatchHubMessage(t.handlers, { type: 'policy', policy: next });
    expect(t.policy.current()).toEqual(next);
    expect(t.saved).toEqual([next]);
    expect(t.told).toEqual([next]);
  });

  it('ignores a pushed policy older than the one in force, still telling the updater the current one', () => {
    const t = setup();
    const current = t.policy.current();
    dispatchHubMessage(t.handlers, { type: 'policy', policy: { ...DEFAULT_POLICY, revision: 4 } });
    expect(t.policy.current()).toBe(current);
    expect(t.saved).toEqual([]);
    expect(t.told).toEqual([current]);
  });

  it("takes the welcome's policy even when its revision went down (restored hub database)", () => {
    const t = setup();
    const restored = { ...DEFAULT_POLICY, revision: 2, metricsIntervalSec: 20 };
    dispatchHubMessage(t.handlers, welcome(restored));
    expect(t.policy.current()).toEqual(restored);
    expect(t.status.connected).toBe(1);
    expect(t.welcomes).toHaveLength(1);
    expect(t.told).toEqual([restored]);
  });

  it("asks for the check snapshot after each welcome's policy, only when the hub takes snapshots", () => {
    const t = setup();
    dispatchHubMessage(t.handlers, {
      ...welcome({ ...DEFAULT_POLICY, revision: 7 }),
      capabilities: [CHECK_SNAPSHOT_CAPABILITY],
    });
    dispatchHubMessage(t.handlers, welcome({ ...DEFAULT_POLICY, revision: 8 }));
    expect(t.snapshotAsked).toEqual([
      { accepted: true, revision: 7 },
      { accepted: false, revision: 8 },
    ]);
  });

  it('hands probes to the probe runner and notes acks in the status', () => {
    const t = setup();
    const probes: ProbesMessage = { type: 'probes', allow: [], probes: [] };
    dispatchHubMessage(t.handlers, probes);
    dispatchHubMessage(t.handlers, { type: 'ack', bootId: 'boot_handlers_01', seq: 1 });
    expect(t.assigned).toEqual([probes]);
    expect(t.status.acked).toBe(1);
  });

  it('leaves a rotated secret and hub errors to the connection and the log', () => {
    const t = setup();
    const before = t.policy.current();
    dispatchHubMessage(t.handlers, {
      type: 'credential',
      agentId: 'agt_1',
      secret: 's'.repeat(43),
      previousValidUntil: NOW,
    });
    dispatchHubMessage(t.handlers, { type: 'error', code: 'SAMPLE_REJECTED', message: 'clock skew', seq: 3 });
    expect(t.policy.current()).toBe(before);
    expect(t.saved).toEqual([]);
  });
});
