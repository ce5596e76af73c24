import { CLOSE_CODES, DEFAULT_POLICY, type EnrolResponse, encodeMessage } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { createTestDeps, enrolTestAgent, helloFor } from '../test-support/test-hub.js';
import { createAgentSession, type SessionSocket } from './agent-session.js';
import { createLiveSessions } from './live-sessions.js';

/** A socket that records what the session does, with a send buffer the test controls. */
function fakeSocket() {
  const sent: string[] = [];
  const socket = {
    sent,
    closedWith: undefined as number | undefined,
    bufferedAmount: 0,
    send: (data: string) => void sent.push(data),
    close(code: number) {
      socket.closedWith = code;
    },
    pause() {},
    resume() {},
  } satisfies SessionSocket & Record<string, unknown>;
  return socket;
}

let deps: HubDeps;
let credential: EnrolResponse;
let now = 1_764_000_000_000;

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  credential = await enrolTestAgent(deps);
});

function session(
  socket: SessionSocket,
  limits = { messagesPerSec: 2, messageBurst: 4, maxBufferedBytes: 1000 },
) {
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
    },
  );
}

const metrics = (seq: number) =>
  encodeMessage({ type: 'metrics', bootId: 'boot_limits_01', seq, samples: [{ at: now }] });

describe('session limits', () => {
  it('closes with RATE_LIMITED once the burst is spent, and allows the sustained rate', async () => {
    const socket = fakeSocket();
    const s = session(socket);
    s.receive(encodeMessage(helloFor(credential)));
    await s.drained();
    for (let seq = 1; seq <= 3; seq += 1) s.receive(metrics(seq));
    await s.drained();
    expect(socket.closedWith).toBeUndefined();
    now += 500; // one more token at 2/s
    s.receive(metrics(4));
    expect(socket.closedWith).toBeUndefined();
    s.receive(metrics(5));
    expect(socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
  });

  it('drops an agent that leaves more than the bound unread (slow consumer)', async () => {
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
