import { type ProbeSpec, probeSpecSchema } from '@vigie/shared';
import { DEFAULT_PROBE_RULES, type ProbeRules, probeRulesSchema } from './rules.js';
import type { ProbeRow } from './store.js';

/** The spec an agent runs, rebuilt from the row (the id is the row's). */
export function specOf(row: ProbeRow): ProbeSpec {
  return probeSpecSchema.parse(rawSpec(row));
}

/** The spec, or undefined for a row this version cannot read (never sent, never fatal). */
export function readableSpec(row: ProbeRow): ProbeSpec | undefined {
  const parsed = probeSpecSchema.safeParse(rawSpec(row));
  return parsed.success ? parsed.data : undefined;
}

function rawSpec(row: ProbeRow): unknown {
  try {
    return { ...(JSON.parse(row.spec) as object), id: row.id, kind: row.kind };
  } catch {
    return undefined;
  }
}

/** The probe's rules; a row written by a future version falls back on the stock rules. */
export function rulesOf(row: ProbeRow): ProbeRules {
  const parsed = probeRulesSchema.safeParse(JSON.parse(row.rules));
  return parsed.success ? parsed.data : DEFAULT_PROBE_RULES;
}
