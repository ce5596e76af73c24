import {
  type CheckRule,
  effectiveRules,
  evaluateRule,
  type RuleKind,
  type RuleState,
  ruleAppliesTo,
  type Sample,
} from '@vigie/shared';
import type { CheckStateReport } from '../transport/outbox.js';
import { createUsageHistory, timeToFullSec, type UsageHistory } from './forecast.js';
import { checkMessage } from './messages.js';
import { type CheckObservation, observe, SECTION_OF } from './observations.js';

/** A state change to send to the hub, as the `checkState` message carries it. */
export type CheckChange = Omit<CheckStateReport, 'type' | 'check'> & { readonly check: RuleKind };

export interface LocalChecksOptions {
  /** The policy's rules (`policy.checks`); kinds it does not name keep their defaults. */
  readonly rules?: readonly CheckRule[];
  /** How long a non-ok resource may be absent from its section before it is reported ok. */
  readonly goneAfterSec?: number;
  /** How often a check still failing is reported again (the hub resolves silent triggers as stale). */
  readonly reassertAfterSec?: number;
}

/** The agent's checks: per-(kind, resource) state folded over every fast-cycle sample. */
export interface LocalChecks {
  /** Evaluates one sample (plus observations only the runtime has: clock drift, reboot). */
  evaluate(sample: Sample, now: number, extra?: readonly CheckObservation[]): CheckChange[];
  /** Replaces the rules (a new policy); non-ok states of checks now disabled are reported ok. */
  setRules(rules: readonly CheckRule[] | undefined, now: number): CheckChange[];
  /** The rules in force. */
  rules(): readonly CheckRule[];
  /** Every check evaluated since start, with its state: what a check snapshot states. */
  states(): readonly TrackedCheck[];
}

/** One check the agent runs, as `states()` lists it. */
export interface TrackedCheck {
  readonly kind: RuleKind;
  readonly resource: string;
  readonly state: RuleState;
  /** The trigger threshold of the level it is in (null when ok). */
  readonly threshold: number | null;
}

interface Tracked {
  readonly kind: RuleKind;
  readonly resource: string;
  state: RuleState;
  /** When this check's state was last sent to the hub. */
  reportedAt?: number;
}

const DEFAULT_GONE_AFTER_SEC = 600;
// Only changes are sent, so a fault that lasts days would look silent to the hub, which resolves
// triggers without news after its staleness timeout (72 h by default): say "still failing" well before.
const DEFAULT_REASSERT_AFTER_SEC = 6 * 3600;

/**
 * A resource that disappears (a USB disk unmounted, a sensor gone) is forgotten quietly when it was
 * ok; when it was not, it is reported ok after `goneAfterSec` — an incident about a volume that is no
 * longer there should resolve, not wait for the hub's staleness timeout. A missing section (services
 * on a fast cycle, a failed collector) says nothing about its resources and forgets nothing.
 */
