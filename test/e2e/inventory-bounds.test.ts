import { hashInventory, type InventorySnapshot, toInventoryChunks } from '@vigie/agent';
import { createUserWithToken, type RunningHub } from '@vigie/hub';
import { CLOSE_CODES, type EnrolResponse, LIMITS, type Software } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolInProcess, startInProcessHub, TEST_FINGERPRINT } from '../support/in-process-hub.js';
import { helloFor, openRawAgent, type RawAgent } from '../support/raw-agent.js';

// In-process hub (SQLite in memory, port 0); the agent side is the agent's own chunker feeding a
// raw socket, so the test controls the package list: 50 000 entries, strings at the wire's bounds,
// hostile content, then a string four times over the bound.

const FINGERPRINT = TEST_FINGERPRINT;
const PACKAGES = 50_000;
const AT_NAME_BOUND = `${'n'.repeat(LIMITS.maxNameLength - 10)}<script>"`;
const HOSTILE = `<script>alert('x')</script>\n\u0007"; DROP TABLE hosts;--`;

let hub: RunningHub;
let credential: EnrolResponse;
let adminToken: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  hub = await startInProcessHub();
  const started = hub;
  cleanups.push(() => started.close());
  const admin = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
  if (!admin.ok) throw new Error('admin');
  adminToken = admin.token;
  credential = await enrolInProcess(hub, 'big-01');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${hub.url}/api/v1${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function connect(bootId: string): Promise<RawAgent> {
  const agent = await openRawAgent(hub.url);
  cleanups.push(() => agent.ws.terminate());
  agent.send(helloFor(credential, { bootId, fingerprint: FINGERPRINT, hostname: 'big-01' }));
  await agent.next('welcome');
  return agent;
}

async function acked(agent: RawAgent, seq: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!agent.received.some((m) => m.type === 'ack' && Number(m.seq) >= seq)) {
    if (Date.now() > deadline) throw new Error(`no ack for seq ${seq}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function bigSnapshot(): InventorySnapshot {
  const software: Software[] = Array.from({ length: PACKAGES }, (_, i) => ({
    name: `pkg-${String(i).padStart(5, '0')}`,
    version: `1.${i}`,
    source: 'dpkg',
  }));
  software[100] = { name: AT_NAME_BOUND, version: 'v'.repeat(LIMITS.maxNameLength), source: 'registry' };
  software[200] = { name: HOSTILE, version: "1'--", publisher: HOSTILE, source: 'registry' };
  return {
    at: Date.now(),
    // A fact exactly as long as the wire allows.
    hardware: { serial: 's'.repeat(LIMITS.maxTextLength), model: HOSTILE },
    os: { platform: 'linux', hostname: 'big-01' },
    cpu: {},
    memoryModules: [],
    disks: [],
    networkInterfaces: [],
    updates: {},
    antivirus: {},
    software,
  };
}

describe('inventory bounds, end to end', () => {
  it('chunks 50 000 packages under the frame limit, stores them verbatim and finds any of them', async () => {
    const snapshot = bigSnapshot();
    const hash = hashInventory(snapshot);
    const chunks = toInventoryChunks(snapshot, hash);
    expect(chunks.length).toBeGreaterThanOrEqual(PACKAGES / LIMITS.maxSoftwarePerChunk);
    expect(chunks.length).toBeLessThanOrEqual(1000);

    const agent = await connect('boot_big_00001');
    for (const [i, chunk] of chunks.entries()) {
      const frame = JSON.stringify({ ...chunk, bootId: 'boot_big_00001', seq: i + 1 });
      expect(Buffer.byteLength(frame)).toBeLessThan(LIMITS.maxFrameBytes);
      agent.send(frame);
    }
    await acked(agent, chunks.length, 60_000);

    const { hosts } = await api<{ hosts: { id: string; hostname: string }[] }>('/hosts');
    const hostId = hosts.find((h) => h.hostname === 'big-01')?.id ?? '';
    const stored = await api<{
      hash: string;
      inventory: { software: Software[]; hardware: Record<string, string> };
    }>(`/hosts/${hostId}/inventory`);
    expect(stored.hash).toBe(hash);
    expect(stored.inventory.software).toHaveLength(PACKAGES);
    expect(stored.inventory.software).toEqual(snapshot.software);
    expect(stored.inventory.hardware).toEqual(snapshot.hardware);

    const last = await api<{ software: Software[] }>('/inventory/software?name=pkg-49999');
    expect(last.software).toMatchObject([{ name: 'pkg-49999', version: '1.49999' }]);
    const bound = await api<{ software: Software[] }>(
      `/inventory/software?name=${encodeURIComponent(AT_NAME_BOUND)}`,
    );
    expect(bound.software).toMatchObject([
      { name: AT_NAME_BOUND, version: 'v'.repeat(LIMITS.maxNameLength) },
    ]);
    const hostile = await api<{ software: Software[] }>(
      `/inventory/software?contains=${encodeURIComponent('DROP TABLE')}`,
    );
    expect(hostile.software).toMatchObject([{ name: HOSTILE, publisher: HOSTILE }]);
    const glpi = await api<{ content: { softwares: unknown[] } }>(`/hosts/${hostId}/inventory.glpi.json`);
    expect(glpi.content.softwares).toHaveLength(PACKAGES);
  }, 120_000);

  it('refuses a frame carrying a 16 kB string with the schema-violation close code, keeping what was stored', async () => {
    const small: InventorySnapshot = {
      ...bigSnapshot(),
      software: [{ name: 'bash', version: '5.2', source: 'dpkg' }],
    };
    const hash = hashInventory(small);
    const agent = await connect('boot_big_00002');
    const [chunk] = toInventoryChunks(small, hash);
    agent.send({ ...chunk, bootId: 'boot_big_00002', seq: 1 });
    await acked(agent, 1, 10_000);

    const tooLong = 'x'.repeat(16 * 1024);
    agent.send({
      type: 'inventory',
      bootId: 'boot_big_00002',
      seq: 2,
      at: Date.now(),
      hash: 'f'.repeat(64),
      chunk: 0,
      chunks: 1,
      software: [{ name: tooLong, version: '1', source: 'dpkg' }],
    });
    expect(await agent.closed(10_000)).toBe(CLOSE_CODES.SCHEMA_VIOLATION.code);

    const { hosts } = await api<{ hosts: { id: string; hostname: string }[] }>('/hosts');
    const hostId = hosts.find((h) => h.hostname === 'big-01')?.id ?? '';
    const stored = await api<{ hash: string }>(`/hosts/${hostId}/inventory`);
    expect(stored.hash).toBe(hash);
    const none = await api<{ count: number }>('/inventory/software?contains=xxxxxxxx');
    expect(none.count).toBe(0);
  }, 60_000);
});
