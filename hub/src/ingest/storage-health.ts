import { sql } from 'kysely';
import type { HubDeps } from '../config/deps.js';

/** What /healthz says about writes: ok, or degraded since `since` for `reason`. */
export type StorageStatus =
  | { readonly state: 'ok' }
  | { readonly state: 'degraded'; readonly reason: string; readonly since: number };

/** SQLite's code for the error (SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_BUSY, SQLITE_READONLY…). */
export function storageErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message.slice(0, 200) : 'unknown';
}

/**
 * Whether the hub can commit: a failed commit makes it degraded, a later commit (an agent's, or
 * the probe /healthz runs while degraded) makes it ok again. Reads alone prove nothing: a full
 * disk still answers `select 1`.
 */
export function createStorageHealth(clock: () => number) {
  let status: StorageStatus = { state: 'ok' };
  return {
    failed(error: unknown): void {
      if (status.state === 'ok')
        status = { state: 'degraded', reason: storageErrorCode(error), since: clock() };
    },
    succeeded(): void {
      status = { state: 'ok' };
    },
    get status(): StorageStatus {
      return status;
    },
    /** While degraded, try one real commit (a one-row upsert) to notice the recovery. */
    async probe(deps: Pick<HubDeps, 'db'>): Promise<StorageStatus> {
      if (status.state === 'ok') return status;
      const since = status.since;
      try {
        await sql`insert into storage_probe (id, at) values (1, ${clock()})
          on conflict (id) do update set at = excluded.at`.execute(deps.db);
        status = { state: 'ok' };
      } catch (error) {
        status = { state: 'degraded', reason: storageErrorCode(error), since };
      }
      return status;
    },
  };
}
export type StorageHealth = ReturnType<typeof createStorageHealth>;
