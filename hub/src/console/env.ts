import type { HubDeps } from '../config/deps.js';
import type { ClientScope } from '../db/client-scope.js';
import type { LiveSessions } from '../ingest/live-sessions.js';
import type { NotificationsApi } from '../notify/channels/service.js';
import type { PolicyService } from '../policies/policy-service.js';
import type { Translate } from './i18n/i18n.js';
import type { LockoutPolicy } from './security/account-lockout.js';
import type { ConsoleUser, SessionLimits } from './security/sessions.js';

/** What every console handler finds on its context. */
export type ConsoleEnv = {
  Variables: {
    t: Translate;
    /** Absent before sign-in; the guards make it present on every other route. */
    user: ConsoleUser | undefined;
    /** The clients the user may see (client-scoped technicians); every client before sign-in. */
    scope: ClientScope;
  };
};

/** Console settings; defaults suit production, tests shorten the live poll. */
export interface ConsoleOptions {
  readonly sessions?: SessionLimits;
  /** How often the live feed asks the database whether incidents changed (default 1000 ms). */
  readonly livePollMs?: number;
  /** Sign-in attempts per minute per address before 429 (default 10; only failures count). */
  readonly signInPerMinute?: number;
  /** When wrong passwords lock an account name, from any address (default: 5, then 30 s doubling to 15 min). */
  readonly signInLockout?: LockoutPolicy;
  /** The URL agents reach the hub at, for install commands; defaults to the request's origin. */
  readonly publicUrl?: string;
  /** The agents connected now, so revoking a host's agent also closes its socket. */
  readonly agentSessions?: LiveSessions;
  /** The API's policy service, so a layer saved here is pushed to agents the same way. */
  readonly policies?: PolicyService;
  /** The API's notification guard and wake-up, so channels made here are checked the same way. */
  readonly notifications?: NotificationsApi;
}

export type ConsoleDeps = HubDeps;

/** Where the console lives; every link and redirect is built from it. */
export const BASE = '/console';
