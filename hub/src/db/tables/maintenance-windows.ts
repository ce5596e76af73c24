export const MAINTENANCE_SCOPES = ['host', 'site', 'client', 'tag'] as const;
export type MaintenanceScope = (typeof MAINTENANCE_SCOPES)[number];

/** A recurring window (cron start + duration) during which matching hosts open no ticket. */
export interface MaintenanceWindowsTable {
  id: string;
  scope: MaintenanceScope;
  /** Host id, `client/site`, client, or tag, by scope. */
  target: string;
  /** Start times, cron syntax (5 or 6 fields). */
  cron: string;
  duration_ms: number;
  /** IANA zone the cron expression is read in. */
  timezone: string;
  reason: string;
  created_by: string | null;
  created_at: number;
  disabled_at: number | null;
}
