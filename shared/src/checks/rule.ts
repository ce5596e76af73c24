import { z } from 'zod';
import { bytes, list, name } from '../protocol/primitives.js';
import { CHECK_KINDS, type CheckKind } from './check-kinds.js';

/** Which side of the threshold is bad: `above` for usage, `below` for battery health or time-to-full. */
export const CHECK_DIRECTIONS = ['above', 'below'] as const;
export type CheckDirection = (typeof CHECK_DIRECTIONS)[number];

/** The levels a rule can raise, worst last; `ok` is what remains when none holds. */
export const RULE_LEVELS = ['warning', 'critical'] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

const seconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400);

/**
 * One level of a rule. The level is raised when the value goes past `trigger` (strictly) and held
 * until it comes back to `clear` or beyond: the band between them is the hysteresis that keeps a
 * value hovering around the threshold from flapping.
 */
export const thresholdSchema = z.object({
  trigger: z.number(),
  clear: z.number(),
  /** Overrides the rule's `forSec` for this level (a critical level may need to hold longer). */
  forSec: seconds.optional(),
});
export type Threshold = z.infer<typeof thresholdSchema>;

/** Glob patterns (`*`, `?`) on the resource name: mount points, sensors chips, service names. */
export const resourceFilterSchema = z.object({
  include: list(name).default([]),
  exclude: list(name).default([]),
});
export type ResourceFilter = z.infer<typeof resourceFilterSchema>;

const common = {
  enabled: z.boolean(),
  direction: z.enum(CHECK_DIRECTIONS),
  warning: thresholdSchema.nullable(),
  critical: thresholdSchema.nullable(),
  /** How long the condition must hold before the level is raised (escalation included). */
  forSec: seconds,
  /** How long the recovery must hold before the level is lowered (de-escalation included). */
  clearForSec: seconds,
  /** Which resources the rule applies to; all of them when absent or when `include` is empty. */
  resources: resourceFilterSchema.optional(),
};

/** Agent-side kinds whose rule needs nothing beyond thresholds and durations. */
export const PLAIN_KINDS = [
  'cpu.busy',
  'memory.pressure',
  'swap.pressure',
  'fs.inodes',
  'disk.smart',
  'temperature.high',
  'battery.wear',
  'clock.drift',
] as const satisfies readonly CheckKind[];

export const fsUsageOptionsSchema = z.object({
  /** A level is not raised while more than this many bytes are free (null: no floor). */
  freeFloorBytes: z.object({ warning: bytes.nullable(), critical: bytes.nullable() }),
});

export const fsForecastOptionsSchema = z.object({
  /** Span of used-bytes history the linear fit looks at. */
  windowSec: z.number().int().min(60).max(86_400),
  /** Fewer points than this and no forecast is made (the observation is missing). */
  minPoints: z.number().int().min(2).max(10_000),
  /** The points must span at least this long, so a burst of writes is not extrapolated. */
  minSpanSec: z.number().int().min(0).max(86_400),
});

export const serviceDownOptionsSchema = z.object({
  /** Services this rule watches; empty means every service named in the policy's `services`. */
  services: list(name),
});

export const hostRebootOptionsSchema = z.object({
  /** How long after the boot an unexpected reboot stays reported before clearing on its own. */
  holdSec: seconds,
});

const ruleVariants = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(PLAIN_KINDS), ...common }),
  z.object({ kind: z.literal('fs.usage'), ...common, options: fsUsageOptionsSchema }),
  z.object({ kind: z.literal('fs.forecast'), ...common, options: fsForecastOptionsSchema }),
  z.object({ kind: z.literal('service.down'), ...common, options: serviceDownOptionsSchema }),
  z.object({ kind: z.literal('host.reboot'), ...common, options: hostRebootOptionsSchema }),
]);

/** One check rule: what to compare, with which thresholds and for how long. */
export const checkRuleSchema = ruleVariants.superRefine((rule, ctx) => {
  for (const problem of thresholdProblems(rule)) ctx.addIssue({ code: 'custom', message: problem });
});
export type CheckRule = z.infer<typeof checkRuleSchema>;
/** Check kinds a rule can be written for (the agent-side ones). */
export type RuleKind = CheckRule['kind'];

/**
 * The policy's list of rules. Entries of a kind this build does not know are dropped rather than
 * failing the whole policy: a newer hub must not lock an older agent out of its welcome.
 */
export const checkRulesSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value.filter(isAgentRuleEntry) : value),
  list(checkRuleSchema),
);

function isAgentRuleEntry(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null || !('kind' in entry)) return true; // let zod say why
  const kind = entry.kind;
  return (
    typeof kind === 'string' &&
    Object.hasOwn(CHECK_KINDS, kind) &&
    CHECK_KINDS[kind as CheckKind].where === 'agent'
  );
}

/** Why a rule's thresholds are inconsistent (empty when they are fine). */
export function thresholdProblems(rule: Pick<CheckRule, 'direction' | 'warning' | 'critical'>): string[] {
  const problems: string[] = [];
  const worse = (a: number, b: number) => (rule.direction === 'above' ? a > b : a < b);
  for (const level of RULE_LEVELS) {
    const t = rule[level];
    if (t && worse(t.clear, t.trigger))
      problems.push(
        `${level}.clear must not be past ${level}.trigger for a rule that fires ${rule.direction}`,
      );
  }
  if (rule.warning && rule.critical && worse(rule.warning.trigger, rule.critical.trigger))
    problems.push('critical.trigger must be at least as far as warning.trigger');
  return problems;
}

/** True when `value` is past the level's trigger (strictly). */
export function isTriggered(direction: CheckDirection, threshold: Threshold, value: number): boolean {
  return direction === 'above' ? value > threshold.trigger : value < threshold.trigger;
}

/** True when `value` is back to the level's clear threshold or beyond. */
export function isCleared(direction: CheckDirection, threshold: Threshold, value: number): boolean {
  return direction === 'above' ? value <= threshold.clear : value >= threshold.clear;
}

/** Whether the rule's resource filter lets `resource` through. */
export function ruleAppliesTo(rule: Pick<CheckRule, 'resources'>, resource: string): boolean {
  const filter = rule.resources;
  if (!filter) return true;
  if (filter.include.length > 0 && !filter.include.some((p) => globMatches(p, resource))) return false;
  return !filter.exclude.some((p) => globMatches(p, resource));
}

/** `*` matches any run of characters (slashes included), `?` one character; the rest is literal. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}
