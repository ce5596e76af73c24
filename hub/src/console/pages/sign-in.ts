import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { z } from 'zod';
import { recordSecurityEvent } from '../../audit/store.js';
import { incomingOf } from '../../security/client-address.js';
import { createKeyedBuckets } from '../../security/token-bucket.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import {
  clearSignInFailures,
  DEFAULT_LOCKOUT_POLICY,
  type LockoutPolicy,
  signInFailed,
  startSignInAttempt,
} from '../security/account-lockout.js';
import { checkSignIn } from '../security/accounts.js';
import { isTls, SESSION_COOKIE, sameToken } from '../security/guards.js';
import { MAX_PASSWORD_LENGTH } from '../security/password.js';
import { closeSession, openSession, type SessionLimits } from '../security/sessions.js';
import { page } from '../views/layout.js';

/** Before sign-in there is no session to bind a CSRF token to: a cookie and a form field must match. */
const PRE_SESSION_COOKIE = 'vigie_signin';

const signInForm = z.object({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  _csrf: z.string().min(1).max(128),
  next: z.string().max(2048).optional(),
});

/** Only a path of this console, never another site (open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/console(\/[\w\-./%?=&]*)?$/.test(next) && !next.startsWith('//') ? next : BASE;
}

function signInPage(c: Context<ConsoleEnv>, deps: ConsoleDeps, error?: string, next?: string) {
  const t = c.var.t;
  const token = deps.random(24).toString('base64url');
  setCookie(c, PRE_SESSION_COOKIE, token, {
    path: `${BASE}/sign-in`,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isTls(c),
    maxAge: 3600,
  });
  return page(
    c,
    t('signInTitle'),
    html`${error ? html`<p role="alert" class="error">${error}</p>` : ''}
    <form method="post" action="${BASE}/sign-in" class="sign-in">
      <input type="hidden" name="_csrf" value="${token}" />
      <input type="hidden" name="next" value="${safeNext(next)}" />
      <label for="username">${t('username')}</label>
      <input id="username" name="username" autocomplete="username" required maxlength="256" autofocus />
      <label for="password">${t('password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="${MAX_PASSWORD_LENGTH}" />
      <button type="submit">${t('signIn')}</button>
    </form>`,
  );
}

/**
 * /console/sign-in and /console/sign-out. Failed attempts are limited per address (a burst
 * closes the address) and per account name (account-lockout.ts: a lock holds whatever address
 * the next guess comes from, and refuses even the right password until it ends).
 */
export function signInRoutes(
  deps: ConsoleDeps,
  limits: SessionLimits,
  perMinute: number,
  lockout: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
) {
  const app = new Hono<ConsoleEnv>();
  const failures = createKeyedBuckets(
    { perSec: perMinute / 60, burst: perMinute, maxKeys: 10_000 },
    deps.clock,
  );
  /** One failure from `address`; the one that uses up its budget is audited (once per burst). */
  const failedFrom = async (address: string) => {
    failures.take(address);
    if (!failures.has(address))
      await recordSecurityEvent(deps, { kind: 'sign-in.throttled', reason: 'ADDRESS_RATE_LIMITED', address });
  };
  const lockedPage = (c: Context<ConsoleEnv>, until: number, next?: string) => {
    const remainingMs = until - deps.clock();
    c.header('retry-after', String(Math.ceil(remainingMs / 1000)));
    const minutes = Math.max(1, Math.ceil(remainingMs / 60_000));
    return c.html(signInPage(c, deps, c.var.t('signInLocked', { n: minutes }), next), 429);
  };

  app.get('/sign-in', (c) => {
    if (c.var.user) return c.redirect(safeNext(c.req.query('next')), 303);
    return c.html(signInPage(c, deps, undefined, c.req.query('next')));
  });

  app.post('/sign-in', async (c) => {
    const t = c.var.t;
    const address = deps.clientAddress(incomingOf(c.env));
    if (!failures.has(address)) return c.html(signInPage(c, deps, t('signInThrottled')), 429);
    const form = signInForm.safeParse(await c.req.parseBody());
    const cookie = getCookie(c, PRE_SESSION_COOKIE);
    if (!form.success || !cookie || !sameToken(form.data._csrf, cookie)) {
      await failedFrom(address);
      return c.html(signInPage(c, deps, t('signInExpired')), 403);
    }
    const { username, password, next } = form.data;
    // Counted before the password is looked at: past the allowed count, or during a lock, the
    // attempt is refused unchecked, so a right password tells nothing either.
    const attempt = await startSignInAttempt(deps, username, address, lockout);
    if (attempt.refused) {
      await failedFrom(address);
      return lockedPage(c, attempt.lockedUntil, next);
    }
    const user = await checkSignIn(deps.db, username, password);
    if (!user) {
      await failedFrom(address);
      const failure = await signInFailed(deps, username, address, attempt, lockout);
      deps.log.info({ username: username.slice(0, 64), address }, 'console sign-in refused');
      if (failure.lockedUntil !== undefined) {
        deps.log.warn({ username: username.slice(0, 64), address }, 'console account locked');
        return lockedPage(c, failure.lockedUntil, next);
      }
      return c.html(signInPage(c, deps, t('signInFailed'), next), 401);
    }
    await clearSignInFailures(deps.db, username);
    const session = await openSession(deps.db, deps.random, user.id, deps.clock(), limits);
    deleteCookie(c, PRE_SESSION_COOKIE, { path: `${BASE}/sign-in` });
    setCookie(c, SESSION_COOKIE, session.token, {
      // The whole hub: the API accepts it for reads (console/security/api-session.ts).
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: isTls(c),
      maxAge: Math.floor(limits.absoluteMs / 1000),
    });
    deps.log.info({ user: user.name, address }, 'console sign-in');
    return c.redirect(safeNext(next), 303);
  });

  return app;
}

/** POST /console/sign-out (behind the CSRF check like every other form). */
export function signOutRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.post('/', async (c) => {
    const user = c.var.user;
    if (user) await closeSession(deps.db, user.sessionHash);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect(`${BASE}/sign-in`, 303);
  });
  return app;
}
