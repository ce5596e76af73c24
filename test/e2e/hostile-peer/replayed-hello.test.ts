import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proveHello } from '@vigie/agent';
import { CLOSE_CODES, type Hello } from '@vigie/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolAgentState, runAgent } from '../../support/agent-process.js';
import { startHub, type TestHub } from '../../support/hub-fixture.js';
import { pollUntil, stopAll } from '../../support/processes.js';
import { openRawAgent } from '../../support/raw-agent.js';
import { type RecordingRelay, startRecordingRelay } from '../../support/recording-relay.js';

// Real hub and agent processes on loopback, and an attacker who recorded what the agent sent on
// the wire (a passive relay: the agent sees the hub's nonce). The hub offers a fresh nonce on every
// socket and the agent proves its secret over it (0025), so the recording opens nothing: not after
// the agent left, not while legacy hellos are still accepted. Hellos without a proof are a
// deprecation window the admin closes with --legacy-hello (or VIGIE_HUB_LEGACY_HELLO).

let dir: string;
let relay: RecordingRelay | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-hostile-replay-'));
});

afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

interface Recording {
  agentId: string;
  hostId: string;
  secret: string;
  hello: string;
  data: string;
}

/** Enrol, run the real agent through the recorder until it reported, stop it; what was captured. */
async function recordRealAgent(hub: TestHub): Promise<Recording> {
  const recorder = await startRecordingRelay(hub.url);
  relay = recorder;
  const stateDir = join(dir, 'agent');
  const { agentId, hostId } = await enrolAgentState(hub, stateDir);
  const agent = runAgent(stateDir, recorder.url);
  await agent.waitFor(/connected to hub/, 30_000);
  const sent = (type: string) => recorder.up.find((raw) => (JSON.parse(raw) as Hello).type === type);
  const data = await pollUntil(async () => sent('metrics'), 30_000, 'a metrics frame');
  const hello = sent('hello') as string;
  await agent.stop();
  const { secret } = JSON.parse(readFileSync(join(stateDir, 'credentials.json'), 'utf8')) as {
    secret: string;
  };
  return { agentId, hostId, secret, hello, data };
}

/** Everything a hello and a data frame could have changed in the hub's database. */
function committed(rec: Recording) {
  const db = new Database(join(dir, 'hub.db'), { readonly: true });
  try {
    return {
      samples: db.prepare('select count(*) as n from samples').get(),
      boots: db.prepare('select * from agent_boots where agent_id = ?').all(rec.agentId),
      agent: db
        .prepare('select legacy_hellos, last_legacy_hello_at, secret_hash from agents where id = ?')
        .get(rec.agentId),
      host: db.prepare('select connected from hosts where id = ?').get(rec.hostId),
    };
  } finally {
    db.close();
  }
}

/** The recorded hello as an agent that predates 0025 would send it: the bare secret, no proof. */
function legacyHello(rec: Recording): Record<string, unknown> {
  const { proof: _proof, ...hello } = JSON.parse(rec.hello) as Hello;
  return { ...hello, credential: { agentId: rec.agentId, secret: rec.secret } };
}

describe('replayed handshake (hostile peer)', () => {
  it('refuses a recorded hello on a new socket after the original closed (4010), committing nothing; a proof over a fresh nonce gets in', async () => {
    const hub = await startHub(dir);
    const rec = await recordRealAgent(hub);
    const recorded = JSON.parse(rec.hello) as Hello;
    // What the wire carried: a proof, never the secret.
    expect(recorded.proof?.scheme).toBe('ed25519-nonce-1');
    expect(rec.hello).not.toContain(rec.secret);
    // The original socket is closed and its data committed before the replay starts.
    const before = await pollUntil(
      async () => {
        const state = committed(rec);
        return (state.host as { connected: number }).connected === 0 ? state : undefined;
      },
      10_000,
      'the original connection closed',
    );

    const replayer = await openRawAgent(hub.url);
    expect(replayer.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    replayer.send(rec.hello);
    replayer.send(rec.data);
    expect(await replayer.closed(10_000)).toBe(CLOSE_CODES.AUTH_FAILED.code);
    expect(replayer.received).toEqual([]);
    expect(committed(rec)).toEqual(before);

    // The same agent, proving its secret over this socket's own nonce, is welcome.
    const fresh = await openRawAgent(hub.url);
    expect(fresh.nonce).not.toBe(replayer.nonce);
    const { proof: _proof, ...base } = recorded;
    fresh.send(
      proveHello({ ...base, credential: { agentId: rec.agentId, secret: rec.secret } }, fresh.nonce ?? ''),
    );
    expect((await fresh.next('welcome', 10_000)).hostId).toBe(rec.hostId);
  }, 120_000);

  it('with --legacy-hello refuse, a hello without a proof is refused (4015) while proving agents connect', async () => {
    const hub = await startHub(dir, { args: ['--legacy-hello', 'refuse'] });
    // The real agent connects and reports: it proves, so closing the window costs it nothing.
    const rec = await recordRealAgent(hub);
    const old = await openRawAgent(hub.url);
    old.send(legacyHello(rec));
    expect(await old.closed(10_000)).toBe(CLOSE_CODES.LEGACY_HELLO_REFUSED.code);
    expect(old.received).toEqual([]);
  }, 120_000);

  it('while the window is open (the default), a hello without a proof is accepted and flagged', async () => {
    const hub = await startHub(dir);
    const rec = await recordRealAgent(hub);
    const old = await openRawAgent(hub.url);
    old.send(legacyHello(rec));
    expect((await old.next('welcome', 10_000)).hostId).toBe(rec.hostId);
    await hub.process.waitFor(/LEGACY_HELLO/, 10_000);
    const { body } = await hub.api<{ legacyHandshake: { count: number; lastAt: number | null } }>(
      `/api/v1/hosts/${rec.hostId}`,
    );
    expect(body.legacyHandshake.count).toBe(1);
    expect(body.legacyHandshake.lastAt).not.toBeNull();
  }, 120_000);
});
