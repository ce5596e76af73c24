import { CLOSE_CODES, DEFAULT_POLICY, type EnrolResponse, encodeMessage } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { listSecurityEvents } from '../audit/store.js';
import type { HubDeps } from '../config/deps.js';
import { createAgentSession, type SessionLimits, type SessionSocket } from '../ingest/agent-session.js';
import { createLiveSessions } from '../ingest/live-sessions.js';
import { createTestDeps, enrolTestAgent, helloFor } from '../test-support/test-hub.js';
import { AGENT_MISBEHAVING_CHECK, MISBEHAVING_RULE, sweepAgentMisbehaving } from './agent-misbehaving.js';

const MINUTE = 60_000;
let now = 1_764_000_000_000;
let deps: HubDeps;
let credential: EnrolResponse;

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  credential = await enrolTestAgent(deps);
});

// A burst of 4 messages, 3 frames over it in a row close the socket (4032).
const LIMITS: SessionLimits = {
  messagesPerSec: 200,
  messageBurst: 4,
  bytesPerSec: 1_000_000,
  byteBurst: 10_000_000,
  maxViolations: 3,
  maxBufferedBytes: 1_000_000,
};

function connect() {
  const socket = {
    closedWith: undefined as number | undefined,
    send() {},
    close(code: number) {
      socket.closedWith = code;
    },
    pause() {},
    resume() {},
  } satisfies SessionSocket & Record<string, unknown>;
  const session = createAgentSession(
    deps,
    createLiveSessions(() => now),
    socket,
    {
      helloTimeoutMs: 5_000,
      maxInFlight: 64,
      policyFor: () => DEFAULT_POLICY,
      remoteAddress: '192.0.2.66',
      limits: LIMITS,
    },
  );
  return { socket, session };
}

const metrics = (seq: number) =>
  encodeMessage({ type: 'metrics', bootId: 'boot_flood_01', seq, samples: [{ at: now }] });

/** One authenticated connection that floods until the hub closes it with 4032. */
async function floodOnce(): Promise<void> {
  const { socket, session } = connect();
  session.receive(encodeMessage(helloFor(credential)));
  await session.drained();
  for (let seq = 1; seq <= 6; seq += 1) session.receive(metrics(seq));
  expect(socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
  session.closed(CLOSE_CODES.RATE_LIMITED.code);
  await session.drained();
}

const misbehaving = () =>
  deps.db.selectFrom('incidents').selectAll().where('check', '=', AGENT_MISBEHAVING_CHECK).execute();

const audited = async () => (await listSecurityEvents(deps.db, { limit: 50, offset: 0 })).events;

describe('an agent the hub keeps closing for its rate', () => {
  it('audits a single 4032 close with its host and count, and opens nothing', async () => {
    await floodOnce();
    const events = await audited();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'agent.rate-limited',
      reason: 'RATE_LIMITED',
      address: '192.0.2.66',
      subject: credential.hostId,
      details: { agentId: credential.agentId, closes: 1, codes: { RATE_LIMITED: 1 } },
    });
    expect(await misbehaving()).toEqual([]);
  });

  it('opens one N3 security incident for the host at three closes in ten minutes; a fourth is an occurrence', async () => {
    await floodOnce();
    await floodOnce(); // same minute: counted on the same audit row, no log flood
    expect(await audited()).toHaveLength(1);
    expect((await audited())[0]?.details).toMatchObject({ closes: 2 });
    expect(await misbehaving()).toEqual([]);

    now += 4 * MINUTE;
    await floodOnce();
    const opened = await misbehaving();
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      host_id: credential.hostId,
      dedup_key: `acme/${credential.hostId}/${AGENT_MISBEHAVING_CHECK}`,
      source: 'hub',
      severity: 'warning',
      level: 'N3',
      occurrences: 1,
    });
    const event = await deps.db
      .selectFrom('incident_events')
      .select('detail')
      .where('incident_id', '=', opened[0]?.id ?? '')
      .where('kind', '=', 'opened')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.detail)).toMatchObject({ value: 3, message: 'RATE_LIMITED' });

    now += MINUTE;
    await floodOnce();
    const after = await misbehaving();
    expect(after).toHaveLength(1);
    expect(after[0]?.occurrences).toBe(2);
    expect(await audited()).toHaveLength(3);
  });

  it('opens nothing for three closes spread wider than the window', async () => {
    for (let i = 0; i < 3; i += 1) {
      await floodOnce();
      now += MISBEHAVING_RULE.windowMs / 2 + MINUTE;
    }
    expect(await audited()).toHaveLength(3);
    expect(await misbehaving()).toEqual([]);
  });

  it('gets a recovery once the host had no such close for the quiet period', async () => {
    for (let i = 0; i < 3; i += 1) {
      await floodOnce();
      now += 2 * MINUTE;
    }
    expect(await sweepAgentMisbehaving(deps.db, deps.incidents, now)).toEqual({ behaving: 0 });
    now += MISBEHAVING_RULE.quietMs;
    expect(await sweepAgentMisbehaving(deps.db, deps.incidents, now)).toEqual({ behaving: 1 });
    expect((await misbehaving())[0]?.recovered_at).toBe(now);
    expect(await sweepAgentMisbehaving(deps.db, deps.incidents, now)).toEqual({ behaving: 0 });
  });
});

describe('protocol violations', () => {
  it('audits an authenticated agent closed for an off-schema message, not garbage before any hello', async () => {
    const anonymous = connect();
    anonymous.session.receive('{"type":"metrics"}');
    expect(anonymous.socket.closedWith).toBeDefined();
    await anonymous.session.drained();
    expect(await audited()).toEqual([]);

    const { socket, session } = connect();
    session.receive(encodeMessage(helloFor(credential)));
    await session.drained();
    session.receive('{"type":"metrics","seq":"x"}');
    expect(socket.closedWith).toBe(CLOSE_CODES.SCHEMA_VIOLATION.code);
    await session.drained();
    expect(await audited()).toMatchObject([
      { kind: 'agent.protocol-violation', reason: 'SCHEMA_VIOLATION', subject: credential.hostId },
    ]);
  });
});
