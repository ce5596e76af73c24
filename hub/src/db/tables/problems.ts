import type { SupportLevel } from '@vigie/shared';

export const PROBLEM_STATES = ['open', 'known_error', 'resolved', 'closed'] as const;
export type ProblemState = (typeof PROBLEM_STATES)[number];

/** The cause of recurring incidents of one dedup key, for N2 to find. */
export interface ProblemsTable {
  id: string;
  dedup_key: string;
  /** = dedup_key while the problem is open, NULL after (one open problem per key). */
  open_key: string | null;
  client: string;
  site: string;
  host_id: string | null;
  check: string;
  resource: string;
  /** English rendering (API, rows from before codes). */
  title: string;
  /** The title code and JSON parameters of its incidents' title (0027), null on rows from before. */
  title_code: string | null;
  title_params: string | null;
  state: ProblemState;
  level: SupportLevel;
  incident_count: number;
  first_incident_at: number;
  last_incident_at: number;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  note: string | null;
}
