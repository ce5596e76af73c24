import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSpool, SILENT_LOG } from '@vigie/agent';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolAgentState, killHard, runAgent, waitForLines } from '../support/agent-process.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { measure, startHub } from '../support/hub-fixture.js';
import { HUB_BIN, pollUntil, startProcess, stopAll } from '../support/processes.js';
import { drainSpool, reconcile, report } from '../support/reconcile.js';

// Real hub and agent processes on loopback. The hub is killed (SIGKILL) and stays down for
// several of the agent's reconnect attempts; the agent's spool holds an outage's worth of samples
// (BACKLOG, seeded before it starts: an agent collecting a sample a second would need hours).
// When the hub is back the backlog must drain at the agent's default rate (2 batches/s), behind
// live data and behind a check transition that happens during the drain, and end stored once.
// VIGIE_FAULTS_BACKLOG=10000 gives the figure of docs/reliability.md (~45 s of drain).

const BACKLOG = Number(process.env.VIGIE_FAULTS_BACKLOG ?? 1_500);
const DRAIN_RATE = 2; // the agent's default: backlog metrics messages per second
const BATCH = 120; // LIMITS.maxSamplesPerBatch

let dir: string;
let proxy: FaultProxy | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-hubdown-'));
});

afterEach(async () => {
  await proxy?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** A policy whose memory check fires on the first sample it sees (any machine uses over 1 %). */
const FIRING_POLICY = {
  checks: [
    {
      kind: 'memory.pressure',
      enabled: true,
      direction: 'above',
      warning: { trigger: 1, clear: 0.5 },
      critical: { trigger: 2, clear: 1 },
      forSec: 0,
      clearForSec: 0,
    },
  ],
};

describe('hub down for a while, then back', () => {
  it(`drains a backlog of ${BACKLOG} samples at a bounded rate, behind live data and a fresh check transition, stored once`, async () => {
    const hub = await startHub(dir, { args: ['--heartbeat-interval', '1'] });
    const dbPath = join(dir, 'hub.db');
    const relay = await startFaultProxy(hub.url);
    proxy = relay;
    const stateDir = join(dir, 'agent');
    const { agentId } = await enrolAgentState(hub, stateDir);

    // What the agent collected while the hub was unreachable, oldest first, one sample a second.
    const seeded = openSpool({
      dir: join(stateDir, 'spool'),
      bootId: 'boot_outage_0001',
      log: SILENT_LOG,
      clock: Date.now,
    });
    if (!seeded.ok) throw new Error(seeded.message);
    const outageStart = Date.now() - BACKLOG * 1000;
    const seedEnd = outageStart + BACKLOG * 1000;
    for (let i = 0; i < BACKLOG; i += 1)
      seeded.spool.outbox.enqueue({ type: 'metrics', sample: { at: outageStart + i * 1000 } });
    seeded.spool.close();

    await killHard(hub.process);
    relay.refuse(true);
    const agent = runAgent(stateDir, relay.url);
    // Longer than several backoff steps (full jitter under 1, 2, 4 s ceilings).
    await waitForLines(agent, /disconnected from hub/, 3, 60_000);

    const policyFile = join(dir, 'firing-policy.json');
    writeFileSync(policyFile, JSON.stringify(FIRING_POLICY));
    const back = startProcess(HUB_BIN, [
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--db',
      dbPath,
      '--heartbeat-interval',
      '1',
      '--policy',
      policyFile,
    ]);
    const url = (await back.waitFor(/listening (http:\/\/\S+)/))[1] as string;
    relay.retarget(url);
    relay.refuse(false);
    await agent.waitFor(/connected to hub/, 40_000);
    const reconnectedAt = Date.now();

    const db = new Database(dbPath, { readonly: true });
    try {
      const backlogDone = () =>
        (db.prepare('select count(*) as n from samples where at < ?').get(seedEnd) as { n: number }).n >=
        BACKLOG;
      await pollUntil(
        async () => (backlogDone() ? true : undefined),
        40_000 + (BACKLOG / BATCH / DRAIN_RATE) * 3000,
        'backlog drained',
      );
      await pollUntil(
        async () =>
          (db.prepare('select count(*) as n from check_states').get() as { n: number }).n > 0 || undefined,
        20_000,
        'the check transition stored',
      );

      const seededRows = db
        .prepare('select seq, received_at from samples where at < ? order by received_at')
        .all(seedEnd) as Array<{ seq: number; received_at: number }>;
      const firstBacklog = seededRows[0]?.received_at ?? 0;
      const lastBacklog = seededRows.at(-1)?.received_at ?? 0;
      const transition = db.prepare('select min(received_at) as at from check_states').get() as {
        at: number;
      };
      const liveBeforeEnd = db
        .prepare('select count(*) as n from samples where at > ? and received_at < ?')
        .get(reconnectedAt, lastBacklog) as { n: number };
      const backlogMessages = new Set(seededRows.map((r) => r.seq)).size;
      const drainSec = (lastBacklog - firstBacklog) / 1000;
      measure(
        `hub down: ${BACKLOG} backlog samples in ${backlogMessages} messages drained`,
        lastBacklog - firstBacklog,
      );
      measure('hub down: reconnect to check transition stored', transition.at - reconnectedAt);

      // A transition that happened during the drain was stored before the old samples were.
      expect(transition.at).toBeLessThan(lastBacklog);
      // Live samples went out between backlog batches, not after them.
      expect(liveBeforeEnd.n).toBeGreaterThan(0);
      // Paced: never faster than the drain rate (plus the pacer's burst of 2); slower is fine.
      expect(backlogMessages).toBeLessThanOrEqual(Math.ceil(drainSec * DRAIN_RATE) + 3);
    } finally {
      db.close();
    }

    await agent.stop();
    await drainSpool(stateDir, relay.url, relay.hellos[0] as string);
    const result = reconcile(dbPath, agentId, relay.frames);
    report(`hub down (backlog ${BACKLOG})`, result);
    expect(result).toMatchObject({ lost: 0, duplicates: 0, seqGaps: 0, declaredGaps: 0 });
    expect(result.stored).toBe(result.sent);
  }, 240_000);
});
