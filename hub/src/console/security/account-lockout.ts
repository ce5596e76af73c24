import { type Kysely, sql } from 'kysely';
import { recordSecurityEvent } from '../../audit/store.js';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';

/**
 * How failed sign-ins lock an account name, whatever address they come from: after
 * `failuresBeforeLock` wrong passwords (none `quietMs` apart), the name is locked `firstLockMs`,
 * doubling with each lock in a row up to `maxLockMs`. The count lives in the database, so every
 * hub on one PostgreSQL sees the same guesses.
 */
export interface LockoutPolicy {
  readonly failuresBeforeLock: number;
  readonly firstLockMs: number;
  readonly maxLockMs: number;
  /** A failure this long after the previous one starts the count again. */
  readonly quietMs: number;
  /** A failure this long after the previous one starts the doubling again too. */
  readonly forgetLocksMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = Object.freeze({
  failuresBeforeLock: 5,
  firstLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  quietMs: 15 * 60_000,
  forgetLocksMs: 24 * 3_600_000,
});

/** Until when `account` is locked, or undefined when it may try. */
export async function accountLockedUntil(
  db: Kysely<Database>,
  account: string,
  now: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select('locked_until')
    .where('account', '=', account)
    .executeTakeFirst();
  const until = row === undefined ? 0 : Number(row.locked_until);
  return until > now ? until : undefined;
}

/** One attempt at an account name, counted before its password is checked. */
export type SignInAttempt =
  | { readonly refused: true; readonly lockedUntil: number }
  | { readonly refused: false; readonly failures: number; readonly lockouts: number };

/**
 * Count an attempt at `account` (any name typed: whether it exists must not show) *before* its
 * password is checked, in one statement, so that guesses sent all at once from many addresses are
 * numbered too: past the allowed count they are refused unchecked and the name is locked. While a
 * lock runs the attempt is refused and not counted. A right password then clears the count
 * (clearSignInFailures); a wrong one may lock (signInFailed).
 */
export async function startSignInAttempt(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  account: string,
  address: string,
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): Promise<SignInAttempt> {
  const now = deps.clock();
  const locked = sql<boolean>`sign_in_failures.locked_until > ${now}`;
  const row = await deps.db
    .insertInto('sign_in_failures')
    .values({ account, failures: 1, last_failure_at: now, lockouts: 0, locked_until: 0 })
    .onConflict((oc) =>
      oc.column('account').doUpdateSet({
        failures: sql<number>`case when ${locked} then sign_in_failures.failures when sign_in_failures.last_failure_at < ${now - policy.quietMs} then 1 else sign_in_failures.failures + 1 end`,
        lockouts: sql<number>`case when sign_in_failures.last_failure_at < ${now - policy.forgetLocksMs} and not ${locked} then 0 else sign_in_failures.lockouts end`,
        last_failure_at: sql<number>`case when ${locked} then sign_in_failures.last_failure_at else ${now} end`,
      }),
    )
    .returning(['failures', 'lockouts', 'locked_until'])
    .executeTakeFirstOrThrow();
  const lockedUntil = Number(row.locked_until);
  if (lockedUntil > now) return { refused: true, lockedUntil };
  const attempt = { refused: false, failures: Number(row.failures), lockouts: Number(row.lockouts) } as const;
  if (attempt.failures <= policy.failuresBeforeLock) return attempt;
  return { refused: true, lockedUntil: await lock(deps, account, address, attempt, policy) };
}

/** The attempt's password was wrong: the last attempt allowed locks the name. */
export async function signInFailed(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  account: string,
  address: string,
  attempt: { failures: number; lockouts: number },
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): Promise<{ lockedUntil?: number }> {
  if (attempt.failures < policy.failuresBeforeLock) return {};
  return { lockedUntil: await lock(deps, account, address, attempt, policy) };
}

/** Lock `account` (once: of several attempts racing here, the first wins and audits); its end. */
async function lock(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  account: string,
  address: string,
  attempt: { failures: number; lockouts: number },
  policy: LockoutPolicy,
): Promise<number> {
  const now = deps.clock();
  const lockMs = Math.min(policy.firstLockMs * 2 ** attempt.lockouts, policy.maxLockMs);
  const locked = await deps.db
    .updateTable('sign_in_failures')
    .set({ failures: 0, lockouts: attempt.lockouts + 1, locked_until: now + lockMs })
    .where('account', '=', account)
    .where('failures', '>=', policy.failuresBeforeLock)
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) === 0) return (await accountLockedUntil(deps.db, account, now)) ?? now;
  await recordSecurityEvent(deps, {
    kind: 'sign-in.locked',
    reason: 'TOO_MANY_FAILURES',
    address,
    subject: account,
    details: {
      failures: policy.failuresBeforeLock,
      lockSeconds: lockMs / 1000,
      lockInARow: attempt.lockouts + 1,
    },
  });
  return now + lockMs;
}

/** A right password (its attempt allowed): the name's count starts again. */
export async function clearSignInFailures(db: Kysely<Database>, account: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('account', '=', account).execute();
}

/** Forget names with no failure for a day and no lock running (typed names cannot pile up). */
export async function pruneSignInFailures(
  db: Kysely<Database>,
  now: number,
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): Promise<void> {
  await db
    .deleteFrom('sign_in_failures')
    .where('last_failure_at', '<', now - policy.forgetLocksMs)
    .where('locked_until', '<', now)
    .execute();
}
