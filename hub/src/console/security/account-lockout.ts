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

/**
 * Count one wrong password for `account` (any name typed: whether it exists must not show) and
 * lock it when that was one too many; the lock is audited with the address that tipped it.
 * Returns the lock's end when this failure started one.
 */
export async function recordSignInFailure(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  account: string,
  address: string,
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): Promise<{ lockedUntil?: number }> {
  const now = deps.clock();
  // One statement per failure: two hubs counting the same name at once both count.
  const row = await deps.db
    .insertInto('sign_in_failures')
    .values({ account, failures: 1, last_failure_at: now, lockouts: 0, locked_until: 0 })
    .onConflict((oc) =>
      oc.column('account').doUpdateSet({
        failures: sql<number>`case when sign_in_failures.last_failure_at < ${now - policy.quietMs} then 1 else sign_in_failures.failures + 1 end`,
        lockouts: sql<number>`case when sign_in_failures.last_failure_at < ${now - policy.forgetLocksMs} then 0 else sign_in_failures.lockouts end`,
        last_failure_at: now,
      }),
    )
    .returning(['failures', 'lockouts'])
    .executeTakeFirstOrThrow();
  const failures = Number(row.failures);
  if (failures < policy.failuresBeforeLock) return {};
  const lockouts = Number(row.lockouts);
  const lockMs = Math.min(policy.firstLockMs * 2 ** lockouts, policy.maxLockMs);
  const lockedUntil = now + lockMs;
  // Only the failure that finds the count still over the line locks (and audits), once.
  const locked = await deps.db
    .updateTable('sign_in_failures')
    .set({ failures: 0, lockouts: lockouts + 1, locked_until: lockedUntil })
    .where('account', '=', account)
    .where('failures', '>=', policy.failuresBeforeLock)
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) === 0) return {};
  await recordSecurityEvent(deps, {
    kind: 'sign-in.locked',
    reason: 'TOO_MANY_FAILURES',
    address,
    subject: account,
    details: { failures, lockSeconds: lockMs / 1000, lockInARow: lockouts + 1 },
  });
  return { lockedUntil };
}

/** A right password outside a lock: the name's count starts again. */
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
