/** One security signal: what was refused, to whom, from where, and why (audit/kinds.ts). */
export interface SecurityAuditTable {
  id: string;
  at: number;
  /** A `SecurityAuditKind`: `enrolment.refused`, `sign-in.locked`, … */
  kind: string;
  /** The peer's network address, when the signal came over HTTP or a socket. */
  address: string | null;
  /** Who acted, when known (an agent id, a user name). */
  actor: string | null;
  /** What was aimed at (an enrolment token id, an account name). */
  subject: string | null;
  /** The real reason, a stable code the peer itself was not told. */
  reason: string;
  /** JSON object with whatever else helps an admin read the event. */
  details: string;
}

/**
 * Failed sign-ins per account name (any name typed, known or not, so a lock says nothing about
 * which accounts exist). `failures` counts since the last lock or quiet spell; `lockouts` counts
 * the locks in a row, which double the next one.
 */
export interface SignInFailuresTable {
  account: string;
  failures: number;
  last_failure_at: number;
  lockouts: number;
  /** 0 when not locked. */
  locked_until: number;
}
