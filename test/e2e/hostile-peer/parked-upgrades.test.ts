import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent, startHub } from '../../support/hub-fixture.js';
import { pollUntil, stopAll } from '../../support/processes.js';

// A real hub process and raw TCP sockets, what an outside attacker actually sent: 60-byte
// `Upgrade: h2c` requests, the same behind a thousand junk headers (Node drops headers past its
// count, so the hub sees an upgrade without an Upgrade header), and sockets that send nothing.
// Before the fix the upgrade sockets were parked for ever (no answer, no deadline, no cap) and
// each held a descriptor of the hub. Now every one is answered and closed, every socket has a
// deadline from accept, and the hub's descriptors come back to their baseline while /healthz
// and agents are served. The deadline is set through the environment, so the unfixed hub starts too.

const PARKED_H2C = 300;
const PARKED_JUNK = 50;
const IDLE = 100;
const HEADERS_TIMEOUT_SEC = 1;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-parked-'));
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const descriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** A raw socket sending `request` (nothing when empty); resolves once connected. */
function rawSocket(port: number, request: string) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  let answer = '';
  let closed = false;
  socket.on('data', (chunk) => {
    answer += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (request !== '') socket.write(request);
  return { socket, connected, answer: () => answer, closed: () => closed };
}

function junkHeaders(count: number): string {
  let headers = '';
  for (let i = 0; i < count; i += 1) headers += `X-Junk-${i}: ${'a'.repeat(8)}\r\n`;
  return headers;
}

async function healthz(url: string): Promise<number> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status;
}

describe('hostile peer: parked upgrade requests and idle sockets', () => {
  it('answers and closes every upgrade it does not serve, times out idle sockets, and gives the descriptors back', async () => {
    const hub = await startHub(dir, {
      args: ['--heartbeat-interval', '1'],
      env: { VIGIE_HUB_HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_SEC) },
    });
    const pid = hub.process.child.pid!;
    const port = Number(new URL(hub.url).port);
    expect(await healthz(hub.url)).toBe(200);
    const baseline = descriptors(pid);

    const h2c = 'GET / HTTP/1.1\r\nHost: hub\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n';
    const junk = `GET / HTTP/1.1\r\nHost: hub\r\n${junkHeaders(1000)}Upgrade: h2c\r\nConnection: Upgrade\r\n\r\n`;
    const sockets = [
      ...Array.from({ length: PARKED_H2C }, () => rawSocket(port, h2c)),
      ...Array.from({ length: PARKED_JUNK }, () => rawSocket(port, junk)),
      ...Array.from({ length: IDLE }, () => rawSocket(port, '')),
    ];
    await Promise.all(sockets.map((s) => s.connected));
    const peak = descriptors(pid);
    console.log(
      `[measure] hub descriptors: baseline ${baseline}, with ${sockets.length} hostile sockets ${peak}`,
    );

    // The hub keeps answering while they are open.
    expect(await healthz(hub.url)).toBe(200);

    // Every socket is closed by the hub within its deadline (plus Node's checking interval).
    await pollUntil(
      async () => (sockets.every((s) => s.closed()) ? true : undefined),
      HEADERS_TIMEOUT_SEC * 1000 + 5000,
      `the hub closing all ${sockets.length} hostile sockets (${sockets.filter((s) => !s.closed()).length} left)`,
    );
    const upgrades = sockets.slice(0, PARKED_H2C + PARKED_JUNK);
    const answered = upgrades.filter((s) => /^HTTP\/1\.1 4\d\d /.test(s.answer()));
    expect(answered.length).toBe(upgrades.length);
    expect(upgrades.every((s) => /\r\nConnection: close\r\n/i.test(s.answer()))).toBe(true);

    const after = await pollUntil(
      async () => {
        const count = descriptors(pid);
        return count <= baseline + 5 ? count : undefined;
      },
      5000,
      `the hub's descriptors back near ${baseline}`,
    );
    console.log(`[measure] hub descriptors after the deadline: ${after}`);
    for (const s of sockets) s.socket.destroy();

    // Still serving: the API and a real agent.
    expect(await healthz(hub.url)).toBe(200);
    await startAgent(hub, join(dir, 'agent'));
  });
});
