import { CLOSE_CODES, type EnrolResponse, LIMITS, type MetricsMessage } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findHost } from '../repositories/hosts.js';
import type { RunningHub } from '../server.js';
import { enrolTestAgent, helloFor, startTestHub } from '../test-support/test-hub.js';
import { connectPeer, type Peer } from '../test-support/ws-peer.js';

const sample = (at: number, cpu = 42) => ({
  at,
  cpu: { usagePct: cpu, perCorePct: [cpu, cpu], load: [0.5, 0.4, 0.3] as [number, number, number] },
  memory: {
    totalBytes: 8e9,
    usedBytes: 2e9,
    availableBytes: 6e9,
    usedPct: 25,
    swapTotalBytes: 1e9,
    swapUsedBytes: 0,
    swapUsedPct: 0,
  },
  filesystems: [
    {
      mount: '/',
      device: '/dev/sda1',
      fsType: 'ext4',
      sizeBytes: 1e11,
      usedBytes: 6e10,
      freeBytes: 4e10,
      usedPct: 60,
    },
    {
      mount: '/var',
      device: '/dev/sda2',
      fsType: 'ext4',
      sizeBytes: 1e11,
      usedBytes: 9e10,
      freeBytes: 1e10,
      usedPct: 90,
    },
  ],
});

const metrics = (seq: number, at = 1_764_000_000_000 + seq * 10_000): MetricsMessage => ({
  type: 'metrics',
  bootId: 'boot_test_0001',
  seq,
  samples: [sample(at)],
});

let hub: RunningHub;
let credential: EnrolResponse;
const peers: Peer[] = [];

async function peer(): Promise<Peer> {
  const p = await connectPeer(hub.url);
  peers.push(p);
  return p;
}

async function welcomed(): Promise<Peer> {
  const p = await peer();
  p.send(helloFor(credential));
  const welcome = await p.next();
  expect(welcome.type).toBe('welcome');
  return p;
}

beforeEach(async () => {
  hub = await startTestHub({ helloTimeoutSec: 1 });
  credential = await enrolTestAgent(hub.deps);
});

afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await hub.close();
});

