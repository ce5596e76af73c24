export interface AgentsTable {
  id: string;
  host_id: string;
  /** SHA-256 of the agent's secret (256 random bits, so a fast hash is enough; see docs/decisions). */
  secret_hash: string;
  /** Machine fingerprint the credential is bound to. */
  fingerprint: string;
  enrolment_token_id: string | null;
  enrolled_at: number;
  revoked_at: number | null;
}

/** Per-boot delivery state: the highest seq committed for each (agent, boot). */
export interface AgentBootsTable {
  agent_id: string;
  boot_id: string;
  committed_seq: number;
  started_at: number;
  updated_at: number;
}
