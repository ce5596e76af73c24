import { CLOSE_CODES, DEFAULT_POLICY, type EnrolResponse, encodeMessage } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { createAgentSession, type SessionSocket } from '../ingest/agent-session.js';
import { createLiveSessions, type LiveSessions } from '../ingest/live-sessions.js';
import { createTestDeps, enrolTestAgent, helloFor } from '../test-support/test-hub.js';
import { DUPLICATE_IDENTITY_CHECK } from './duplicate-identity.js';

// The same credential on two sockets: the newer one replaces the older (4020). Whether that is a
// reconnect or a copied credential depends on whether the older connection was still alive.

let deps: HubDeps;
let sessions: LiveSessions;
let credential: EnrolResponse;

beforeEach(async () => {
  deps = await createTestDeps();
  sessions = createLiveSessions();
  credential = await enrolTestAgent(deps);
});

function connect(remoteAddress: string) {
  const socket = {
    closedWith: undefined as number | undefined,
    send() {},
    close(code: number) {
      socket.closedWith = code;
    },
    pause() {},
    resume() {},
  } satisfies SessionSocket & Record<string, unknown>;
  const session = createAgentSession(deps, sessions, socket, {
    helloTimeoutMs: 5_000,
    maxInFlight: 64,
    policyFor: () => DEFAULT_POLICY,
    remoteAddress,
  });
  session.receive(encodeMessage(helloFor(credential)));
  return { socket, session };
}

async function securityIncidents() {
  return deps.db.selectFrom('incidents').selectAll().where('check', '=', DUPLICATE_IDENTITY_CHECK).execute();
}

describe('one credential, two connections', () => {
  it('opens a duplicate-identity incident when the replaced connection answers the 4020 (it was alive)', async () => {
    const first = connect('192.0.2.10');
    await first.session.drained();
    const second = connect('198.51.100.7');
    await second.session.drained();
    expect(first.socket.closedWith).toBe(CLOSE_CODES.SUPERSEDED.code);
    first.session.closed(CLOSE_CODES.SUPERSEDED.code);
    await first.session.drained();
    const incidents = await securityIncidents();
    expect(incidents).toHaveLength(1);
    expect(second.socket.closedWith).toBeUndefined();
  });

  it('opens nothing when the replaced connection was a half-open one that never answers (a reconnect)', async () => {
    const first = connect('192.0.2.10');
    await first.session.drained();
    const second = connect('192.0.2.10');
    await second.session.drained();
    first.session.closed(1006);
    await first.session.drained();
    expect(await securityIncidents()).toHaveLength(0);
  });
});