describe('agent socket', () => {
  describe('handshake', () => {
    it('welcomes an agent with a valid credential, with its host id and policy', async () => {
      const p = await peer();
      p.send(helloFor(credential));
      const welcome = await p.next();
      expect(welcome).toMatchObject({ type: 'welcome', hostId: credential.hostId, ackedSeq: 0 });
      expect(welcome.type === 'welcome' && welcome.policy.metricsIntervalSec).toBe(10);
      const host = await hub.deps.db.selectFrom('hosts').selectAll().executeTakeFirstOrThrow();
      expect(host).toMatchObject({ connected: 1, agent_version: '0.1.0-test' });
    });

    it.each([
      [
        'a wrong secret',
        (c: EnrolResponse) => helloFor(c, { credential: { agentId: c.agentId, secret: 'x'.repeat(40) } }),
        'AUTH_FAILED',
      ],
      [
        'an unknown agent id',
        (c: EnrolResponse) => helloFor(c, { credential: { agentId: 'agt_unknown0000', secret: c.secret } }),
        'AUTH_FAILED',
      ],
      [
        'another machine',
        (c: EnrolResponse) => helloFor(c, { fingerprint: 'ffffffffffffffffffffffffffffffff' }),
        'FINGERPRINT_MISMATCH',
      ],
      [
        'a future protocol',
        (c: EnrolResponse) => helloFor(c, { protocolVersion: 99 }),
        'UNSUPPORTED_VERSION',
      ],
    ] as const)(
      'refuses %s with its close code and stores nothing sent behind it',
      async (_label, hello, code) => {
        const p = await peer();
        p.send(hello(credential));
        p.send(metrics(1));
        expect((await p.closed()).code).toBe(CLOSE_CODES[code].code);
        const rows = await hub.deps.db.selectFrom('samples').selectAll().execute();
        expect(rows).toEqual([]);
      },
    );

    it('refuses a revoked credential', async () => {
      await hub.deps.db.updateTable('agents').set({ revoked_at: 1 }).execute();
      const p = await peer();
      p.send(helloFor(credential));
      expect((await p.closed()).code).toBe(CLOSE_CODES.CREDENTIAL_REVOKED.code);
    });

    it('closes with 4003 when data comes before hello', async () => {
      const p = await peer();
      p.send(metrics(1));
      expect((await p.closed()).code).toBe(4003);
    });

    it('closes with 4006 when no hello comes in time', async () => {
      const p = await peer();
      expect((await p.closed()).code).toBe(CLOSE_CODES.HELLO_TIMEOUT.code);
    });

    it('closes the older socket with 4020 when the same agent connects again', async () => {
      const first = await welcomed();
      const second = await welcomed();
      expect((await first.closed()).code).toBe(CLOSE_CODES.SUPERSEDED.code);
      second.send(metrics(1));
      expect(await second.next()).toMatchObject({ type: 'ack', seq: 1 });
      const host = await hub.deps.db.selectFrom('hosts').select('connected').executeTakeFirstOrThrow();
      expect(host.connected).toBe(1);
    });
  });

  describe('data', () => {
    it('acknowledges a metrics message after storing one row per sample and the host health', async () => {
      const p = await welcomed();
      p.send(metrics(1));
      expect(await p.next()).toEqual({ type: 'ack', bootId: 'boot_test_0001', seq: 1 });
      const rows = await hub.deps.db.selectFrom('samples').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        host_id: credential.hostId,
        cpu_pct: 42,
        mem_pct: 25,
        disk_max_pct: 90,
        load1: 0.5,
      });
      expect(JSON.parse(rows[0]!.payload)).toEqual(sample(1_764_000_010_000));
      const host = await hub.deps.db.selectFrom('hosts').selectAll().executeTakeFirstOrThrow();
      expect(host).toMatchObject({ cpu_pct: 42, disk_max_pct: 90, last_sample_at: 1_764_000_010_000 });
    });

    it('stores a resent message once and acknowledges it again', async () => {
      const p = await welcomed();
      p.send(metrics(1));
      p.send(metrics(2));
      // Both may share one commit, and then one ack: read acks until the one covering seq 2.
      while (((await p.next()) as { seq?: number }).seq !== 2);
      p.send(metrics(1));
      expect(await p.next()).toMatchObject({ type: 'ack', seq: 2 });
      const rows = await hub.deps.db.selectFrom('samples').select('seq').execute();
      expect(rows.map((r) => r.seq).sort()).toEqual([1, 2]);
    });

    it('tells a reconnecting agent what is already committed for its boot', async () => {
      const p = await welcomed();
      p.send(metrics(1));
      await p.next();
      p.close();
      const again = await peer();
      again.send(helloFor(credential));
      expect(await again.next()).toMatchObject({ type: 'welcome', ackedSeq: 1 });
    });

    it('keeps inventory strings verbatim, markup included', async () => {
      const p = await welcomed();
      const hostile = '<img src=x onerror=alert(1)> Outil "spécial" \u0000';
      p.send({
        type: 'inventory',
        bootId: 'boot_test_0001',
        seq: 1,
        at: 1,
        hash: 'hash-0001',
        chunk: 0,
        chunks: 2,
        hardware: { manufacturer: hostile },
        software: [{ name: 'a', version: '1', source: 'dpkg' }],
      });
      p.send({
        type: 'inventory',
        bootId: 'boot_test_0001',
        seq: 2,
        at: 1,
        hash: 'hash-0001',
        chunk: 1,
        chunks: 2,
        software: [{ name: hostile, version: '2', source: 'dpkg' }],
      });
      await p.next();
      await p.next();
      const row = await hub.deps.db.selectFrom('inventories').selectAll().executeTakeFirstOrThrow();
      const inventory = JSON.parse(row.payload);
      expect(inventory.hardware.manufacturer).toBe(hostile);
      expect(inventory.software.map((s: { name: string }) => s.name)).toEqual(['a', hostile]);
    });
  });

  describe('bad input', () => {
    it.each([
      ['not JSON', '{"type":', 4001],
      ['an unknown type', { type: 'exec', cmd: 'id' }, 4002],
      ['a metrics envelope over its bounds', { ...metrics(1), seq: 0 }, 4002],
    ])('closes on %s, stores nothing, and keeps serving other agents', async (_label, frame, code) => {
      const other = await enrolTestAgent(hub.deps, 'pc-other', 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6');
      const good = await peer();
      good.send(
        helloFor(other, { fingerprint: 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6', bootId: 'boot_other_01' }),
      );
      await good.next();

      const bad = await welcomed();
      bad.send(frame);
      expect((await bad.closed()).code).toBe(code);

      good.send({ ...metrics(1), bootId: 'boot_other_01' });
      expect(await good.next()).toMatchObject({ type: 'ack', seq: 1 });
      const rows = await hub.deps.db.selectFrom('samples').select('host_id').execute();
      expect(rows).toEqual([{ host_id: other.hostId }]);
    });

    it('refuses a sample over its bounds alone: counted, reported, and its message acknowledged', async () => {
      const p = await welcomed();
      p.send({ ...metrics(1), samples: [{ at: 1, cpu: { usagePct: 101, perCorePct: [] } }, sample(2)] });
      expect(await p.next()).toMatchObject({ type: 'error', code: 'SAMPLE_SCHEMA', seq: 1 });
      expect(await p.next()).toMatchObject({ type: 'ack', seq: 1 });
      const rows = await hub.deps.db.selectFrom('samples').select('at').execute();
      expect(rows).toEqual([{ at: 2 }]);
      const host = await findHost(hub.deps.db, credential.hostId);
      expect(Number(host?.refused_samples)).toBe(1);
    });

    it('closes with 1009 on a frame over the size limit', async () => {
      const p = await welcomed();
      p.send('x'.repeat(LIMITS.maxFrameBytes + 1));
      expect((await p.closed()).code).toBe(1009);
    });
  });

  describe('lifecycle', () => {
    it('closes agent sockets with "service restart" when the hub stops', async () => {
      const p = await welcomed();
      const closing = p.closed();
      await hub.close();
      expect((await closing).code).toBe(CLOSE_CODES.SERVICE_RESTART.code);
    });

    it('does not ping an agent that keeps sending frames, and pings it once it stops (0042)', async () => {
      await hub.close();
      hub = await startTestHub({ heartbeatIntervalSec: 0.5 });
      credential = await enrolTestAgent(hub.deps);
      const p = await welcomed();
      let pings = 0;
      p.socket.on('ping', () => pings++);
      // The agent's own heartbeat, far more often than the hub's: each tick finds a frame.
      const chatter = setInterval(() => p.socket.ping(), 10);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      clearInterval(chatter);
      expect(pings).toBe(0);
      await expect.poll(() => pings).toBeGreaterThan(0);
      expect(p.socket.readyState).toBe(p.socket.OPEN);
    });

    it('terminates an agent that stops answering pings', async () => {
      await hub.close();
      hub = await startTestHub({ heartbeatIntervalSec: 0.1 });
      credential = await enrolTestAgent(hub.deps);
      const p = await welcomed();
      // ws answers pings automatically; pausing the socket stops it from reading them.
      p.socket.pause();
      await expect
        .poll(
          async () =>
            (await hub.deps.db.selectFrom('hosts').select('connected').executeTakeFirstOrThrow()).connected,
        )
        .toBe(0);
      const health = await (await fetch(`${hub.url}/healthz`)).json();
      expect(health).toMatchObject({ agentsConnected: 0 });
    });
  });
});
