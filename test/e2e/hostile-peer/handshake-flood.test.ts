import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrolAgentState } from '../../support/agent-process.js';
import { startHub } from '../../support/hub-fixture.js';
import { stopAll } from '../../support/processes.js';
import { helloFor, openRawAgent } from '../../support/raw-agent.js';

// A real hub process with the stock caps (16 unauthenticated sockets per address, 512 overall)
// and an attacker holding 600 WebSockets that never say hello, from 40 loopback addresses
// (127.0.0.10–49): enough to fill every global slot without tripping the per-address cap. Before
// the fix the hub refused everyone else with 4033 until the attacker's hello deadlines ran out;
// now, at the global cap, the oldest silent socket is shed, so a real agent's hello is answered
// with a welcome while the attack holds. The hello deadline is long so it never frees a slot.

const ATTACK_SOCKETS = 600;
const ATTACK_ADDRESSES = 40;

let dir: string;
let attack: WebSocket[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-hsflood-'));
});

afterEach(async () => {
  for (const socket of attack) socket.terminate();
  attack = [];
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** A WebSocket from `localAddress` that never sends a frame; resolves once open or refused. */
function silentSocket(url: string, localAddress: string): Promise<{ socket: WebSocket; opened: boolean }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/agent/ws`, {
    localAddress,
    perMessageDeflate: false,
  });
  socket.on('error', () => {});
  return new Promise((resolve) => {
    socket.once('open', () => resolve({ socket, opened: true }));
    socket.once('close', () => resolve({ socket, opened: false }));
  });
}

describe('hostile peer: a handshake flood from many addresses', () => {
  it('admits a real agent while 600 silent sockets from 40 addresses hold the global handshake cap', async () => {
    const hub = await startHub(dir, { args: ['--hello-timeout', '120'] });
    const stateDir = join(dir, 'agent');
    await enrolAgentState(hub, stateDir);
    const credential = JSON.parse(readFileSync(join(stateDir, 'credentials.json'), 'utf8')) as {
      agentId: string;
      secret: string;
    };
    // The hello is this agent's own: its credential and the machine fingerprint it enrolled with.
    const db = new Database(join(dir, 'hub.db'), { readonly: true });
    const { fingerprint } = db
      .prepare('select fingerprint from agents where id = ?')
      .get(credential.agentId) as { fingerprint: string };
    db.close();

    // In waves, so the loopback accept queue is not what refuses them.
    const results: { socket: WebSocket; opened: boolean }[] = [];
    for (let wave = 0; wave < ATTACK_SOCKETS; wave += 100) {
      const batch = Array.from({ length: Math.min(100, ATTACK_SOCKETS - wave) }, (_, i) =>
        silentSocket(hub.url, `127.0.0.${10 + ((wave + i) % ATTACK_ADDRESSES)}`),
      );
      results.push(...(await Promise.all(batch)));
    }
    attack = results.map((r) => r.socket);
    const stillOpen = () => attack.filter((s) => s.readyState === WebSocket.OPEN).length;
    console.log(
      `[measure] handshake flood: ${results.filter((r) => r.opened).length} of ${ATTACK_SOCKETS} attack sockets opened, ${stillOpen()} still open`,
    );
    // The attack holds the cap: every slot is an attacker's.
    expect(stillOpen()).toBeGreaterThanOrEqual(500);

    const started = Date.now();
    const agent = await openRawAgent(hub.url).catch((error: Error) => {
      throw new Error(`the agent was refused during the attack: ${error.message}`);
    });
    agent.send(helloFor(credential, { fingerprint }));
    const welcome = await agent.next('welcome', 5000).catch(async () => {
      throw new Error(`no welcome within 5 s; closed with ${await agent.closed(100).catch(() => 'nothing')}`);
    });
    expect(welcome.type).toBe('welcome');
    console.log(
      `[measure] handshake flood: agent welcomed after ${Date.now() - started} ms; attack sockets still open ${stillOpen()}`,
    );
    agent.ws.close();
  });
});
