import type { EnrolResponse } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { rotateIfDue } from '../identity/rotation.js';
import { findAgent } from '../repositories/agents.js';
import { hashSecret } from '../security/secrets.js';
import { provedHelloFor, testNonce } from '../test-support/proved-hello.js';
import { createTestDeps, enrolTestAgent, helloFor } from '../test-support/test-hub.js';
import { authenticateHello } from './authenticate-hello.js';

let deps: HubDeps;
let credential: EnrolResponse;

beforeEach(async () => {
  deps = await createTestDeps();
  credential = await enrolTestAgent(deps);
});

afterEach(async () => {
  await deps.db.destroy();
});

const closeOf = (outcome: Awaited<ReturnType<typeof authenticateHello>>) =>
  outcome.ok ? 'ok' : outcome.close;

describe('nonce-bound hello (0025)', () => {
  it('accepts a proof over the nonce of this socket, without the secret on the wire', async () => {
    const hello = provedHelloFor(credential, testNonce(1));
    expect(hello.credential.secret).toBeUndefined();
    const outcome = await authenticateHello(deps, hello, 'test', { nonce: testNonce(1) });
    expect(outcome).toMatchObject({ ok: true, legacy: false, usedPreviousSecret: false });
    expect(Number((await findAgent(deps.db, credential.agentId))?.legacy_hellos)).toBe(0);
  });

  it('refuses the same hello on another socket: its nonce is not the one signed (a replay)', async () => {
    const hello = provedHelloFor(credential, testNonce(1));
    expect(closeOf(await authenticateHello(deps, hello, 'test', { nonce: testNonce(1) }))).toBe('ok');
    expect(closeOf(await authenticateHello(deps, hello, 'test', { nonce: testNonce(2) }))).toBe(
      'AUTH_FAILED',
    );
  });

  it('refuses a proof on a socket that was offered no nonce', async () => {
    const hello = provedHelloFor(credential, testNonce(1));
    expect(closeOf(await authenticateHello(deps, hello, 'test', {}))).toBe('AUTH_FAILED');
  });

  it("refuses one agent's proof presented under another agent's id", async () => {
    const other = await enrolTestAgent(deps, 'srv-other-02', 'fp-other-machine-0001');
    const hello = provedHelloFor(credential, testNonce(1), { credential: { agentId: other.agentId } });
    expect(closeOf(await authenticateHello(deps, hello, 'test', { nonce: testNonce(1) }))).toBe(
      'AUTH_FAILED',
    );
  });

  it('refuses a proof made with a wrong secret', async () => {
    const hello = provedHelloFor(credential, testNonce(1), { secret: `${credential.secret}x` });
    expect(closeOf(await authenticateHello(deps, hello, 'test', { nonce: testNonce(1) }))).toBe(
      'AUTH_FAILED',
    );
  });

  it('accepts the rotated-out secret during its grace window, as with legacy hellos', async () => {
    const rotated = await rotateIfDue(
      deps,
      credential.agentId,
      hashSecret(credential.secret),
      { everyMs: 0, graceMs: 60_000 },
      true,
    );
    expect(rotated).toBeDefined();
    const old = provedHelloFor(credential, testNonce(1));
    const fresh = provedHelloFor(credential, testNonce(2), { secret: rotated?.secret ?? '' });
    expect(await authenticateHello(deps, old, 'test', { nonce: testNonce(1) })).toMatchObject({
      ok: true,
      usedPreviousSecret: true,
    });
    expect(await authenticateHello(deps, fresh, 'test', { nonce: testNonce(2) })).toMatchObject({
      ok: true,
      usedPreviousSecret: false,
    });
  });

  describe('legacy hellos (bare secret)', () => {
    it('are accepted while the window is open, counted on the agent', async () => {
      const outcome = await authenticateHello(deps, helloFor(credential), 'test', {
        nonce: testNonce(1),
        legacyHelloUntil: deps.clock() + 60_000,
      });
      expect(outcome).toMatchObject({ ok: true, legacy: true });
      const row = await findAgent(deps.db, credential.agentId);
      expect(Number(row?.legacy_hellos)).toBe(1);
      expect(row?.last_legacy_hello_at).not.toBeNull();
    });

    it('are refused (4015) once the admin closed the window, before any secret is checked', async () => {
      const outcome = await authenticateHello(deps, helloFor(credential), 'test', {
        nonce: testNonce(1),
        legacyHelloUntil: 0,
      });
      expect(closeOf(outcome)).toBe('LEGACY_HELLO_REFUSED');
    });

    it('teach the hub the hello key of an agent enrolled before 0025 (4014 until then)', async () => {
      await deps.db.updateTable('agents').set({ hello_key: null }).execute();
      const proved = provedHelloFor(credential, testNonce(1));
      expect(closeOf(await authenticateHello(deps, proved, 'test', { nonce: testNonce(1) }))).toBe(
        'HELLO_KEY_MISSING',
      );
      expect(closeOf(await authenticateHello(deps, helloFor(credential), 'test', {}))).toBe('ok');
      const again = provedHelloFor(credential, testNonce(2));
      expect(closeOf(await authenticateHello(deps, again, 'test', { nonce: testNonce(2) }))).toBe('ok');
    });
  });
});
