import type { EscalationStep, Priority, SupportLevel } from '@vigie/shared';
import { DEFAULT_ESCALATION_POLICIES } from '../escalation/policy.js';

/** Time to own (acknowledge or assign) and time to resolve, in business time. */
export interface SlaTarget {
  readonly ownMs: number;
  readonly resolveMs: number;
}

/** SLA targets per priority, when to warn, and the escalation policies used when none is stored. */
export interface SlaSettings {
  readonly targets: Readonly<Record<Priority, SlaTarget>>;
  /** Fraction of a clock at which technicians are warned (DESIGN.md: 75 %). */
  readonly warnRatio: number;
  readonly escalation: Readonly<Record<SupportLevel, readonly EscalationStep[]>>;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * GLPI/ITIL-style targets on GLPI's scale (5 = very high). 6 ("major", set by hand) owns like 5
 * and must be resolved twice as fast.
 */
export const DEFAULT_SLA_SETTINGS: SlaSettings = Object.freeze<SlaSettings>({
  targets: {
    6: { ownMs: 15 * MIN, resolveMs: 2 * HOUR },
    5: { ownMs: 15 * MIN, resolveMs: 4 * HOUR },
    4: { ownMs: 30 * MIN, resolveMs: 8 * HOUR },
    3: { ownMs: 2 * HOUR, resolveMs: 24 * HOUR },
    2: { ownMs: 8 * HOUR, resolveMs: 72 * HOUR },
    1: { ownMs: 24 * HOUR, resolveMs: 7 * 24 * HOUR },
  },
  warnRatio: 0.75,
  escalation: DEFAULT_ESCALATION_POLICIES,
});

/** `2 h`, `15 min`, `1 week`, `3 days 4 h`: how a target reads in a timeline. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / MIN);
  if (minutes === 0) return `${Math.round(ms / 1000)} s`;
  const units: [number, string, string][] = [
    [7 * 24 * 60, 'week', 'weeks'],
    [24 * 60, 'day', 'days'],
    [60, 'h', 'h'],
    [1, 'min', 'min'],
  ];
  const parts: string[] = [];
  let rest = minutes;
  for (const [size, one, many] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 && parts.length < 2) parts.push(`${count} ${count === 1 ? one : many}`);
    rest -= count * size;
  }
  return parts.join(' ');
}
