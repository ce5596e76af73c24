import type { CheckState, ProbeKind, ProbeMethod, ProbeOutcome } from '@vigie/shared';

/** A site's allowlist of probe targets. */
export interface ProbeSitesTable {
  client: string;
  site: string;
  /** JSON array of allow entries (CIDR, address, host name, `*.domain`). */
  allow: string;
  updated_at: number;
  updated_by: string | null;
}

/** One probe of one device. */
export interface ProbesTable {
  id: string;
  client: string;
  site: string;
  device_host_id: string;
  name: string;
  kind: ProbeKind;
  /** JSON: the probe spec as sent to agents, without its id. */
  spec: string;
  /** JSON: `ProbeRules` (down and latency thresholds, TLS warning days). */
  rules: string;
  enabled: number;
  created_at: number;
  created_by: string | null;
  updated_at: number;
  /** The agreed states last signalled to the incident engine. */
  down_state: CheckState;
  latency_state: CheckState;
  signalled_at: number | null;
  /** The certificate's end of validity, from the newest result that carried one. */
  cert_not_after: number | null;
  cert_seen_at: number | null;
}

/** A host whose agent runs a probe, and what it last saw. */
export interface ProbeAgentsTable {
  probe_id: string;
  host_id: string;
  /** JSON `RuleState` of the down (loss) and latency rules, folded over this agent's results. */
  down_rule: string | null;
  latency_rule: string | null;
  /** Agent clock of its newest result, and hub clock when it arrived. */
  last_at: number | null;
  last_received_at: number | null;
  last_outcome: ProbeOutcome | null;
  last_latency_ms: number | null;
  last_loss_pct: number | null;
  last_error: string | null;
}

/** One result as received. */
export interface ProbeResultsTable {
  agent_id: string;
  boot_id: string;
  seq: number;
  probe_id: string;
  host_id: string;
  at: number;
  received_at: number;
  outcome: ProbeOutcome;
  method: ProbeMethod;
  latency_ms: number | null;
  loss_pct: number;
  status: number | null;
  cert_not_after: number | null;
  error: string | null;
  message: string | null;
  /** JSON array of addresses (DNS probes). */
  addresses: string | null;
}
