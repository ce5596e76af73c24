import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, hubWebSocketUrl, openSpool, SILENT_LOG, type Spool } from '@vigie/agent';
import { createUserWithToken } from '@vigie/hub';
import { PROTOCOL_VERSION } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { measure } from '../support/hub-fixture.js';
import { enrolInProcess, startInProcessHub, TEST_FINGERPRINT, TEST_OS } from '../support/in-process-hub.js';
import { holdsFor } from '../support/processes.js';
import { type MountedTmpfs, mountTmpfs, unmountAll } from '../support/tmpfs.js';

// The hub's database on a 24 MiB tmpfs the test fills until SQLite fails (SQLITE_FULL), then
// empties: the hub must degrade, not crash, the agent must spool, and after recovery everything
// sent must be stored exactly once (sent = stored + declared gaps). Needs root, as CI has.

const FINGERPRINT = TEST_FINGERPRINT;
const OS = TEST_OS;
const cleanups: Array<() => Promise<void> | void> = [];

async function pollUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A sample made heavy on purpose (30 filesystems with long paths), so a few fill SQLite's WAL. */
function heavySample(at: number) {
  const filesystems = Array.from({ length: 30 }, (_, i) => ({
    mount: `/srv/${'m'.repeat(180)}/${i}`,
    device: `/dev/mapper/${'d'.repeat(60)}-${i}`,
    fsType: 'ext4',
    sizeBytes: 1e12,
    usedBytes: 5e11,
    freeBytes: 5e11,
    usedPct: 50,
  }));
  return { type: 'metrics', sample: { at, filesystems } } as const;
}

/** Write filler files until the filesystem refuses (ENOSPC); returns how many bytes went in. */
function fillCompletely(fs: MountedTmpfs): number {
  let written = 0;
  for (let i = 0, size = 1 << 20; size >= 512 && i < 10_000; i += 1) {
    try {
      writeFileSync(join(fs.path, `filler-${i}.bin`), Buffer.alloc(size, 0x5a));
      written += size;
    } catch {
      size >>= 1;
    }
  }
  return written;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await unmountAll();
});

describe('hub storage full', () => {
  it('degrades /healthz and stops acknowledging while SQLite cannot write, then stores everything once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-storage-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fs = await mountTmpfs(join(dir, 'db'), 24 * 1024 * 1024);
    cleanups.push(() => fs.unmount());
    const hub = await startInProcessHub({ db: join(fs.path, 'hub.db') });
    cleanups.push(() => hub.close());
    const admin = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
    if (!admin.ok) throw new Error('admin');
    const api = async <T>(path: string) => {
      const res = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${admin.token}` } });
      return { status: res.status, body: (await res.json()) as T };
    };
    const credential = await enrolInProcess(hub, 'srv-full');

    const opened = openSpool({
      dir: join(dir, 'spool'),
      bootId: 'boot_storage_1',
      log: SILENT_LOG,
      clock: Date.now,
      maxBatchSamples: 5,
      drainRatePerSec: 50,
    });
    if (!opened.ok) throw new Error(opened.message);
    const spool: Spool = opened.spool;
    cleanups.push(() => spool.close());
    let disconnects = 0;
    const connection = createConnection({
      url: hubWebSocketUrl(hub.url),
      hello: () => ({
        protocolVersion: PROTOCOL_VERSION,
        credential: { agentId: credential.agentId, secret: credential.secret },
        fingerprint: FINGERPRINT,
        agentVersion: '0.1.0-e2e',
        hostname: 'srv-full',
        os: OS,
      }),
      outbox: spool.outbox,
      onEvent: (event) => {
        if (event.type === 'disconnected') disconnects += 1;
      },
      log: SILENT_LOG,
      clock: Date.now,
      random: Math.random,
      backoff: { baseMs: 50, capMs: 400 },
    });
    cleanups.push(() => connection.close());
    connection.start();

    const base = Date.now();
    let sent = 0;
    const send = (n: number) => {
      for (let i = 0; i < n; i += 1) {
        sent += 1;
        spool.outbox.enqueue(heavySample(base + sent));
      }
      connection.flush();
    };
    const points = async () =>
      (
        await api<{ points: unknown[] }>(
          `/api/v1/hosts/${credential.hostId}/metrics?from=0&to=${base + 1_000_000}&limit=100000`,
        )
      ).body.points.length;
    const health = () => api<{ status: string; reason?: string }>('/healthz');

    send(20);
    await pollUntil(async () => (await points()) === 20, 'first samples stored');
    expect((await health()).status).toBe(200);

    fillCompletely(fs);
    // Keep sending until a commit hits the full disk (the WAL may have room for a few first).
    const failStarted = Date.now();
    await pollUntil(async () => {
      if ((await health()).status === 503) return true;
      send(5);
      return false;
    }, 'the hub to notice the full disk');
    const degraded = await health();
    expect(degraded.body).toMatchObject({
      status: 'degraded',
      reason: expect.stringMatching(/SQLITE_FULL|SQLITE_IOERR/),
    });
    measure('storage full: failure to degraded /healthz', Date.now() - failStarted);

    // While full: the agent keeps everything unacknowledged in its spool; the hub stays up.
    send(30);
    // Read from the database directly: the API records each token use, a write that fails now.
    const stored = async () =>
      Number(
        (
          await hub.deps.db
            .selectFrom('samples')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const storedWhileFull = await stored();
    await pollUntil(
      async () => spool.outbox.stats().queued + spool.outbox.stats().inFlight >= 30,
      'agent spooling',
    );
    // Two seconds full: nothing stored, still degraded, and the agent's reconnects back off.
    await holdsFor(
      async () => {
        if ((await health()).status !== 503) throw new Error('healthz recovered while full');
        if ((await stored()) !== storedWhileFull) throw new Error('stored while full');
      },
      2_000,
      'degraded while full',
    );
    measure(
      `storage full: agent disconnects while full (backoff 50–400 ms) ${disconnects}`,
      Date.now() - failStarted,
    );

    fs.empty();
    const recoveryStarted = Date.now();
    await pollUntil(async () => (await health()).status === 200, 'healthz ok again');
    await pollUntil(
      async () => spool.outbox.stats().queued === 0 && spool.outbox.stats().inFlight === 0,
      'backlog drained',
      30_000,
    );
    measure('storage full: recovery to backlog drained', Date.now() - recoveryStarted);
    const gaps = await api<{ metricGaps: Array<{ count: number }>; delivery: Array<{ kind: string }> }>(
      `/api/v1/hosts/${credential.hostId}/gaps?from=0`,
    );
    const declared = gaps.body.metricGaps.reduce((sum, gap) => sum + gap.count, 0);
    expect(gaps.body.delivery.filter((event) => event.kind === 'seqGap')).toEqual([]);
    const viaApi = await points();
    expect(viaApi).toBeGreaterThan(storedWhileFull);
    expect(viaApi + declared).toBe(sent);
    expect(declared).toBe(0);
    // Exactly once: as many rows as samples sent, and no `at` twice (each sample has its own).
    expect(await stored()).toBe(sent);
    const distinct = await hub.deps.db
      .selectFrom('samples')
      .select((eb) => eb.fn.count('at').distinct().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(distinct.n)).toBe(sent);
    measure(`storage full: samples sent ${sent}, stored ${viaApi}, gaps ${declared}`, 0);
  });
});
