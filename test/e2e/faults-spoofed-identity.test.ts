import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES, type EnrolResponse } from '@vigie/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { stopAll } from '../support/processes.js';
import { helloFor, openRawAgent } from '../support/raw-agent.js';
import { reconcile, report } from '../support/reconcile.js';

// A real hub process; two enrolled identities driven by hand through the recording relay. Agent A
// sends data naming B (agent id, host id, hostname) in every place a field could hide, confirms a
// credential "for B", and tries a second hello as B on its socket. Identity comes only from the
// credential checked at hello: A's data is stored as A's, B gets nothing, the rest is refused.

let dir: string;
let proxy: FaultProxy | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-spoof-'));
});

afterEach(async () => {
  await proxy?.close();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function enrol(
  hub: TestHub,
  token: string,
  fingerprint: string,
  hostname: string,
): Promise<EnrolResponse> {
  const res = await fetch(`${hub.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      fingerprint,
      hostname,
      os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
    }),
  });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${await res.text()}`);
  return (await res.json()) as EnrolResponse;
}

describe('spoofed identity inside messages', () => {
  it("stores A's data as A's whatever it claims, gives B nothing, and refuses to switch identity", async () => {
    const hub = await startHub(dir);
    const dbPath = join(dir, 'hub.db');
    const relay = await startFaultProxy(hub.url);
    proxy = relay;
    const created = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
      method: 'POST',
      body: JSON.stringify({ client: 'e2e', site: 'lab', maxUses: 2, ttlHours: 1 }),
    });
    const a = await enrol(hub, created.body.token, 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6', 'srv-a');
    const b = await enrol(hub, created.body.token, 'c1c2c3c4c5c6c7c8c9c0d1d2d3d4d5d6', 'srv-b');
    const claimB = { agentId: b.agentId, hostId: b.hostId, hostname: 'srv-b', host: b.hostId };
    const now = Date.now();

    const socket = await openRawAgent(relay.url);
    socket.send(
      helloFor(a, {
        fingerprint: 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6',
        hostname: 'srv-a',
        bootId: 'boot_spoof_001',
      }),
    );
    expect((await socket.next('welcome')).hostId).toBe(a.hostId);
    socket.send({
      type: 'metrics',
      bootId: 'boot_spoof_001',
      seq: 1,
      samples: [{ at: now, ...claimB }],
      ...claimB,
    });
    socket.send({
      type: 'checkState',
      bootId: 'boot_spoof_001',
      seq: 2,
      at: now,
      check: 'fs.usage',
      resource: '/var',
      state: 'critical',
      previous: 'ok',
      value: 97,
      threshold: 95,
      ...claimB,
    });
    const acks = async () => socket.received.filter((m) => m.type === 'ack').map((m) => m.seq);
    for (const deadline = Date.now() + 10_000; (await acks()).length < 2 && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await acks()).toEqual([1, 2]);
    // Confirming a rotation "for B" is a violation, not a request.
    socket.send({ type: 'credentialSaved', agentId: b.agentId });
    expect(await socket.closed()).toBe(CLOSE_CODES.PROTOCOL_ERROR.code);

    // One identity per socket: a second hello, as B, is refused.
    const switcher = await openRawAgent(relay.url);
    switcher.send(
      helloFor(a, {
        fingerprint: 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6',
        hostname: 'srv-a',
        bootId: 'boot_spoof_002',
      }),
    );
    await switcher.next('welcome');
    switcher.send(helloFor(b, { fingerprint: 'c1c2c3c4c5c6c7c8c9c0d1d2d3d4d5d6', bootId: 'boot_spoof_002' }));
    expect(await switcher.closed()).toBe(CLOSE_CODES.DUPLICATE_HELLO.code);

    const db = new Database(dbPath, { readonly: true });
    try {
      const count = (sql: string, arg: string) => (db.prepare(sql).get(arg) as { n: number }).n;
      for (const table of ['samples', 'check_states'])
        expect(count(`select count(*) as n from ${table} where host_id = ?`, b.hostId)).toBe(0);
      expect(count('select count(*) as n from agent_boots where agent_id = ?', b.agentId)).toBe(0);
      const hostB = db.prepare('select hostname, last_seen_at from hosts where id = ?').get(b.hostId) as {
        hostname: string;
        last_seen_at: number | null;
      };
      expect(hostB.hostname).toBe('srv-b');
      const hostA = db.prepare('select hostname from hosts where id = ?').get(a.hostId) as {
        hostname: string;
      };
      expect(hostA.hostname).toBe('srv-a');
      // Stored as A's, and nothing of the claim survives in what was kept (unknown keys dropped at the edge).
      const payloads = db.prepare('select payload from samples where host_id = ?').all(a.hostId) as Array<{
        payload: string;
      }>;
      expect(payloads).toHaveLength(1);
      expect(payloads[0]?.payload).not.toContain(b.hostId);
      expect(payloads[0]?.payload).not.toContain(b.agentId);
      const previous = db.prepare('select previous_secret_hash from agents where id = ?').get(b.agentId) as {
        previous_secret_hash: string | null;
      };
      expect(previous.previous_secret_hash).toBeNull();
    } finally {
      db.close();
    }
    const result = reconcile(dbPath, a.agentId, relay.frames);
    report('spoofed identity (agent A)', result);
    expect(result).toMatchObject({ sent: 2, stored: 2, lost: 0, duplicates: 0 });
  });
});
