import { CLOSE_CODES, DEFAULT_POLICY, type EnrolResponse, encodeMessage } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { createTestDeps, enrolTestAgent, helloFor } from '../test-support/test-hub.js';
import { type AgentRates, createAgentRates } from './agent-rate-limit.js';
import { createAgentSession, type SessionLimits, type SessionSocket } from './agent-session.js';
import { createLiveSessions } from './live-sessions.js';

/** A socket that records what the session does, with a send buffer the test controls. */
function fakeSocket() {
  const sent: string[] = [];
  const socket = {
    sent,
    closedWith: undefined as number | undefined,
    bufferedAmount: 0,
    paused: false,
    pauses: 0,
    send: (data: string) => void sent.push(data),
    close(code: number) {
      socket.closedWith = code;
    },
    pause() {
      socket.paused = true;
      socket.pauses += 1;
    },
    resume() {
      socket.paused = false;
    },
  } satisfies SessionSocket & Record<string, unknown>;
  return socket;
}

const acks = (socket: ReturnType<typeof fakeSocket>) =>
  socket.sent
    .map((frame) => JSON.parse(frame) as { type: string; seq?: number })
    .filter((m) => m.type === 'ack');

let deps: HubDeps;
let credential: EnrolResponse;
let now = 1_764_000_000_000;

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  credential = await enrolTestAgent(deps);
});

const LIMITS: SessionLimits = {
  // Fast enough that a delayed frame waits milliseconds (the clock stands still unless a test moves it).
  messagesPerSec: 200,
  messageBurst: 4,
  bytesPerSec: 1_000_000,
  byteBurst: 10_000_000,
  maxViolations: 3,
  maxBufferedBytes: 1000,
};

function session(socket: SessionSocket, limits: SessionLimits = LIMITS, rates?: AgentRates) {
  return createAgentSession(
    deps,
    createLiveSessions(() => now),
    socket,
    {
      helloTimeoutMs: 5_000,
      maxInFlight: 64,
      policyFor: () => DEFAULT_POLICY,
      remoteAddress: '192.0.2.1',
      limits,
      ...(rates && { rates }),
    },
  );
}

const metrics = (seq: number, padding = '') =>
  encodeMessage({
    type: 'metrics',
    bootId: 'boot_limits_01',
    seq,
    samples: [{ at: now, ...(padding && { filesystems: [filesystem(padding)] }) }],
  });

const filesystem = (mount: string) => ({
  mount,
  device: '/dev/sda1',
  fsType: 'ext4',
  sizeBytes: 100,
  usedBytes: 50,
  freeBytes: 50,
  usedPct: 50,
});

