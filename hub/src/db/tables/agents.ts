import type { ColumnType } from 'kysely';

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
  /** Hash of the secret replaced by the last rotation, valid until the expiry below (grace window). */
  previous_secret_hash: ColumnType<string | null, string | null | undefined, string | null>;
  previous_secret_expires_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the secret was last rotated (null: never, the enrolment secret). */
  secret_rotated_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** An admin asked for a rotation the agent has not received yet. */
  rotation_requested_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** Ed25519 public key the agent derives from its secret, for nonce-bound hellos (0025). */
  hello_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** The same for the rotated-out secret, valid as long as `previous_secret_hash`. */
  previous_hello_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** Hellos accepted with the bare secret (no nonce proof), and the last one. */
  legacy_hellos: ColumnType<number, number | undefined, number>;
  last_legacy_hello_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Per-boot delivery state: the highest seq committed for each (agent, boot). */
export interface AgentBootsTable {
  agent_id: string;
  boot_id: string;
  committed_seq: number;
  started_at: number;
  updated_at: number;
}
