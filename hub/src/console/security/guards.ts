import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { ALL_CLIENTS } from '../../db/client-scope.js';
import type { UserRole } from '../../db/tables/users.js';
import { loadClientScope } from '../../tenancy/load-scope.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import { isLang, LANG_COOKIE, TZ_COOKIE, translator, validTimeZone } from '../i18n/i18n.js';
import { messagePage } from '../views/layout.js';
import { findSession, type SessionLimits } from './sessions.js';

export const SESSION_COOKIE = 'vigie_session';
/** Roles that may act on incidents (admins too); the read-only role only looks. */
export const TECHNICIANS: readonly UserRole[] = ['n1', 'n2', 'n3'];

/** Constant-time string comparison for tokens. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Cookies are Secure when the browser reached us over TLS. */
export function isTls(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

/** Language (from ?lang=, else the cookie, else French) and the session's user, if any. */
export function loadContext(deps: ConsoleDeps, limits: SessionLimits): MiddlewareHandler<ConsoleEnv> {
  return async function loadContext(c, next) {
    const asked = c.req.query('lang');
    if (isLang(asked)) {
      setCookie(c, LANG_COOKIE, asked, {
        path: BASE,
        sameSite: 'Strict',
        httpOnly: true,
        secure: isTls(c),
        maxAge: 31_536_000,
      });
    }
    const lang = isLang(asked) ? asked : (getCookie(c, LANG_COOKIE) ?? 'fr');
    // The reader's zone: ?tz= (the preferences form) is remembered; otherwise the cookie console.js
    // set from the browser's zone; otherwise the hub's own zone.
    const zone = validTimeZone(c.req.query('tz'));
    if (zone) {
      setCookie(c, TZ_COOKIE, zone, {
        path: BASE,
        sameSite: 'Strict',
        secure: isTls(c),
        maxAge: 31_536_000,
      });
    }
    c.set('t', translator(isLang(lang) ? lang : 'fr', zone ?? validTimeZone(getCookie(c, TZ_COOKIE))));
    const token = getCookie(c, SESSION_COOKIE);
    const user =
      token && token.length <= 128 ? await findSession(deps.db, token, deps.clock(), limits) : undefined;
    c.set('user', user);
    c.set('scope', user ? await loadClientScope(deps.db, user) : ALL_CLIENTS);
    await next();
  };
}

/**
 * Everything after this needs a signed-in user: pages redirect to the sign-in form, the rest
 * (forms, live feed) answer 401.
 */
export const requireSignedIn: MiddlewareHandler<ConsoleEnv> = async function requireSignedIn(c, next) {
  if (c.var.user) return next();
  if (c.req.method === 'GET' && c.req.header('accept') !== 'text/event-stream') {
    const next = encodeURIComponent(new URL(c.req.url).pathname);
    return c.redirect(`${BASE}/sign-in?next=${next}`, 303);
  }
  return c.text('Sign in first', 401);
};

/** Only these roles (admin always passes): 403 page otherwise. */
export function allow(...roles: readonly UserRole[]): MiddlewareHandler<ConsoleEnv> {
  return async function allow(c, next) {
    const role = c.var.user?.role;
    if (role === 'admin' || (role !== undefined && roles.includes(role))) return next();
    const t = c.var.t;
    return c.html(messagePage(c, t('forbiddenTitle'), t('forbiddenText')), 403);
  };
}

/**
 * Every state-changing request carries the session's CSRF token in its form (`_csrf`) and, when
 * the browser sends one, an Origin of this hub. SameSite=Strict already keeps the cookie off
 * cross-site requests; this is the second lock.
 */
export const checkCsrf: MiddlewareHandler<ConsoleEnv> = async function checkCsrf(c, next) {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const origin = c.req.header('origin');
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const sent = typeof form._csrf === 'string' ? form._csrf : '';
  const user = c.var.user;
  const sameOrigin = origin === undefined || origin === new URL(c.req.url).origin;
  if (!user || !sameOrigin || !sameToken(sent, user.csrf)) {
    const t = c.var.t;
    return c.html(messagePage(c, t('badRequestTitle'), t('csrfFailed')), 403);
  }
  return next();
};