async function storedSamples(): Promise<number> {
  const row = await deps.db
    .selectFrom('samples')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('per-agent rate limit', () => {
  it('delays frames over the message rate instead of dropping them: each is stored and acknowledged', async () => {
    const socket = fakeSocket();
    const s = session(socket);
    s.receive(encodeMessage(helloFor(credential)));
    // hello + 3 within the burst of 4, then 2 over it: delayed, the socket paused meanwhile.
    for (let seq = 1; seq <= 5; seq += 1) s.receive(metrics(seq));
    expect(socket.paused).toBe(true);
    await s.drained();
    expect(socket.closedWith).toBeUndefined();
    expect(socket.paused).toBe(false);
    // Frames that share a commit share one ack: the last covers all five, each stored.
    const seqs = acks(socket).map((a) => Number(a.seq));
    expect(seqs.at(-1)).toBe(5);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await storedSamples()).toBe(5);
  });

  it('closes with RATE_LIMITED after maxViolations frames in a row over the rate, not at the first', async () => {
    const socket = fakeSocket();
    const s = session(socket);
    s.receive(encodeMessage(helloFor(credential)));
    await s.drained();
    for (let seq = 1; seq <= 5; seq += 1) s.receive(metrics(seq));
    expect(socket.closedWith).toBeUndefined(); // two violations so far
    expect(socket.paused).toBe(true);
    s.receive(metrics(6));
    expect(socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
    // Reading again, or the peer's answer to the close frame would never be read.
    expect(socket.paused).toBe(false);
    await s.drained();
    // Frames delayed when the socket closed are not stored: unacknowledged, the agent resends them.
    expect(await storedSamples()).toBe(3);
  });

  it('closes an agent paused for its rate as RATE_LIMITED when a heartbeat goes unanswered, not as dead', async () => {
    const socket = fakeSocket();
    const s = session(socket);
    s.receive(encodeMessage(helloFor(credential)));
    await s.drained();
    expect(s.missedHeartbeat()).toBe('dead'); // read normally: no pong means no peer
    for (let seq = 1; seq <= 5; seq += 1) s.receive(metrics(seq));
    expect(socket.paused).toBe(true); // its pong now waits unread behind the delayed frames
    expect(s.missedHeartbeat()).toBe('handled');
    expect(socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
    expect(socket.paused).toBe(false);
    await s.drained();
  });

  it('forgives a violation once a frame comes within the rate again', async () => {
    const socket = fakeSocket();
    const s = session(socket);
    s.receive(encodeMessage(helloFor(credential)));
    let seq = 0;
    for (let round = 0; round < 4; round += 1) {
      // A pause long enough to refill the bucket, then two frames over the rate.
      now += 1_000;
      for (let i = 0; i < 6; i += 1) {
        seq += 1;
        s.receive(metrics(seq));
      }
      await s.drained();
      expect(socket.closedWith).toBeUndefined();
    }
    expect(acks(socket).at(-1)?.seq).toBe(seq);
  });

  it('counts bytes too: big frames over the byte rate are delayed, then the socket is closed', async () => {
    const socket = fakeSocket();
    const size = Buffer.byteLength(metrics(1, 'x'.repeat(4000)));
    // Room for the hello and five of these frames.
    const s = session(socket, {
      ...LIMITS,
      messageBurst: 1000,
      bytesPerSec: 100_000,
      byteBurst: size * 5 + 1000,
    });
    s.receive(encodeMessage(helloFor(credential)));
    for (let seq = 1; seq <= 7; seq += 1) s.receive(metrics(seq, 'x'.repeat(4000)));
    expect(socket.paused).toBe(true);
    expect(socket.closedWith).toBeUndefined();
    s.receive(metrics(8, 'x'.repeat(4000)));
    expect(socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
  });
});

describe('per-agent budget across reconnects', () => {
  it('gives a reconnecting flooder neither a fresh burst nor a clean record', async () => {
    const rates = createAgentRates(LIMITS, () => now);
    const first = fakeSocket();
    const s1 = session(first, LIMITS, rates);
    s1.receive(encodeMessage(helloFor(credential)));
    await s1.drained();
    for (let seq = 1; seq <= 7; seq += 1) s1.receive(metrics(seq));
    expect(first.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
    s1.closed(CLOSE_CODES.RATE_LIMITED.code);
    await s1.drained();
    const second = fakeSocket();
    const s2 = session(second, LIMITS, rates);
    s2.receive(encodeMessage(helloFor(credential)));
    await s2.drained();
    s2.receive(metrics(8));
    expect(second.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
  });

  it('charges the agent for frames pipelined behind its hello, before it was authenticated', async () => {
    const rates = createAgentRates(LIMITS, () => now);
    const first = fakeSocket();
    const s1 = session(first, LIMITS, rates);
    s1.receive(encodeMessage(helloFor(credential)));
    await s1.drained();
    for (let seq = 1; seq <= 7; seq += 1) s1.receive(metrics(seq));
    s1.closed(CLOSE_CODES.RATE_LIMITED.code);
    await s1.drained();
    const stored = await storedSamples();
    // Within the new socket's own budget, but not within the agent's: refused once it is known.
    const second = fakeSocket();
    const s2 = session(second, LIMITS, rates);
    s2.receive(encodeMessage(helloFor(credential)));
    s2.receive(metrics(8));
    s2.receive(metrics(9));
    await s2.drained();
    expect(second.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
    expect(await storedSamples()).toBe(stored);
  });

  it('lets an agent back in once its budget refilled', async () => {
    const rates = createAgentRates(LIMITS, () => now);
    const first = fakeSocket();
    const s1 = session(first, LIMITS, rates);
    s1.receive(encodeMessage(helloFor(credential)));
    await s1.drained();
    for (let seq = 1; seq <= 7; seq += 1) s1.receive(metrics(seq));
    s1.closed(CLOSE_CODES.RATE_LIMITED.code);
    await s1.drained();
    now += 1_000;
    const second = fakeSocket();
    const s2 = session(second, LIMITS, rates);
    s2.receive(encodeMessage(helloFor(credential)));
    await s2.drained();
    s2.receive(metrics(8));
    await s2.drained();
    expect(second.closedWith).toBeUndefined();
    expect(acks(second).map((a) => a.seq)).toEqual([8]);
  });
});

describe('slow consumer', () => {
  it('drops an agent that leaves more than the bound unread', async () => {
    const socket = fakeSocket();
    const s = session(socket);
    s.receive(encodeMessage(helloFor(credential)));
    await s.drained();
    expect(socket.sent).toHaveLength(1);
    socket.bufferedAmount = 1001;
    s.receive(metrics(1));
    await s.drained();
    expect(socket.closedWith).toBe(CLOSE_CODES.SLOW_CONSUMER.code);
    expect(socket.sent).toHaveLength(1);
  });
});
