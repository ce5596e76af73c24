import type { CheckState } from '@vigie/shared';

/** Every check state change reported by agents, kept verbatim; the incident engine reads it. */
export interface CheckStatesTable {
  host_id: string;
  boot_id: string;
  seq: number;
  at: number;
  received_at: number;
  check: string;
  resource: string;
  state: CheckState;
  previous: CheckState;
  value: number | null;
  threshold: number | null;
  message: string | null;
}
