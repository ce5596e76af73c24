import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSpool, SILENT_LOG } from '@vigie/agent';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countLines, enrolAgentState, killHard, runAgent } from '../support/agent-process.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startHub } from '../support/hub-fixture.js';
import { pollUntil, stopAll } from '../support/processes.js';
import { drainSpool, reconcile, report, sentBy } from '../support/reconcile.js';

// Real hub and agent processes on loopback, through a recording relay. The agent is killed with
// SIGKILL while its spool holds both kinds of pending messages: sent with a seq but never
// acknowledged (the relay swallowed the acks), and never sent (the hub was out of reach). The
// restarted agent must deliver all of them, and the hub store each exactly once.

let dir: string;
let proxy: FaultProxy | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-agentkill-'));
});

afterEach(async () => {
  await proxy?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** What the spool at `spoolDir` holds, read from a copy so the agent's own files stay as the kill left them. */
function spoolContents(spoolDir: string) {
  const copy = join(dir, `spool-copy-${Date.now()}`);
  cpSync(spoolDir, copy, { recursive: true });
  const opened = openSpool({ dir: copy, bootId: 'boot_reader_0001', log: SILENT_LOG, clock: Date.now });
  if (!opened.ok) throw new Error(opened.message);
  const { recovered } = opened.spool;
  opened.spool.close();
  return recovered;
}

describe('agent kill -9 with a non-empty spool', () => {
  it('restarted, the agent delivers what it had sent unacknowledged and what it had not sent, each stored once', async () => {
    const hub = await startHub(dir, { args: ['--heartbeat-interval', '1'] });
    const dbPath = join(dir, 'hub.db');
    const relay = await startFaultProxy(hub.url);
    proxy = relay;
    const stateDir = join(dir, 'agent');
    const { agentId, hostId } = await enrolAgentState(hub, stateDir);
    const agent = runAgent(stateDir, relay.url);
    const acks = () => relay.frames.filter((f) => f.direction === 'down' && f.type === 'ack' && !f.dropped);
    await pollUntil(
      async () => (acks().length >= 3 ? true : undefined),
      30_000,
      'a few acknowledged messages',
    );

    // Sent but unacknowledged: the hub commits, the agent never hears it.
    relay.dropAcks(1_000_000);
    await pollUntil(async () => (relay.droppedAcks >= 3 ? true : undefined), 20_000, 'acks swallowed');
    // Never sent: the hub is out of reach, samples pile up in the spool.
    relay.refuse(true);
    relay.cutAll();
    await pollUntil(
      async () => (spoolContents(join(stateDir, 'spool')).unsent >= 2 ? true : undefined),
      30_000,
      'samples spooled while the hub is out of reach',
    );
    await killHard(agent);
    const atKill = spoolContents(join(stateDir, 'spool'));
    expect(atKill.sent).toBeGreaterThanOrEqual(3);
    expect(atKill.unsent).toBeGreaterThanOrEqual(1);

    relay.dropAcks(0);
    relay.refuse(false);
    const restarted = runAgent(stateDir, relay.url);
    await restarted.waitFor(/spool recovered from the previous run/, 20_000);
    const firstBoot = relay.frames.find((f) => f.direction === 'up' && f.type === 'hello');
    const firstBootId = (JSON.parse(firstBoot?.raw ?? '{}') as { bootId?: string }).bootId;
    // Its pending messages of the killed boot are resent and acknowledged under their old keys.
    await pollUntil(
      async () => {
        const r = reconcile(dbPath, agentId, relay.frames);
        const resentOld = relay.frames.some(
          (f) =>
            f.direction === 'down' &&
            f.type === 'ack' &&
            !f.dropped &&
            f.bootId === firstBootId &&
            f.connection > 1,
        );
        return r.lost === 0 && resentOld && countLines(restarted, /connected to hub/) >= 1 ? true : undefined;
      },
      30_000,
      'the spool of the killed agent delivered',
    );

    await restarted.stop();
    await drainSpool(stateDir, relay.url, relay.hellos[0] as string);
    const result = reconcile(dbPath, agentId, relay.frames);
    report(`agent kill -9 (spool at kill: ${atKill.sent} sent unacked, ${atKill.unsent} unsent)`, result);
    expect(sentBy(relay.frames, agentId).resent).toBeGreaterThanOrEqual(3);
    expect(result).toMatchObject({ lost: 0, duplicates: 0, seqGaps: 0, declaredGaps: 0 });
    expect(result.stored).toBe(result.sent);
    // A crash and a restart are reconnects, not a copied credential.
    expect(await hub.incidents(hostId, 'security.duplicate-identity')).toHaveLength(0);
  });
});
