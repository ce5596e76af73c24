import type { Policy, WelcomeMessage } from '@vigie/shared';
import { createInstallJournal, type InstallJournal } from './install-journal.js';
import type { RunningArtefact } from './running-artefact.js';
import { UPDATE_ERRORS } from './update-errors.js';
import { createUpdater, type Updater, type UpdaterDeps } from './updater.js';

export const UPDATE_DEFAULTS = { delaySec: 600, probationSec: 600 } as const;

export interface UpdateRuntimeDeps
  extends Pick<
    UpdaterDeps,
    'hubUrl' | 'pinnedKey' | 'ca' | 'log' | 'clock' | 'random' | 'smokeTest' | 'setTimer'
  > {
  readonly stateDir: string;
  readonly currentVersion: string;
  readonly running: RunningArtefact | undefined;
  readonly delaySec?: number;
  readonly probationSec?: number;
}

/** The updater around one run of the agent: probation of a fresh version, then updates. */
export interface UpdateRuntime {
  /** The previous version was restored at start: exit at once so the service manager runs it. */
  readonly restartNow: boolean;
  /** Give it the agent's stop, so a new version or a rollback can end this run. */
  attach(stopAgent: () => void): void;
  onWelcome(welcome: WelcomeMessage): void;
  onPolicy(policy: Policy): void;
  /**
   * After the agent stopped: true when the process should exit to be restarted (update installed
   * or rolled back). A fatal refusal by the hub during probation rolls back instead of exiting 78.
   */
  finish(fatal: boolean): Promise<boolean>;
}

/** Checks a pending update at start (may roll back), then watches welcomes and policies. */
export async function startUpdateRuntime(deps: UpdateRuntimeDeps): Promise<UpdateRuntime> {
  const { log } = deps;
  const setTimer = deps.setTimer ?? defaultTimer;
  const journal: InstallJournal = createInstallJournal(deps.stateDir);
  const probationMs = (deps.probationSec ?? UPDATE_DEFAULTS.probationSec) * 1000;
  let stopAgent: () => void = () => {};
  let restart = false;
  let onProbation = false;
  let cancelProbation: (() => void) | undefined;

  const start = await journal
    .atStart(deps.currentVersion, deps.clock(), probationMs)
    .catch((error: Error) => {
      log.error('cannot read the update journal', { error: error.message });
      return { state: 'none' } as const;
    });
  switch (start.state) {
    case 'rolled-back':
      log.error(`update rolled back: ${UPDATE_ERRORS.UPDATE_ROLLED_BACK}`, {
        code: 'UPDATE_ROLLED_BACK',
        version: start.pending.to,
        restored: start.pending.from,
        detail: start.reason,
      });
      break;
    case 'stale':
      log.warn('an update marker names another version than the one running; cleared', {
        marker: start.pending.to,
        running: deps.currentVersion,
      });
      break;
    case 'probation':
      onProbation = true;
      log.info('new agent version on probation until it reaches the hub', {
        version: deps.currentVersion,
        previous: start.pending.from,
        start: start.pending.starts,
        deadline: new Date(start.deadlineAt).toISOString(),
      });
      cancelProbation = setTimer(
        () => void rollBack('no hub contact before the deadline'),
        start.deadlineAt - deps.clock(),
      );
      break;
    case 'none':
      break;
  }

  async function rollBack(detail: string): Promise<boolean> {
    if (!onProbation) return false;
    onProbation = false;
    cancelProbation?.();
    try {
      const undone = await journal.rollback('UPDATE_ROLLED_BACK', deps.clock());
      if (!undone) return false;
      log.error(`update rolled back: ${UPDATE_ERRORS.UPDATE_ROLLED_BACK}`, {
        code: 'UPDATE_ROLLED_BACK',
        version: undone.to,
        restored: undone.from,
        detail,
      });
      restart = true;
      stopAgent();
      return true;
    } catch (error) {
      log.error('cannot roll the update back', { error: (error as Error).message });
      return false;
    }
  }

  const updater: Updater = createUpdater({
    ...deps,
    setTimer,
    journal,
    delayMs: (deps.delaySec ?? UPDATE_DEFAULTS.delaySec) * 1000,
    restart: () => {
      restart = true;
      stopAgent();
    },
  });

  return {
    restartNow: start.state === 'rolled-back',
    attach(stop) {
      stopAgent = stop;
    },
    onWelcome(welcome) {
      if (onProbation) {
        onProbation = false;
        cancelProbation?.();
        void journal.confirm().then(
          (pending) =>
            pending &&
            log.info('agent update confirmed: the new version reached the hub', {
              version: pending.to,
              previous: pending.from,
            }),
          (error: Error) => log.error('cannot confirm the update', { error: error.message }),
        );
      }
      updater.announced(welcome.agentUpdate);
    },
    onPolicy(policy) {
      updater.policy(policy);
    },
    async finish(fatal) {
      updater.stop();
      cancelProbation?.();
      if (fatal && onProbation) await rollBack('the hub refused the new version');
      await updater.idle();
      return restart;
    },
  };
}

const defaultTimer = (run: () => void, ms: number) => {
  const timer = setTimeout(run, Math.max(0, ms));
  timer.unref();
  return () => clearTimeout(timer);
};
