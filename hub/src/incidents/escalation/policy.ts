import { type EscalationStep, type EscalationTarget, SUPPORT_LEVELS, type SupportLevel } from '@vigie/shared';

/** One notice of a policy run: the n-th (from 1), this long after the run started. */
export interface Firing {
  readonly n: number;
  readonly offsetMs: number;
  readonly notify: readonly EscalationTarget[];
}

/** Stock policies: N1 and N2 hear once; N3 (critical server failures) is paged until acknowledged. */
export const DEFAULT_ESCALATION_POLICIES: Readonly<Record<SupportLevel, readonly EscalationStep[]>> =
  Object.freeze({
    N1: [{ waitSec: 0, notify: ['N1'] }],
    N2: [{ waitSec: 0, notify: ['N2'] }],
    N3: [
      { waitSec: 0, notify: ['N3'] },
      { waitSec: 300, notify: ['N3'], repeat: { everySec: 900, times: 3 } },
    ],
  });

/** The steps laid out in time. Deterministic, so the n of a firing (and its key) never moves. */
export function expandPolicy(steps: readonly EscalationStep[]): Firing[] {
  const firings: Firing[] = [];
  let offsetMs = 0;
  for (const step of steps) {
    offsetMs += step.waitSec * 1000;
    firings.push({ n: firings.length + 1, offsetMs, notify: step.notify });
    for (let i = 0; i < (step.repeat?.times ?? 0); i++) {
      offsetMs += (step.repeat?.everySec ?? 0) * 1000;
      firings.push({ n: firings.length + 1, offsetMs, notify: step.notify });
    }
  }
  return firings;
}

/**
 * The delivery key of a firing: `incident/level` for the first (the same key as the opening or
 * escalation notice, so the outbox sends it once), `incident/level/step-n` for the next ones;
 * after the incident's k-th reopening (`epoch` k) each ends in `/reopen-k`, so the restarted
 * policy's notices are new deliveries rather than duplicates of the first run's.
 */
export function firingKey(incidentId: string, level: SupportLevel, n: number, epoch = 0): string {
  const key = n === 1 ? `${incidentId}/${level}` : `${incidentId}/${level}/step-${n}`;
  return epoch === 0 ? key : `${key}/reopen-${epoch}`;
}

/** Whether a target names a support level (else a channel id). */
export function isLevelTarget(target: EscalationTarget): target is SupportLevel {
  return (SUPPORT_LEVELS as readonly string[]).includes(target);
}
