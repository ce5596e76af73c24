import { type ProbeSpec, probeSpecSchema } from '@vigie/shared';
import type { ProbeRow } from './repository.js';
import { DEFAULT_PROBE_RULES, type ProbeRules, probeRulesSchema } from './rules.js';

/** The spec an agent runs, rebuilt from the row (the id is the row's). */
export function specOf(row: ProbeRow): ProbeSpec {
  return probeSpecSchema.parse({ ...(JSON.parse(row.spec) as object), id: row.id, kind: row.kind });
}

/** The probe's rules; a row written by a future version falls back on the stock rules. */
export function rulesOf(row: ProbeRow): ProbeRules {
  const parsed = probeRulesSchema.safeParse(JSON.parse(row.rules));
  return parsed.success ? parsed.data : DEFAULT_PROBE_RULES;
}
