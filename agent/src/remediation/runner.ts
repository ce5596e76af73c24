import type { RemediateMessage, RemediationRefusal } from '@vigie/shared';
import type { TrackedCheck } from '../checks/local-checks.js';
import type { ExecFile } from '../collectors/deps.js';
import type { Log } from '../logger.js';
import type { RemediationResultItem } from '../transport/outbox-entries.js';
import type { RemediationAllowList } from './allow-list.js';
import { createAttemptBound } from './bound.js';
import { cleanFolder } from './clean-folder.js';
import { clearPackageCache } from './package-cache.js';
import { findUnit, type ServiceManager } from './service-manager.js';

export interface RemediationRunnerDeps {
  /** The machine admin's allow-list from the local config (never from the hub). */
  readonly allow: RemediationAllowList;
  /** The agent's check states: an action runs only on a check failing here. */
  readonly checks: () => readonly TrackedCheck[];
  readonly services: ServiceManager | undefined;
  readonly exec: ExecFile;
  /** Queue the result for the hub (an event in the outbox). */
  readonly report: (result: RemediationResultItem) => void;
  readonly log: Log;
  readonly clock: () => number;
}

type Outcome = Pick<RemediationResultItem, 'outcome' | 'reason' | 'removedFiles' | 'freedBytes' | 'exitCode'>;

const refused = (reason: RemediationRefusal): Outcome => ({ outcome: 'refused', reason });

/** Requests waiting behind the running one, at most; more are refused `busy`. */
const MAX_QUEUED = 8;

/**
 * Runs the hub's `remediate` requests, one at a time (in arrival order), after the machine's own checks: the
 * allow-list (first key), the parameters, the check failing here, the attempt bound (decision 0029).
 * A refusal is reported like a result, so the hub records it (and audits `not-allowed`).
 */
export function createRemediationRunner(deps: RemediationRunnerDeps) {
  const bound = createAttemptBound(deps.clock);
  let queued = 0;
  let chain: Promise<unknown> = Promise.resolve();

  const failingHere = (check: string, resource: string) =>
    deps.checks().some((c) => c.kind === check && c.resource === resource && c.state.state !== 'ok');

  function allowed(message: RemediateMessage): boolean {
    switch (message.action) {
      case 'restart-service':
        return deps.allow.restartService;
      case 'clear-package-cache':
        return deps.allow.clearPackageCache;
      case 'clean-folder':
        return deps.allow.folders.length > 0;
    }
  }

  async function act(message: RemediateMessage): Promise<Outcome> {
    switch (message.action) {
      case 'restart-service': {
        if (!deps.services) return refused('unsupported');
        // The unit is the failing check's resource, and must be one the manager itself lists.
        const unit = findUnit(await deps.services.list(), message.resource);
        if (unit === undefined) return refused('invalid-params');
        await deps.services.restart(unit);
        return { outcome: 'done' };
      }
      case 'clean-folder': {
        const { folder, olderThanDays } = message.params;
        if (folder === undefined) return refused('invalid-params');
        const result = await cleanFolder({
          folder,
          allowed: deps.allow.folders,
          olderThanDays: olderThanDays ?? 7,
          now: deps.clock(),
        });
        if (!result.ok) return refused(result.reason);
        return { outcome: 'done', removedFiles: result.removedFiles, freedBytes: result.freedBytes };
      }
      case 'clear-package-cache': {
        const result = await clearPackageCache(deps.exec);
        if (result.ok) return { outcome: 'done' };
        if (result.reason === 'unsupported') return refused('unsupported');
        return { outcome: 'failed', ...(result.exitCode !== undefined && { exitCode: result.exitCode }) };
      }
    }
  }

  async function decide(message: RemediateMessage): Promise<Outcome> {
    if (!allowed(message)) return refused('not-allowed');
    if (!failingHere(message.check, message.resource)) return refused('not-failing');
    if (!bound.take(message.check, message.resource, message)) return refused('bound-reached');
    try {
      return await act(message);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      deps.log.warn('remediation failed', { action: message.action, err: (error as Error).message });
      return { outcome: 'failed', ...(typeof code === 'number' && { exitCode: code }) };
    }
  }

  /** Queued behind the running request: two restarts never overlap. */
  function serially(message: RemediateMessage): Promise<Outcome> {
    if (queued >= MAX_QUEUED) return Promise.resolve(refused('busy'));
    queued += 1;
    const run = chain.then(() => decide(message));
    chain = run
      .catch(() => {})
      .finally(() => {
        queued -= 1;
      });
    return run;
  }

  return {
    /** Handle one `remediate`; the result is queued for the hub when the attempt is over. */
    handle(message: RemediateMessage): Promise<void> {
      const started = deps.clock();
      return serially(message).then((outcome) => {
        const level = outcome.outcome === 'done' ? 'info' : 'warn';
        deps.log[level]('remediation attempt', {
          action: message.action,
          check: message.check,
          resource: message.resource,
          outcome: outcome.outcome,
          ...(outcome.reason && { reason: outcome.reason }),
        });
        deps.report({
          type: 'remediationResult',
          at: deps.clock(),
          attemptId: message.attemptId,
          check: message.check,
          resource: message.resource,
          action: message.action,
          ...outcome,
          durationMs: Math.max(0, deps.clock() - started),
        });
      });
    },
  };
}
export type RemediationRunner = ReturnType<typeof createRemediationRunner>;
