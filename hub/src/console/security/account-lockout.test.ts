import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { listSecurityEvents } from '../../audit/store.js';
import type { HubDeps } from '../../config/deps.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { accountLockedUntil, signInFailed, startSignInAttempt } from './account-lockout.js';
import { createConsoleUser } from './accounts.js';

let now = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
const PASSWORD = 'correct horse battery';

/** The test seam for the peer's address: what @hono/node-server puts on the context's env. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

/** One sign-in from `address` (form, then post): its status and the page's error text. */
async function attempt(address: string, username: string, password: string, lang = 'fr') {
  const form = await app.request(`/console/sign-in?lang=${lang}`, {}, from(address));
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await app.request(
    '/console/sign-in',
    {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, _csrf: csrf }).toString(),
    },
    from(address),
  );
  const alert = /role="alert" class="error">([^<]*)</.exec(await res.text())?.[1];
  return { status: res.status, alert, retryAfter: res.headers.get('retry-after') };
}

/** Ten addresses taking turns, as the attacker did. */
const ADDRESSES = Array.from({ length: 10 }, (_, i) => `10.9.0.${i + 1}`);

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  const created = await createConsoleUser(deps, { name: 'alice', role: 'n1', password: PASSWORD });
  if (!created.ok) throw new Error(created.code);
});

describe('account lockout', () => {
  it('refuses the sixth guess at one account and every one after it, whichever address it comes from, even the right password', {
    timeout: 30_000,
  }, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1)
      statuses.push((await attempt(ADDRESSES[i % 10] ?? '', 'alice', `wrong guess ${i}`)).status);
    // Four checked and wrong, the fifth locks, the rest are refused unchecked.
    expect(statuses).toEqual([401, 401, 401, 401, ...Array(16).fill(429)]);
    const right = await attempt('10.9.0.99', 'alice', PASSWORD);
    expect(right.status).toBe(429);
    expect(right.alert).toBe('Compte temporairement verrouillé, réessayez dans 1 min.');
    expect(Number(right.retryAfter)).toBeGreaterThan(0);
    expect((await attempt('10.9.0.99', 'alice', PASSWORD, 'en')).alert).toBe(
      'Account temporarily locked; try again in 1 min.',
    );

    const { events } = await listSecurityEvents(deps.db, { kind: 'sign-in.locked', limit: 10, offset: 0 });
    expect(events).toEqual([
      expect.objectContaining({
        subject: 'alice',
        reason: 'TOO_MANY_FAILURES',
        address: '10.9.0.5',
        details: { failures: 5, lockSeconds: 30, lockInARow: 1 },
      }),
    ]);
  });

  it('lets the right password in once the lock ends', { timeout: 30_000 }, async () => {
    for (let i = 0; i < 5; i += 1) await attempt(ADDRESSES[i] ?? '', 'alice', `wrong ${i}`);
    now += 29_000;
    expect((await attempt('10.9.0.50', 'alice', PASSWORD)).status).toBe(429);
    now += 1_000;
    expect((await attempt('10.9.0.50', 'alice', PASSWORD)).status).toBe(303);
    // A success starts the count over: four more failures lock nothing.
    for (let i = 0; i < 4; i += 1)
      expect((await attempt(ADDRESSES[i] ?? '', 'alice', `wrong ${i}`)).status).toBe(401);
  });

  it('doubles each lock in a row, up to 15 minutes', async () => {
    const locks: number[] = [];
    for (let lock = 0; lock < 7; lock += 1) {
      let failure: { lockedUntil?: number } = {};
      for (let i = 0; i < 5; i += 1) {
        const attempt = await startSignInAttempt(deps, 'alice', `10.9.0.${i}`);
        if (attempt.refused) throw new Error('refused before its fifth failure');
        failure = await signInFailed(deps, 'alice', `10.9.0.${i}`, attempt);
      }
      const until = failure.lockedUntil ?? Number.NaN;
      expect(await accountLockedUntil(deps.db, 'alice', until - 1)).toBe(until);
      expect(await accountLockedUntil(deps.db, 'alice', until)).toBeUndefined();
      locks.push((until - now) / 1000);
      now = until;
    }
    expect(locks).toEqual([30, 60, 120, 240, 480, 900, 900]);
    const { total } = await listSecurityEvents(deps.db, { kind: 'sign-in.locked', limit: 1, offset: 0 });
    expect(total).toBe(7);
  });

  it('locks a name nobody has the same way, so a lock says nothing about which accounts exist', {
    timeout: 30_000,
  }, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await attempt(ADDRESSES[i] ?? '', 'nobody', `wrong ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // Another account is not held back by it.
    expect((await attempt('10.9.0.50', 'alice', PASSWORD)).status).toBe(303);
  });

  it('forgets failures spread further apart than the quiet period', { timeout: 30_000 }, async () => {
    for (let i = 0; i < 12; i += 1) {
      expect((await attempt(ADDRESSES[i % 10] ?? '', 'alice', `typo ${i}`)).status).toBe(401);
      now += 15 * 60_000 + 1;
    }
  });

  it('audits the failure that closes an address', { timeout: 30_000 }, async () => {
    for (let i = 0; i < 10; i += 1) await attempt('10.9.0.77', `name-${i}`, 'wrong');
    expect((await attempt('10.9.0.77', 'alice', PASSWORD)).status).toBe(429);
    const { events } = await listSecurityEvents(deps.db, { kind: 'sign-in.throttled', limit: 10, offset: 0 });
    expect(events).toEqual([
      expect.objectContaining({ address: '10.9.0.77', reason: 'ADDRESS_RATE_LIMITED' }),
    ]);
  });
});
