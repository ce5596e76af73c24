import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countLines, enrolAgentState, runAgent } from '../support/agent-process.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startHub } from '../support/hub-fixture.js';
import { pollUntil, stopAll } from '../support/processes.js';
import { drainSpool, reconcile, report, sentBy } from '../support/reconcile.js';

// Real hub and agent processes on loopback, a relay between them that swallows the hub's acks:
// the hub has committed, the agent never learns it, the connection is cut, and the agent resends
// after reconnecting. The resends must change nothing: same rows, stored once.

let dir: string;
let proxy: FaultProxy | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-ack-'));
});

afterEach(async () => {
  await proxy?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Every stored row of the given keys, as text, to compare before and after a replay. */
function rowsOf(dbPath: string, keys: Array<{ bootId: string; seq: number }>): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows: string[] = [];
    for (const { bootId, seq } of keys) {
      for (const table of ['samples', 'check_states'])
        rows.push(
          ...db
            .prepare(`select * from ${table} where boot_id = ? and seq = ? order by 1, 2, 3`)
            .all(bootId, seq)
            .map((row) => `${table} ${JSON.stringify(row)}`),
        );
    }
    return rows;
  } finally {
    db.close();
  }
}

/** Start hub, relay and agent, and wait until the agent's data is flowing and acknowledged. */
async function streaming() {
  const hub = await startHub(dir, { args: ['--heartbeat-interval', '1'] });
  const relay = await startFaultProxy(hub.url);
  proxy = relay;
  const stateDir = join(dir, 'agent');
  const { agentId } = await enrolAgentState(hub, stateDir);
  const agent = runAgent(stateDir, relay.url);
  await pollUntil(
    async () => (acked(relay).length >= 3 ? true : undefined),
    30_000,
    'a few acknowledged messages',
  );
  return { dbPath: join(dir, 'hub.db'), relay, stateDir, agentId, agent };
}

const acked = (relay: FaultProxy) =>
  relay.frames.filter((f) => f.direction === 'down' && f.type === 'ack' && !f.dropped);
const swallowed = (relay: FaultProxy) =>
  relay.frames.filter((f) => f.dropped).map((f) => ({ bootId: f.bootId as string, seq: f.seq as number }));

describe('dropped ack', () => {
  it('same boot: after the cut the welcome tells the agent what the hub holds, so nothing committed is sent twice', async () => {
    const { dbPath, relay, stateDir, agentId, agent } = await streaming();
    relay.dropAcks(3);
    await pollUntil(async () => (relay.droppedAcks === 3 ? true : undefined), 20_000, 'three acks swallowed');
    const lost = swallowed(relay);
    const before = rowsOf(dbPath, lost);
    // Committed before the ack left: the rows are there (an inventory chunk has none by key).
    expect(lost).toHaveLength(3);
    expect(before.length).toBeGreaterThanOrEqual(1);
    await pollUntil(
      async () => (countLines(agent, /connected to hub/) >= 2 ? true : undefined),
      20_000,
      'the agent reconnecting',
    );
    const welcome = relay.frames.find(
      (f) => f.direction === 'down' && f.type === 'welcome' && f.connection > 1,
    );
    const ackedSeq = (JSON.parse(welcome?.raw ?? '{}') as { ackedSeq?: number }).ackedSeq ?? 0;
    expect(ackedSeq).toBeGreaterThanOrEqual(Math.max(...lost.map((k) => k.seq)));
    await agent.stop();
    await drainSpool(stateDir, relay.url, relay.hellos[0] as string);
    const result = reconcile(dbPath, agentId, relay.frames);
    report('dropped ack, same boot', result);
    expect(rowsOf(dbPath, lost)).toEqual(before);
    expect(result).toMatchObject({ lost: 0, duplicates: 0, seqGaps: 0, declaredGaps: 0 });
    expect(result.stored).toBe(result.sent);
  });

  it('across a restart: the agent resends what the hub committed but never acknowledged to it, and the replay changes nothing', async () => {
    const { dbPath, relay, stateDir, agentId, agent } = await streaming();
    // The acks are lost, the connection is cut, and the agent cannot come back before it stops.
    relay.refuse(true);
    relay.dropAcks(3);
    await pollUntil(async () => (relay.droppedAcks === 3 ? true : undefined), 20_000, 'three acks swallowed');
    const lost = swallowed(relay);
    const before = rowsOf(dbPath, lost);
    // Committed before the ack left: the rows are there (an inventory chunk has none by key).
    expect(lost).toHaveLength(3);
    expect(before.length).toBeGreaterThanOrEqual(1);
    await agent.stop();

    // Its next run resends them under their first (bootId, seq): the hub recognises them.
    relay.refuse(false);
    const firstRunConnections = Math.max(...relay.frames.map((f) => f.connection));
    const restarted = runAgent(stateDir, relay.url);
    const later = () => relay.frames.filter((f) => f.connection > firstRunConnections);
    await pollUntil(
      async () =>
        lost.every((key) =>
          later().some((f) => f.direction === 'up' && f.bootId === key.bootId && f.seq === key.seq),
        )
          ? true
          : undefined,
      30_000,
      'the unacknowledged messages resent',
    );
    await pollUntil(
      async () =>
        lost.every((key) =>
          later().some(
            (a) =>
              a.direction === 'down' &&
              a.type === 'ack' &&
              a.bootId === key.bootId &&
              (a.seq ?? 0) >= key.seq,
          ),
        )
          ? true
          : undefined,
      20_000,
      'the resends acknowledged',
    );
    expect(rowsOf(dbPath, lost)).toEqual(before);

    await restarted.stop();
    await drainSpool(stateDir, relay.url, relay.hellos[0] as string);
    const result = reconcile(dbPath, agentId, relay.frames);
    report('dropped ack, agent restarted', result);
    expect(sentBy(relay.frames, agentId).resent).toBeGreaterThanOrEqual(3);
    expect(result).toMatchObject({ lost: 0, duplicates: 0, seqGaps: 0, declaredGaps: 0 });
    expect(result.stored).toBe(result.sent);
  });
});
