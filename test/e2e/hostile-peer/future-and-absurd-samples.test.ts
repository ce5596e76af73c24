import { createUserWithToken, type RunningHub } from '@vigie/hub';
import { type EnrolResponse, LIMITS } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolInProcess, startInProcessHub } from '../../support/in-process-hub.js';
import { helloFor, openRawAgent, type RawAgent } from '../../support/raw-agent.js';

// A raw protocol client against a real hub (in process, SQLite in memory, port 0) on a clock the
// test holds. The peer stamps samples where it likes (year 275760, 11 minutes ahead) and sends
// values no machine has; the hub refuses those samples alone, counts and reports them, and
// acknowledges the message so that an honest agent with one bad reading is not stuck resending it.

const NOW = Date.UTC(2026, 11, 7, 12);
let now = NOW;
let hub: RunningHub;
let credential: EnrolResponse;
let adminToken: string;
let agent: RawAgent;

const MEMORY = {
  totalBytes: 8e9,
  usedBytes: 2e9,
  availableBytes: 6e9,
  usedPct: 25,
  swapTotalBytes: 0,
  swapUsedBytes: 0,
  swapUsedPct: 0,
};
const sample = (at: number, usagePct: number) => ({ at, cpu: { usagePct, perCorePct: [] } });

beforeEach(async () => {
  now = NOW;
  hub = await startInProcessHub({}, () => now);
  const admin = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
  if (!admin.ok) throw new Error('admin');
  adminToken = admin.token;
  credential = await enrolInProcess(hub, 'skewed-01');
  agent = await openRawAgent(hub.url);
  agent.send(helloFor(credential, { bootId: 'boot_hostile_01', hostname: 'skewed-01' }));
  await agent.next('welcome');
});

afterEach(async () => {
  agent.ws.terminate();
  await hub.close();
});

interface HostView {
  health: { at: number; cpuPct: number; receivedAt: number } | null;
  clock: { offsetMs: number; measuredAt: number } | null;
  refusedSamples: number;
}

async function host(): Promise<HostView> {
  const res = await fetch(`${hub.url}/api/v1/hosts/${credential.hostId}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { host: HostView }).host;
}

/** Send a metrics message and wait for its ack; returns the error frames the hub sent about it. */
async function report(seq: number, samples: unknown[]): Promise<Record<string, unknown>[]> {
  agent.send({ type: 'metrics', bootId: 'boot_hostile_01', seq, samples });
  const deadline = Date.now() + 5_000;
  while (!agent.received.some((m) => m.type === 'ack' && m.seq === seq)) {
    if (Date.now() > deadline) throw new Error(`no ack for seq ${seq}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return agent.received.filter((m) => m.type === 'error' && m.seq === seq);
}

describe('a hostile peer stamping samples in the future', () => {
  it('cannot freeze the health with one sample of year 275760: it is refused, the next one counts', async () => {
    const errors = await report(1, [sample(8.64e15, 99)]);
    expect(errors).toMatchObject([{ code: 'SAMPLE_IN_FUTURE' }]);
    now += 60_000;
    await report(2, [sample(now, 12)]);
    const view = await host();
    expect(view.health).toMatchObject({ at: now, cpuPct: 12, receivedAt: now });
    expect(view.refusedSamples).toBe(1);
  });

  it('refuses a clock 11 minutes ahead, keeps one 9 minutes ahead, and shows the offset on the host', async () => {
    expect(await report(1, [sample(now + 11 * 60_000, 50)])).toMatchObject([{ code: 'SAMPLE_IN_FUTURE' }]);
    expect((await host()).clock).toEqual({ offsetMs: 11 * 60_000, measuredAt: now });
    now += 60_000;
    expect(await report(2, [sample(now + 9 * 60_000, 60)])).toEqual([]);
    // A correct sample arriving later takes the health back from the one stamped ahead.
    now += 60_000;
    await report(3, [sample(now, 7)]);
    const view = await host();
    expect(view.health).toMatchObject({ at: now, cpuPct: 7 });
    expect(view.clock).toEqual({ offsetMs: 0, measuredAt: now });
    expect(view.refusedSamples).toBe(1);
  });

  it('keeps a week-old backlog as history without letting it replace newer health', async () => {
    await report(1, [sample(now, 30)]);
    now += 1_000;
    await report(2, [sample(now - 7 * 86_400_000, 80), sample(now - 6 * 86_400_000, 81)]);
    const rows = await hub.deps.db.selectFrom('samples').select('at').execute();
    expect(rows).toHaveLength(3);
    expect((await host()).health).toMatchObject({ at: NOW, cpuPct: 30 });
  });
});

describe('a hostile peer sending physically absurd values', () => {
  it.each([
    ['1e308 bytes of memory', { at: NOW, memory: { ...MEMORY, totalBytes: 1e308 } }],
    ['more memory used than installed', { at: NOW, memory: { ...MEMORY, usedBytes: 9e9 } }],
    ['a load average of 1e300', { at: NOW, cpu: { usagePct: 1, perCorePct: [], load: [1e300, 1, 1] } }],
    ['a negative counter', { at: NOW, processes: { total: -1, running: 0 } }],
    ['NaN (sent as null)', { at: NOW, cpu: { usagePct: null, perCorePct: [] } }],
  ])('refuses %s alone: counted, reported, the message acknowledged', async (_label, bad) => {
    const errors = await report(1, [bad, sample(NOW, 5)]);
    expect(errors).toMatchObject([{ code: 'SAMPLE_SCHEMA' }]);
    expect(String(errors[0]?.message).length).toBeLessThanOrEqual(LIMITS.maxTextLength);
    const rows = await hub.deps.db.selectFrom('samples').select(['at', 'cpu_pct']).execute();
    expect(rows).toEqual([{ at: NOW, cpu_pct: 5 }]);
    const view = await host();
    expect(view.refusedSamples).toBe(1);
    expect(view.health).toMatchObject({ cpuPct: 5 });
  });
});
