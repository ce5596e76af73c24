import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnrolResponse } from '@vigie/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolAgentState, runAgent } from '../support/agent-process.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { pollUntil, type RunningProcess, startProcess, stopAll } from '../support/processes.js';
import { drainSpool, reconcile, report } from '../support/reconcile.js';

// A real hub with its default limits (50 messages/s burst 200, 1 MiB/s burst 8 MiB, 10 violations
// in a row), two real agents reporting a sample a second through the recording relay, and two
// flooding processes with valid credentials: one sends small frames as fast as it can, the other
// ~450 KB frames; both reconnect at once after every close. The flooders must be limited (closed
// with 4032, their stored data bounded by their budget) and the agents' data all stored once.
// The agents' latency (sample taken → stored) is printed before and during the flood, not asserted.

const FLOODER = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'flooder.mjs');
const FLOOD_SEC = 10;
const LIMITS = {
  messagesPerSec: 50,
  messageBurst: 200,
  bytesPerSec: 1024 * 1024,
  byteBurst: 8 * 1024 * 1024,
  maxViolations: 10,
};

let dir: string;
let proxy: FaultProxy | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-flood-'));
});

afterEach(async () => {
  await proxy?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function enrolRaw(hub: TestHub, fingerprint: string): Promise<EnrolResponse & { fingerprint: string }> {
  const created = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
    method: 'POST',
    body: JSON.stringify({ client: 'flood', site: 'lab', maxUses: 1, ttlHours: 1 }),
  });
  const res = await fetch(`${hub.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: created.body.token,
      fingerprint,
      hostname: `flooder-${fingerprint.slice(0, 4)}`,
      os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
    }),
  });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as EnrolResponse), fingerprint };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

interface FloodSummary {
  frames: number;
  connections: number;
  closes: Record<string, number>;
  startedAt: number;
  endedAt: number;
}

describe('flood from one agent', () => {
  it('limits the flooders while every report of the other agents is stored; prints their latency', async () => {
    const hub = await startHub(dir, { args: ['--heartbeat-interval', '1'] });
    const dbPath = join(dir, 'hub.db');
    const relay = await startFaultProxy(hub.url);
    proxy = relay;
    const agents: Array<{ stateDir: string; agentId: string; hostId: string; process: RunningProcess }> = [];
    for (const name of ['one', 'two']) {
      const stateDir = join(dir, `agent-${name}`);
      // Two agents of this one machine: two clients, or the second enrolment would reattach the first's host.
      const { agentId, hostId } = await enrolAgentState(hub, stateDir, `e2e-${name}`);
      agents.push({ stateDir, agentId, hostId, process: runAgent(stateDir, relay.url) });
    }
    const ackedFor = (agentId: string) =>
      relay.frames.filter((f) => f.direction === 'down' && f.type === 'ack' && f.agentId === agentId).length;
    await pollUntil(
      async () => (agents.every((a) => ackedFor(a.agentId) >= 3) ? true : undefined),
      40_000,
      'both agents reporting',
    );
    const small = await enrolRaw(hub, 'f1f2f3f4f5f6f7f8f9f0e1e2e3e4e5e6');
    const big = await enrolRaw(hub, 'b1b2b3b4b5b6b7b8b9b0c1c2c3c4c5c6');
    const baselineFrom = Date.now();
    // A few seconds of normal reports to compare with.
    await pollUntil(
      async () => (agents.every((a) => ackedFor(a.agentId) >= 8) ? true : undefined),
      40_000,
      'a baseline of reports',
    );

    const flood = (who: EnrolResponse & { fingerprint: string }, extra: string[]) =>
      startProcess(FLOODER, [
        '--hub',
        hub.url,
        '--agent',
        who.agentId,
        '--secret',
        who.secret,
        '--fingerprint',
        who.fingerprint,
        '--seconds',
        String(FLOOD_SEC),
        ...extra,
      ]);
    const floodFrom = Date.now();
    const flooders = [flood(small, []), flood(big, ['--big'])];
    await Promise.all(flooders.map((f) => f.exited(FLOOD_SEC * 1000 + 30_000)));
    const floodTo = Date.now();
    const [smallRun, bigRun] = flooders.map(
      (f) => JSON.parse(f.output().trim().split('\n').at(-1) as string) as FloodSummary,
    );
    if (!smallRun || !bigRun) throw new Error('no flood summary');

    // The agents keep reporting; then their spools are emptied and everything reconciled.
    for (const agent of agents) await agent.process.stop();
    for (const agent of agents) {
      const hello = relay.hellos.find((h) => h.includes(agent.agentId)) as string;
      await drainSpool(agent.stateDir, relay.url, hello);
    }

    const db = new Database(dbPath, { readonly: true });
    try {
      const latencies = (from: number, to: number) =>
        (
          db
            .prepare(
              `select received_at - at as ms from samples
                where host_id in (?, ?) and at >= ? and at < ? order by ms`,
            )
            .all(agents[0]?.hostId, agents[1]?.hostId, from, to) as Array<{ ms: number }>
        ).map((r) => r.ms);
      const before = latencies(baselineFrom, floodFrom);
      const during = latencies(floodFrom, floodTo);
      console.log(
        `[measure] flood: other agents' report latency (sample taken → stored) before p50 ${percentile(before, 50)} ms p99 ${percentile(before, 99)} ms (${before.length} samples), during p50 ${percentile(during, 50)} ms p99 ${percentile(during, 99)} ms (${during.length} samples)`,
      );
      const storedFor = (agentId: string) =>
        (
          db
            .prepare(
              'select count(*) as n from samples s join agents a on a.host_id = s.host_id where a.id = ?',
            )
            .get(agentId) as { n: number }
        ).n;
      for (const [name, run, who, frameBytes] of [
        ['small frames', smallRun, small, 200],
        ['~450 KB frames', bigRun, big, 450_000],
      ] as const) {
        const stored = storedFor(who.agentId);
        const sec = (run.endedAt - run.startedAt) / 1000;
        console.log(
          `[measure] flood (${name}): ${run.frames} frames sent in ${sec.toFixed(1)} s over ${run.connections} connections, closes ${JSON.stringify(run.closes)}, ${stored} stored`,
        );
        // Limited: closed for its rate, and stored no more than its budget allows (plus the
        // frames each connection got delayed before being closed).
        expect(run.closes[4032] ?? 0).toBeGreaterThan(0);
        const budget = Math.min(
          LIMITS.messageBurst + LIMITS.messagesPerSec * (sec + 2),
          (LIMITS.byteBurst + LIMITS.bytesPerSec * (sec + 2)) / frameBytes,
        );
        expect(stored).toBeLessThanOrEqual(Math.ceil(budget) + LIMITS.maxViolations * run.connections);
        expect(stored).toBeLessThan(run.frames);
      }
    } finally {
      db.close();
    }
    for (const agent of agents) {
      const result = reconcile(dbPath, agent.agentId, relay.frames);
      report(`flood, other agent ${agent.agentId}`, result);
      expect(result).toMatchObject({ lost: 0, duplicates: 0, seqGaps: 0, declaredGaps: 0 });
      expect(result.stored).toBe(result.sent);
    }
  }, 180_000);
});
