import {
  createUserWithToken,
  INCOMPLETE_SNAPSHOT_TTL_MS,
  RETENTION_DEFAULTS,
  type RunningHub,
  runRetentionPass,
} from '@vigie/hub';
import { type EnrolResponse, LIMITS } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolInProcess, startInProcessHub } from '../../support/in-process-hub.js';
import { helloFor, openRawAgent, type RawAgent } from '../../support/raw-agent.js';

// A raw protocol client against a real hub (in process, SQLite in memory, port 0). The peer skips
// the agent's chunker and sends what the wire's bounds allowed before: chunk indexes past the
// count, 1 000-chunk snapshots, 26 × 2 000 entries, and snapshots it never finishes. The hub
// enforces the README's bounds itself and parks at most one incomplete snapshot per host, for a day.

const BOOT = 'boot_hostile_inv1';
let hub: RunningHub;
let credential: EnrolResponse;
let agent: RawAgent;
let seq = 0;

beforeEach(async () => {
  seq = 0;
  hub = await startInProcessHub();
  const admin = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
  if (!admin.ok) throw new Error('admin');
  credential = await enrolInProcess(hub, 'inv-01');
  agent = await openRawAgent(hub.url);
  agent.send(helloFor(credential, { bootId: BOOT, hostname: 'inv-01' }));
  await agent.next('welcome');
});

afterEach(async () => {
  agent.ws.terminate();
  await hub.close();
});

const software = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ name: `pkg-${from + i}`, version: '1', source: 'dpkg' }));

function chunk(hash: string, index: number, chunks: number, extra: Record<string, unknown> = {}) {
  seq += 1;
  return { type: 'inventory', bootId: BOOT, seq, at: Date.now(), hash, chunk: index, chunks, ...extra };
}

async function acked(upTo: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!agent.received.some((m) => m.type === 'ack' && Number(m.seq) >= upTo)) {
    if (Date.now() > deadline) throw new Error(`no ack for seq ${upTo}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const parked = async () =>
  (await hub.deps.db.selectFrom('inventory_chunks').select(['hash', 'chunk']).orderBy('chunk').execute()).map(
    (r) => `${r.hash}#${r.chunk}`,
  );
const inventory = () => hub.deps.db.selectFrom('inventories').selectAll().executeTakeFirst();

describe('a hostile peer sending inventory chunks', () => {
  it.each([
    ['a chunk index equal to the count', chunk('hash-bad-1', 1, 1)],
    ['a chunk index past the count', chunk('hash-bad-2', 7, 3)],
    ['more chunks than the limit', chunk('hash-bad-3', 0, LIMITS.maxInventoryChunks + 1)],
    ['1 000 chunks, the old bound', chunk('hash-bad-4', 999, 1000)],
    ['more entries in one chunk than the limit', chunk('hash-bad-5', 0, 1, { software: software(2001) })],
    [
      'a name over 256 characters',
      chunk('hash-bad-6', 0, 1, { software: [{ name: 'n'.repeat(257), version: '1', source: 'dpkg' }] }),
    ],
    ['a fact over 4 096 characters', chunk('hash-bad-7', 0, 1, { hardware: { serial: 's'.repeat(4097) } })],
  ])('closes on %s with 4002 and parks nothing', async (_label, frame) => {
    agent.send(frame);
    expect(await agent.closed()).toBe(4002);
    expect(await parked()).toEqual([]);
  });

  it('refuses a snapshot over 50 000 entries in all: acknowledged, reported, nothing stored or parked', async () => {
    const chunks = Math.ceil((LIMITS.maxSoftwarePerSnapshot + 1) / LIMITS.maxSoftwarePerChunk);
    for (let i = 0; i < chunks; i += 1)
      agent.send(chunk('hash-huge', i, chunks, { software: software(LIMITS.maxSoftwarePerChunk, i * 2000) }));
    await acked(chunks);
    expect(agent.received.filter((m) => m.type === 'error')).toMatchObject([
      { code: 'INVENTORY_TOO_MANY_ENTRIES', seq: chunks },
    ]);
    expect(await inventory()).toBeUndefined();
    expect(await parked()).toEqual([]);
  });

  it('lets a newer snapshot supersede the chunks of one never finished', async () => {
    agent.send(chunk('hash-old', 0, 3, { software: software(10) }));
    agent.send(chunk('hash-old', 1, 3, { software: software(10, 10) }));
    await acked(2);
    expect(await parked()).toEqual(['hash-old#0', 'hash-old#1']);
    agent.send(chunk('hash-new', 0, 2, { os: { name: 'Debian' } }));
    await acked(3);
    expect(await parked()).toEqual(['hash-new#0']);
    agent.send(chunk('hash-new', 1, 2, { software: software(5) }));
    await acked(4);
    expect((await inventory())?.hash).toBe('hash-new');
    expect(await parked()).toEqual([]);
  });

  it('expires the chunks of a snapshot left incomplete for a day, in the retention pass', async () => {
    agent.send(chunk('hash-left', 0, 2, { software: software(10) }));
    await acked(1);
    const settings = RETENTION_DEFAULTS;
    const soon = await runRetentionPass(hub.deps.db, settings, Date.now() + 60_000);
    expect(soon.expiredInventoryChunks).toBe(0);
    const later = await runRetentionPass(
      hub.deps.db,
      settings,
      Date.now() + INCOMPLETE_SNAPSHOT_TTL_MS + 60_000,
    );
    expect(later.expiredInventoryChunks).toBe(1);
    expect(await parked()).toEqual([]);
  });
});
