import { type BusinessCalendar, type Priority, SUPPORT_LEVELS, type SupportLevel } from '@vigie/shared';
import { elapsedMs, type SlaClock, type SlaClockName } from './clocks.js';
import { formatDuration } from './settings.js';

/** A clock as stored on an incident, with what was already done about it. */
export interface TrackedClock extends SlaClock {
  readonly warnedAt: number | null;
  readonly breachedAt: number | null;
}

/** What the SLA step decides on. */
export interface SlaFacts {
  readonly open: boolean;
  /** Acknowledged, assigned, in progress or pending: the time to own is met. */
  readonly owned: boolean;
  /** The fault cleared and the incident waits out its quiet period: nothing escalates. */
  readonly recovered: boolean;
  readonly pausedSince: number | null;
  readonly priority: Priority;
  readonly level: SupportLevel;
  readonly own: TrackedClock | null;
  readonly resolve: TrackedClock | null;
  /** When the clocks stopped for good (owned for `own`, resolved for `resolve`), if known. */
  readonly ownedAt: number | null;
  readonly resolvedAt: number | null;
}

/** One thing the sweep must do for one clock. */
export interface SlaStep {
  readonly kind: 'warn' | 'breach';
  readonly clock: SlaClockName;
  /** One level up, or null at N3 (then the N3 channels are told again). */
  readonly escalateTo: SupportLevel | null;
  readonly reason: string;
}

const LABEL: Readonly<Record<SlaClockName, string>> = { own: 'time to own', resolve: 'time to resolve' };

/** What time alone does to the SLA clocks at `now`: warn once at the ratio, breach once at 100 %. */
export function decideSla(facts: SlaFacts, now: number, warnRatio: number): SlaStep[] {
  if (!facts.open || facts.recovered || facts.pausedSince !== null) return [];
  const steps: SlaStep[] = [];
  const next = SUPPORT_LEVELS[SUPPORT_LEVELS.indexOf(facts.level) + 1] ?? null;
  for (const [name, clock] of [
    ['own', facts.owned ? null : facts.own],
    ['resolve', facts.resolve],
  ] as const) {
    if (clock === null) continue;
    const what = `${LABEL[name]} of P${facts.priority} (${formatDuration(clock.targetMs)})`;
    if (clock.breachedAt === null && clock.dueAt <= now) {
      // One escalation per sweep: a second breach in the same pass waits for the next one, so an
      // incident climbs one level at a time and each step is explained.
      if (steps.some((step) => step.kind === 'breach')) continue;
      steps.push({
        kind: 'breach',
        clock: name,
        escalateTo: next,
        reason: `${what} passed at ${facts.level}`,
      });
    } else if (clock.warnedAt === null && clock.breachedAt === null && clock.warnAt <= now) {
      const pct = Math.round(warnRatio * 100);
      steps.push({
        kind: 'warn',
        clock: name,
        escalateTo: null,
        reason: `${pct} % of ${what} used at ${facts.level}`,
      });
    }
  }
  return steps;
}

export const SLA_STATUSES = ['running', 'warning', 'breached', 'paused', 'met', 'stopped'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

/** One clock as technicians see it. */
export interface ClockView {
  readonly targetMs: number;
  readonly warnAt: number;
  readonly dueAt: number;
  readonly elapsedPct: number;
  readonly status: SlaStatus;
}

/** The SLA state of an incident for the API: due times, % used, warning/breached, paused. */
export function slaView(
  facts: SlaFacts,
  now: number,
  calendar: BusinessCalendar,
): { paused: boolean; own: ClockView | null; resolve: ClockView | null } {
  const view = (clock: TrackedClock | null, stoppedAt: number | null): ClockView | null => {
    if (clock === null) return null;
    const at = stoppedAt ?? facts.pausedSince ?? now;
    const pct = clock.targetMs > 0 ? (elapsedMs(clock, at, calendar) / clock.targetMs) * 100 : 100;
    let status: SlaStatus;
    if (clock.breachedAt !== null || pct >= 100) status = 'breached';
    else if (stoppedAt !== null) status = 'met';
    else if (!facts.open) status = 'stopped';
    else if (facts.pausedSince !== null) status = 'paused';
    else status = clock.warnedAt !== null || clock.warnAt <= now ? 'warning' : 'running';
    return {
      targetMs: clock.targetMs,
      warnAt: clock.warnAt,
      dueAt: clock.dueAt,
      elapsedPct: Math.round(pct * 10) / 10,
      status,
    };
  };
  const ownStopped = facts.owned ? (facts.ownedAt ?? now) : null;
  return {
    paused: facts.pausedSince !== null,
    own: view(facts.own, ownStopped),
    resolve: view(facts.resolve, facts.resolvedAt),
  };
}
