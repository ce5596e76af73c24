/**
 * Roll-up tiers of the headline figures: one row per host, tier (`step_ms`) and bucket start
 * (`at`, a multiple of the step), with the number of samples in it and each figure's mean and
 * maximum over them. Written and pruned by the retention job (hub/src/retention/).
 */
export interface SampleRollupsTable {
  host_id: string;
  step_ms: number;
  at: number;
  samples: number;
  cpu_avg: number | null;
  cpu_max: number | null;
  mem_avg: number | null;
  mem_max: number | null;
  swap_avg: number | null;
  swap_max: number | null;
  disk_max_avg: number | null;
  disk_max_max: number | null;
  load1_avg: number | null;
  load1_max: number | null;
}

/** Instants the retention job has reached, by name, so a restart resumes where it stopped. */
export interface RetentionStateTable {
  name: string;
  value: number;
}
