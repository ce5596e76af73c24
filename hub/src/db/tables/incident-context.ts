/**
 * What a host was doing when one of its faults opened an incident: its top processes (JSON arrays
 * of `ProcessInfo`, as the agent sent them, at most 10 each) from the sample nearest the fault.
 */
export interface IncidentContextTable {
  incident_id: string;
  /** When the sample the processes come from was taken (the agent's clock). */
  processes_at: number;
  top_by_cpu: string;
  top_by_memory: string;
  captured_at: number;
}
