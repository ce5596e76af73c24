import { extname, join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../credentials/json-file.js';
import { chmod, copyFile, rename, rm, stat } from '../runtime/fs-async.js';
import type { UpdateErrorCode } from './update-errors.js';

// The swap and its undo, as files, so they survive the restart between them (decision 0017):
//   installed: <target>.previous = the old version, <target> = the new one, update/pending.json
//   each start of the new version: probation until the deadline, at most MAX_STARTS starts
//   first welcome: pending.json removed (confirmed); deadline or start count exceeded: rolled back.

/** Starts of a new version that never reached the hub before it is rolled back (crash loops). */
export const MAX_PROBATION_STARTS = 3;
/** A version rolled back (or refused) is not tried again for this long. */
export const REFUSED_FOR_MS = 24 * 3_600_000;

const epochMs = z.number().int().min(0);
const pendingSchema = z.object({
  from: z.string().max(64),
  to: z.string().max(64),
  sha256: z.string().max(64),
  target: z.string().min(1).max(4096),
  installedAt: epochMs,
  starts: z.number().int().min(0),
  /** Set by the first start of the new version: wall clock, since it spans restarts. */
  deadlineAt: epochMs.nullable(),
});
export type PendingUpdate = z.infer<typeof pendingSchema>;

const refusedSchema = z.object({
  versions: z
    .array(
      z.object({
        version: z.string().max(64),
        sha256: z.string().max(64),
        code: z.string().max(64),
        at: epochMs,
      }),
    )
    .max(16),
});

export type StartCheck =
  | { readonly state: 'none' }
  /** The new version runs on probation: it must reach the hub before `deadlineAt`. */
  | { readonly state: 'probation'; readonly pending: PendingUpdate; readonly deadlineAt: number }
  /** The previous version is back in place: exit so the service manager starts it. */
  | { readonly state: 'rolled-back'; readonly pending: PendingUpdate; readonly reason: string }
  /** A marker for a version that is not the one running (already undone by hand, or another path). */
  | { readonly state: 'stale'; readonly pending: PendingUpdate };

export interface InstallJournal {
  /** Copies a verified download beside `target` (same filesystem, so the swap is one rename). */
  stage(download: string, target: string): Promise<string>;
  /** Keeps `target` as `.previous`, records the pending update, then renames the staged file over it. */
  swap(update: { from: string; to: string; sha256: string; target: string }, now: number): Promise<void>;
  /** What this start means for a pending update; may roll back (then the caller exits to restart). */
  atStart(runningVersion: string, now: number, probationMs: number): Promise<StartCheck>;
  /** The new version reached the hub: the update is final (`.previous` stays for a manual undo). */
  confirm(): Promise<PendingUpdate | undefined>;
  /** Puts `.previous` back over the target and refuses the version for a day. */
  rollback(reason: UpdateErrorCode, now: number): Promise<PendingUpdate | undefined>;
  isRefused(version: string, sha256: string, now: number): Promise<boolean>;
  refuse(version: string, sha256: string, code: UpdateErrorCode, now: number): Promise<void>;
}

export const previousPath = (target: string) => `${target}.previous`;
/** Beside the target, keeping its extension: Node runs `x.new` as CommonJS, `x.new.mjs` as a module. */
export const stagedPath = (target: string) => {
  const ext = extname(target);
  return `${target.slice(0, target.length - ext.length)}.new${ext}`;
};

/** The journal in `<stateDir>/update/`. */
export function createInstallJournal(stateDir: string): InstallJournal {
  const dir = join(stateDir, 'update');
  const pendingFile = join(dir, 'pending.json');
  const refusedFile = join(dir, 'refused.json');

  async function readPending(): Promise<PendingUpdate | undefined> {
    const read = await readJsonFile(pendingFile, pendingSchema);
    return read.ok ? read.value : undefined;
  }

  async function readRefused(): Promise<z.infer<typeof refusedSchema>['versions']> {
    const read = await readJsonFile(refusedFile, refusedSchema);
    return read.ok ? read.value.versions : [];
  }

  const journal: InstallJournal = {
    async stage(download, target) {
      const staged = stagedPath(target);
      await copyFile(download, staged);
      // The new file runs like the old one: same mode (0755 for the executable and the script).
      await chmod(staged, (await stat(target)).mode & 0o777);
      return staged;
    },

    async swap(update, now) {
      const previous = previousPath(update.target);
      await copyFile(update.target, `${previous}.tmp`);
      await rename(`${previous}.tmp`, previous);
      // The marker goes first: a crash before the rename leaves the old version running with a
      // stale marker (cleared at start); after it, the new version always starts on probation.
      await writeJsonFileAtomic(pendingFile, { ...update, installedAt: now, starts: 0, deadlineAt: null });
      await rename(stagedPath(update.target), update.target);
    },

    async atStart(runningVersion, now, probationMs) {
      const pending = await readPending();
      if (!pending) return { state: 'none' };
      if (pending.to !== runningVersion) {
        await rm(pendingFile, { force: true });
        return { state: 'stale', pending };
      }
      const next: PendingUpdate = {
        ...pending,
        starts: pending.starts + 1,
        deadlineAt: pending.deadlineAt ?? now + probationMs,
      };
      const deadlineAt = next.deadlineAt ?? now + probationMs;
      if (now >= deadlineAt || next.starts > MAX_PROBATION_STARTS) {
        const reason =
          now >= deadlineAt
            ? `no hub contact within ${Math.round(probationMs / 1000)} s`
            : `${pending.starts} starts without reaching the hub`;
        await journal.rollback('UPDATE_ROLLED_BACK', now);
        return { state: 'rolled-back', pending, reason };
      }
      await writeJsonFileAtomic(pendingFile, next);
      return { state: 'probation', pending: next, deadlineAt };
    },

    async confirm() {
      const pending = await readPending();
      if (pending) await rm(pendingFile, { force: true });
      return pending;
    },

    async rollback(reason, now) {
      const pending = await readPending();
      if (!pending) return undefined;
      await rename(previousPath(pending.target), pending.target);
      await journal.refuse(pending.to, pending.sha256, reason, now);
      await rm(pendingFile, { force: true });
      return pending;
    },

    async isRefused(version, sha256, now) {
      return (await readRefused()).some(
        (entry) => entry.version === version && entry.sha256 === sha256 && now - entry.at < REFUSED_FOR_MS,
      );
    },

    async refuse(version, sha256, code, now) {
      const kept = (await readRefused()).filter((entry) => now - entry.at < REFUSED_FOR_MS).slice(-15);
      await writeJsonFileAtomic(refusedFile, { versions: [...kept, { version, sha256, code, at: now }] });
    },
  };
  return journal;
}
