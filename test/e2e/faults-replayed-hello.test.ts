import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES } from '@vigie/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countLines, enrolAgentState, runAgent } from '../support/agent-process.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startHub } from '../support/hub-fixture.js';
import { pollUntil, stopAll } from '../support/processes.js';
import { openRawAgent } from '../support/raw-agent.js';
import { drainSpool, reconcile, report } from '../support/reconcile.js';

// Real hub and agent processes on loopback. A network observer captured the agent's hello (and a
// data frame) on the relay and replays them on a new socket of its own. The relay answers the
// agent's upgrade itself, so the agent is offered no nonce and sends a legacy hello (the bare
// secret, 0025); this suite checks that deprecated path while legacy hellos are allowed. A hello
// proved over the hub's nonce is refused on any other socket: hostile-peer/replayed-hello.test.ts.
// For a legacy hello the hub cannot tell a replay from the agent reconnecting (same credential,
// fingerprint and boot), so the rules
// are: one session per agent, the newest; the one it replaces is told (4020) and the hub logs a
// warning — never two sessions at once, never silently; a replaced connection that was alive
// (it answered the 4020) opens the duplicate-identity security incident; replayed data changes
// nothing; and once the secret was rotated and confirmed, the captured hello is refused (4010).

let dir: string;
let proxy: FaultProxy | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-replay-'));
});

afterEach(async () => {
  await proxy?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('replayed handshake', () => {
  it('a captured hello supersedes the live session, never silently, and opens a security incident; replayed data changes nothing; a rotated secret ends it', async () => {
    const hub = await startHub(dir, { args: ['--heartbeat-interval', '1'] });
    const dbPath = join(dir, 'hub.db');
    const relay = await startFaultProxy(hub.url);
    proxy = relay;
    const stateDir = join(dir, 'agent');
    const { agentId, hostId } = await enrolAgentState(hub, stateDir);
    const agent = runAgent(stateDir, relay.url);
    const acked = () => relay.frames.filter((f) => f.direction === 'down' && f.type === 'ack');
    await pollUntil(async () => (acked().length >= 2 ? true : undefined), 30_000, 'the agent reporting');
    const capturedHello = relay.hellos[0] as string;
    const capturedData = relay.frames.find((f) => f.direction === 'up' && f.type === 'metrics');
    if (!capturedData) throw new Error('no metrics frame captured');
    const rowsOfCaptured = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db
          .prepare('select * from samples where boot_id = ? and seq = ?')
          .all(capturedData.bootId, capturedData.seq)
          .map((row) => JSON.stringify(row));
      } finally {
        db.close();
      }
    };
    const before = rowsOfCaptured();
    expect(before.length).toBeGreaterThan(0);

    // The agent cannot come back for now, so the replayer's session is the only one.
    relay.refuse(true);
    const replayer = await openRawAgent(hub.url);
    replayer.send(capturedHello);
    replayer.send(capturedData.raw);
    expect((await replayer.next('welcome', 10_000)).hostId).toBe(hostId);
    // The replayed frame is recognised: acknowledged as already committed, nothing stored again.
    expect(await replayer.next('ack', 10_000)).toMatchObject({ bootId: capturedData.bootId });
    expect(rowsOfCaptured()).toEqual(before);
    // The live session was told, and the hub logged it with a code.
    await agent.waitFor(/"code":4020[^\n]*disconnected from hub/, 10_000);
    await hub.process.waitFor(
      /SUPERSEDED[^\n]*agent already connected|agent already connected[^\n]*SUPERSEDED/,
      10_000,
    );

    // The agent comes back and replaces the replayer in turn; its data flows again.
    const connects = countLines(agent, /connected to hub/);
    relay.refuse(false);
    expect(await replayer.closed(30_000)).toBe(CLOSE_CODES.SUPERSEDED.code);
    await pollUntil(
      async () => (countLines(agent, /connected to hub/) > connects ? true : undefined),
      30_000,
      'the agent back',
    );
    // Each replaced connection answered the 4020, so both were alive: one credential, two live
    // holders. That is a security incident, not a reconnect.
    const incident = await pollUntil(
      async () => (await hub.incidents(hostId, 'security.duplicate-identity'))[0],
      10_000,
      'the duplicate-identity incident',
    );
    expect(incident.occurrences).toBeGreaterThanOrEqual(2);
    await hub.process.waitFor(/DUPLICATE_SESSION/, 10_000);

    // Rotated (and confirmed by the agent), the captured secret is worthless.
    const rotated = await hub.api<{ agents: Array<{ delivered: boolean }> }>(
      `/api/v1/hosts/${hostId}/rotate-credential`,
      {
        method: 'POST',
      },
    );
    expect(rotated.body.agents[0]?.delivered).toBe(true);
    await hub.process.waitFor(/agent saved its new secret/, 20_000);
    const late = await openRawAgent(hub.url);
    late.send(capturedHello);
    expect(await late.closed(10_000)).toBe(CLOSE_CODES.AUTH_FAILED.code);

    await agent.stop();
    await drainSpool(stateDir, relay.url, capturedHello);
    const result = reconcile(dbPath, agentId, relay.frames);
    report('replayed hello', result);
    expect(result).toMatchObject({ lost: 0, duplicates: 0, seqGaps: 0, declaredGaps: 0 });
    expect(result.stored).toBe(result.sent);
  }, 120_000);
});