export function createLocalChecks(options: LocalChecksOptions = {}): LocalChecks {
  const goneAfterMs = (options.goneAfterSec ?? DEFAULT_GONE_AFTER_SEC) * 1000;
  const reassertAfterMs = (options.reassertAfterSec ?? DEFAULT_REASSERT_AFTER_SEC) * 1000;
  let rules = effectiveRules(options.rules);
  let historyWindowSec = forecastWindowSec(rules);
  let history: UsageHistory = createUsageHistory({ windowSec: historyWindowSec });
  const tracked = new Map<string, Tracked>();

  const ruleFor = (kind: RuleKind, resource: string) =>
    rules.find((rule) => rule.kind === kind && rule.enabled && ruleAppliesTo(rule, resource));

  function forecast(mount: string, sizeBytes: number, now: number): number | null {
    const rule = ruleFor('fs.forecast', mount);
    if (rule?.kind !== 'fs.forecast') return null;
    const since = now - rule.options.windowSec * 1000;
    const points = history.points(mount, now).filter((point) => point.at >= since);
    return timeToFullSec(points, sizeBytes, now, rule.options);
  }

  function clearedReport(entry: Tracked, now: number, why: string): CheckChange {
    return {
      check: entry.kind,
      ...(entry.resource !== '' && { resource: entry.resource }),
      state: 'ok',
      previous: entry.state.state,
      value: null,
      threshold: null,
      message: `${entry.resource || entry.kind} ${why}; check cleared`,
      at: now,
    };
  }

  return {
    rules: () => rules,

    states: () =>
      [...tracked.values()].map(({ kind, resource, state }) => {
        const rule = ruleFor(kind, resource);
        return { kind, resource, state, threshold: rule ? thresholdOf(rule, state.state) : null };
      }),

    evaluate(sample, now, extra = []) {
      for (const fs of sample.filesystems ?? [])
        history.record(fs.mount, { at: sample.at, usedBytes: fs.usedBytes });
      const observations = [
        ...observe(sample, { ruleFor, timeToFullSec: (mount, size) => forecast(mount, size, now) }),
        ...extra.filter((o) => ruleFor(o.kind, o.resource)),
      ];
      const changes: CheckChange[] = [];
      const seen = new Set<string>();
      for (const observation of observations) {
        const rule = ruleFor(observation.kind, observation.resource);
        if (!rule) continue;
        const key = keyOf(observation.kind, observation.resource);
        seen.add(key);
        const previous = tracked.get(key);
        const { state, change } = evaluateRule(
          rule,
          { value: observation.value, at: sample.at },
          previous?.state,
          now,
        );
        const entry: Tracked = { kind: observation.kind, resource: observation.resource, state };
        if (previous?.reportedAt !== undefined) entry.reportedAt = previous.reportedAt;
        tracked.set(key, entry);
        // Not while a recovery is under way: the next message will be the clear.
        const stillFailing =
          !change &&
          state.state !== 'ok' &&
          state.clearedSince === undefined &&
          now - (entry.reportedAt ?? now) >= reassertAfterMs;
        if (!change && !stillFailing) continue;
        const to = change?.to ?? state.state;
        const threshold = change ? change.threshold : thresholdOf(rule, to);
        const raw = change ? change.value : observation.value;
        const value = raw === null ? null : (observation.shown ?? raw);
        entry.reportedAt = now;
        changes.push({
          check: observation.kind,
          ...(observation.resource !== '' && { resource: observation.resource }),
          state: to,
          previous: change?.from ?? to,
          value,
          threshold,
          message: checkMessage({ ...observation, direction: rule.direction, state: to, value, threshold }),
          at: now,
        });
      }
      for (const [key, entry] of tracked) {
        const section = SECTION_OF[entry.kind];
        if (seen.has(key) || section === null || sample[section] === undefined) continue;
        if (entry.state.state === 'ok') tracked.delete(key);
        else if (now - (entry.state.lastSeenAt ?? now) >= goneAfterMs) {
          tracked.delete(key);
          changes.push(clearedReport(entry, now, 'is no longer present'));
        }
      }
      history.prune(now - goneAfterMs);
      return changes;
    },

    setRules(next, now) {
      rules = effectiveRules(next);
      if (forecastWindowSec(rules) !== historyWindowSec) {
        historyWindowSec = forecastWindowSec(rules);
        history = createUsageHistory({ windowSec: historyWindowSec });
      }
      const changes: CheckChange[] = [];
      for (const [key, entry] of tracked) {
        if (ruleFor(entry.kind, entry.resource)) continue;
        tracked.delete(key);
        if (entry.state.state !== 'ok')
          changes.push(clearedReport(entry, now, 'is no longer checked by the policy'));
      }
      return changes;
    },
  };
}

const keyOf = (kind: RuleKind, resource: string) => `${kind}\u0000${resource}`;

/** The trigger threshold of the level a check is in (what a "still failing" report quotes). */
function thresholdOf(rule: CheckRule, state: RuleState['state']): number | null {
  if (state === 'critical') return rule.critical?.trigger ?? null;
  if (state === 'warning') return rule.warning?.trigger ?? null;
  return null;
}

/** The longest window any forecast rule asks for (one history serves them all). */
function forecastWindowSec(rules: readonly CheckRule[]): number {
  const windows = rules.flatMap((rule) => (rule.kind === 'fs.forecast' ? [rule.options.windowSec] : []));
  return Math.max(3600, ...windows);
}
