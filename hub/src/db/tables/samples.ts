/**
 * One row per sample (one collection cycle of one host): the figures charts and the fleet view
 * need most as columns, the whole sample as JSON. Measured ~3.5× cheaper to insert than one row
 * per metric, and a host's chart is one range scan on (host_id, at).
 */
export interface SamplesTable {
  host_id: string;
  boot_id: string;
  seq: number;
  /** Position of the sample within its message (a backlog batch holds several). */
  idx: number;
  at: number;
  received_at: number;
  cpu_pct: number | null;
  mem_pct: number | null;
  swap_pct: number | null;
  disk_max_pct: number | null;
  load1: number | null;
  payload: string;
}
