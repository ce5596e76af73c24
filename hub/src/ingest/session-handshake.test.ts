import {
  CLOSE_CODES,
  type CloseCodeName,
  DEFAULT_POLICY,
  type EnrolResponse,
  type HubMessage,
} from '@vigie/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { sweepHostSilence } from '../incidents/jobs/host-silence.js';
import { timelineKinds } from '../incidents/testing.js';
import { findOpenIncident } from '../repositories/incidents.js';
import { createTestDeps, enrolTestAgent, helloFor } from '../test-support/test-hub.js';
import { createLiveSessions, type LiveSessions } from './live-sessions.js';
import { createFlowControl, SESSION_LIMIT_DEFAULTS, type SessionSocket } from './session-flow.js';
import { createHandshake } from './session-handshake.js';

let deps: HubDeps;
let credential: EnrolResponse;
let sessions: LiveSessions;

beforeEach(async () => {
  deps = await createTestDeps();
  credential = await enrolTestAgent(deps);
  sessions = createLiveSessions();
});

afterEach(async () => {
  await deps.db.destroy();
});

/** A handshake over a recording socket, closed the way the session closes it. */
function harness(helloTimeoutMs = 5_000) {
  const socket = {
    sent: [] as HubMessage[],
    closedWith: undefined as number | undefined,
    send: (data: string) => void socket.sent.push(JSON.parse(data) as HubMessage),
    close: () => {},
    pause: () => {},
    resume: () => {},
  } satisfies SessionSocket & Record<string, unknown>;
  let closed = false;
  let handshakesDone = 0;
  const isClosed = () => closed;
  const close = (code: CloseCodeName) => {
    if (closed) return;
    socket.closedWith = CLOSE_CODES[code].code;
    closed = true;
    handshake.stop();
  };
  const log = pino({ level: 'silent' });
  const flow = createFlowControl(socket, {
    limits: SESSION_LIMIT_DEFAULTS,
    maxInFlight: 64,
    clock: deps.clock,
    log,
    isClosed,
    close,
    agentId: () => undefined,
    onJobFailed: (error) => {
      throw error;
    },
  });
  const handshake = createHandshake(
    deps,
    sessions,
    {
      helloTimeoutMs,
      policyFor: () => DEFAULT_POLICY,
      remoteAddress: '192.0.2.1',
      onHandshakeDone: () => {
        handshakesDone += 1;
      },
    },
    { flow, log, isClosed, close },
  );
  return { socket, flow, handshake, handshakesDone: () => handshakesDone };
}

const gap = { type: 'metricsGap', bootId: 'b', seq: 1, from: 0, to: 1, count: 1 } as const;

describe('handshake', () => {
  it('refuses anything but a hello first with 4003, and lets nothing through', async () => {
    const { socket, handshake, handshakesDone } = harness();
    expect(handshake.passes(gap)).toBe(false);
    expect(socket.closedWith).toBe(CLOSE_CODES.HELLO_REQUIRED.code);
    expect(handshakesDone()).toBe(1);
    expect(handshake.sender).toBeUndefined();
  });

  it('welcomes a valid hello with the host id, registers the live session and ends the handshake once', async () => {
    const { socket, flow, handshake, handshakesDone } = harness();
    handshake.hello(helloFor(credential), 0);
    await flow.drained();
    expect(socket.closedWith).toBeUndefined();
    expect(socket.sent).toEqual([
      expect.objectContaining({ type: 'welcome', hostId: credential.hostId, ackedSeq: 0 }),
    ]);
    expect(handshake.sender).toEqual({ agentId: credential.agentId, hostId: credential.hostId });
    expect(sessions.get(credential.agentId)).toBe(handshake.agent);
    expect(handshakesDone()).toBe(1);
    expect(handshake.passes(gap)).toBe(true);
  });

  it('recovers the host silence as soon as the hello is accepted, not at the next sweep', async () => {
    const tenMinutesAgo = deps.clock() - 600_000;
    await deps.db
      .updateTable('hosts')
      .set({ connected: 0, last_seen_at: tenMinutesAgo })
      .where('id', '=', credential.hostId)
      .execute();
    const silenceOptions = { graceMs: 90_000, connectedGraceMs: 600_000 };
    expect(await sweepHostSilence(deps.db, deps.incidents, silenceOptions, deps.clock())).toMatchObject({
      opened: 1,
    });
    const key = `acme/${credential.hostId}/host.silent`;
    const silent = await findOpenIncident(deps.db, key);
    expect(silent?.recovered_at).toBeNull();

    const { socket, flow, handshake } = harness();
    handshake.hello(helloFor(credential), 0);
    await flow.drained();
    expect(socket.sent[0]).toMatchObject({ type: 'welcome' });
    const recovered = await findOpenIncident(deps.db, key);
    expect(recovered?.recovered_at).not.toBeNull();
    expect(await timelineKinds(deps.db, silent?.id ?? '')).toContain('recovery_seen');
  });

  it('lets messages behind a hello through at once, to wait in the queue behind it', async () => {
    const { flow, handshake } = harness();
    handshake.hello(helloFor(credential), 0);
    expect(handshake.passes(gap)).toBe(true);
    await flow.drained();
  });

  it('closes with 4005 on a second hello', async () => {
    const { socket, flow, handshake } = harness();
    handshake.hello(helloFor(credential), 0);
    handshake.hello(helloFor(credential), 0);
    expect(socket.closedWith).toBe(CLOSE_CODES.DUPLICATE_HELLO.code);
    await flow.drained();
    expect(socket.sent).toEqual([]);
    expect(sessions.size).toBe(0);
  });

  it('refuses a wrong secret with 4010: no identity, no session, no welcome', async () => {
    const { socket, flow, handshake, handshakesDone } = harness();
    handshake.hello(
      helloFor(credential, { credential: { agentId: credential.agentId, secret: 'x'.repeat(40) } }),
      0,
    );
    await flow.drained();
    expect(socket.closedWith).toBe(CLOSE_CODES.AUTH_FAILED.code);
    expect(handshake.sender).toBeUndefined();
    expect(sessions.size).toBe(0);
    expect(socket.sent).toEqual([]);
    expect(handshakesDone()).toBe(1);
  });

  it('closes with 4006 when no hello comes in time', async () => {
    const { socket, handshakesDone } = harness(20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(socket.closedWith).toBe(CLOSE_CODES.HELLO_TIMEOUT.code);
    expect(handshakesDone()).toBe(1);
  });

  it('no longer times out once stopped', async () => {
    const { socket, handshake } = harness(20);
    handshake.stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(socket.closedWith).toBeUndefined();
  });
});
