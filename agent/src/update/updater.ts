import { join } from 'node:path';
import type { AgentUpdate, AnnouncedArtefact, Policy } from '@vigie/shared';
import type { Log } from '../logger.js';
import { rm } from '../runtime/fs-async.js';
import { downloadTo } from './download.js';
import type { InstallJournal } from './install-journal.js';
import { matchingArtefact, type RunningArtefact } from './running-artefact.js';
import { compareVersions } from './semver.js';
import { UPDATE_ERRORS, type UpdateFailure, updateFailure } from './update-errors.js';
import { verifyAnnouncedSignature, verifyArtefactFile } from './verify-artefact.js';

/** A failed attempt at one version and hash is not retried before this (a tampering proxy, a bad build). */
export const RETRY_AFTER_MS = 3_600_000;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export interface UpdaterDeps {
  readonly currentVersion: string;
  /** The file this process runs from; undefined (a development build) never updates. */
  readonly running: RunningArtefact | undefined;
  /** The hub key pinned at enrolment; without it nothing is installed. */
  readonly pinnedKey: string | undefined;
  /** http(s) base URL of the hub: artefacts are fetched from it and nowhere else. */
  readonly hubUrl: string;
  readonly stateDir: string;
  readonly journal: InstallJournal;
  readonly log: Log;
  readonly clock: () => number;
  readonly random: () => number;
  /** Longest random wait before a download, so a fleet told at once does not fetch at once. */
  readonly delayMs: number;
  readonly ca?: readonly string[];
  /** What `<file> --version` prints (see `reportedVersion`). */
  readonly smokeTest: (kind: RunningArtefact['kind'], file: string) => Promise<string>;
  readonly setTimer?: (run: () => void, ms: number) => () => void;
  /** The new version is in place: stop and exit so the service manager starts it. */
  readonly restart: (version: string) => void;
}

export interface Updater {
  /** The hub's announcement from its latest welcome (undefined: it announces none). */
  announced(update: AgentUpdate | undefined): void;
  /** The policy in force, after every welcome and push: `autoUpdate` gates everything. */
  policy(policy: Policy): void;
  stop(): void;
  /** Settles when no attempt is running (tests). */
  idle(): Promise<void>;
}

const defaultTimer = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Installs the version the hub announces when the policy allows it: signature checked against the
 * pinned key before downloading, size and sha256 after, `--version` run on the staged file, then
 * the swap (install-journal) and a restart. Every refusal is logged with its code (update-errors).
 */
export function createUpdater(deps: UpdaterDeps): Updater {
  const { log } = deps;
  const setTimer = deps.setTimer ?? defaultTimer;
  let announcement: AgentUpdate | undefined;
  let policy: Policy | undefined;
  let cancelTimer: (() => void) | undefined;
  let busy: Promise<void> | undefined;
  let stopped = false;
  const failures = new Map<string, number>();
  const said = new Set<string>();

  function once(key: string, write: () => void): void {
    if (said.has(key)) return;
    said.add(key);
    write();
  }

  function refusedLog(failure: UpdateFailure, version: string): void {
    log.error(`update refused: ${UPDATE_ERRORS[failure.code]}`, {
      code: failure.code,
      version,
      detail: failure.detail,
    });
  }

  function evaluate(): void {
    if (stopped) return;
    if (!policy?.autoUpdate) {
      cancelTimer?.();
      cancelTimer = undefined;
      return;
    }
    const update = announcement;
    if (!update || compareVersions(update.version, deps.currentVersion) !== 1) return;
    const { running } = deps;
    if (!running) {
      once('dev', () =>
        log.info('a newer agent is announced, but this is not an installed artefact; not updating', {
          version: update.version,
        }),
      );
      return;
    }
    if (!deps.pinnedKey) {
      once('key', () =>
        refusedLog(
          updateFailure('UPDATE_NO_PINNED_KEY', 'credentials.json has no hubSigningKey'),
          update.version,
        ),
      );
      return;
    }
    const artefact = matchingArtefact(running, update.artefacts);
    if (!artefact) {
      once(`none/${update.version}`, () =>
        refusedLog(
          updateFailure('UPDATE_NO_ARTEFACT', `${running.kind} ${running.platform}/${running.arch}`),
          update.version,
        ),
      );
      return;
    }
    if (cancelTimer || busy) return;
    const failedAt = failures.get(`${update.version}/${artefact.sha256}`);
    if (failedAt !== undefined && deps.clock() - failedAt < RETRY_AFTER_MS) return;
    const delayMs = Math.floor(deps.random() * deps.delayMs);
    log.info('agent update available', { from: deps.currentVersion, to: update.version, inMs: delayMs });
    cancelTimer = setTimer(() => {
      cancelTimer = undefined;
      busy = attempt(update.version, artefact).finally(() => {
        busy = undefined;
      });
    }, delayMs);
  }

  async function attempt(version: string, artefact: AnnouncedArtefact): Promise<void> {
    const running = deps.running;
    const pinnedKey = deps.pinnedKey;
    if (!running || !pinnedKey || stopped) return;
    const download = join(deps.stateDir, 'update', `${artefact.name}.download`);
    const fail = (failure: UpdateFailure) => {
      failures.set(`${version}/${artefact.sha256}`, deps.clock());
      refusedLog(failure, version);
    };
    try {
      const signed = verifyAnnouncedSignature(pinnedKey, version, artefact);
      if (!signed.ok) return fail(signed);
      if (await deps.journal.isRefused(version, artefact.sha256, deps.clock())) {
        failures.set(`${version}/${artefact.sha256}`, deps.clock());
        log.warn('not retrying a version rolled back less than a day ago', { version });
        return;
      }
      const url = new URL(artefact.url, deps.hubUrl).toString();
      const fetched = await downloadTo(url, download, {
        maxBytes: artefact.size,
        timeoutMs: DOWNLOAD_TIMEOUT_MS,
        ...(deps.ca && { ca: deps.ca }),
      });
      if (!fetched.ok) return fail(fetched);
      const verified = await verifyArtefactFile(download, artefact);
      if (!verified.ok) return fail(verified);
      const staged = await deps.journal.stage(download, running.path);
      const reported = await deps.smokeTest(running.kind, staged);
      if (reported !== version) {
        await rm(staged, { force: true });
        return fail(
          updateFailure(
            'UPDATE_SMOKE_TEST_FAILED',
            `--version printed ${JSON.stringify(reported.slice(0, 200))}`,
          ),
        );
      }
      // The policy may have changed while the bytes came in.
      if (stopped || !policy?.autoUpdate) {
        await rm(staged, { force: true });
        return;
      }
      await deps.journal.swap(
        { from: deps.currentVersion, to: version, sha256: artefact.sha256, target: running.path },
        deps.clock(),
      );
      log.info('agent update installed; restarting into it', { from: deps.currentVersion, to: version });
      deps.restart(version);
    } catch (error) {
      fail(updateFailure('UPDATE_INSTALL_FAILED', (error as Error).message));
    } finally {
      await rm(download, { force: true });
    }
  }

  return {
    announced(update) {
      announcement = update;
      evaluate();
    },
    policy(next) {
      policy = next;
      evaluate();
    },
    stop() {
      stopped = true;
      cancelTimer?.();
      cancelTimer = undefined;
    },
    idle: async () => {
      await busy;
    },
  };
}
