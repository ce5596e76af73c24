/**
 * Every kind of security signal the audit holds, and the reasons each may carry. Add a kind here
 * (and its labels in the console's dictionaries) before recording it; the console labels every
 * one, tested.
 */
export const SECURITY_AUDIT_KINDS = {
  /** An enrolment refused; the peer got ENROLMENT_REFUSED, the audit keeps why. */
  'enrolment.refused': ['TOKEN_UNKNOWN', 'TOKEN_EXPIRED', 'TOKEN_USED_UP', 'TOKEN_REVOKED'],
  /** An address over its budget of refused enrolments (the first refusal of a burst only). */
  'enrolment.throttled': ['ADDRESS_RATE_LIMITED'],
  /** An account name locked after too many wrong passwords, from any number of addresses. */
  'sign-in.locked': ['TOO_MANY_FAILURES'],
  /** An address over its budget of failed sign-ins (the first refusal of a burst only). */
  'sign-in.throttled': ['ADDRESS_RATE_LIMITED'],
  /** An authenticated agent closed for its rate (4032); one row per host a minute, `closes` counts. */
  'agent.rate-limited': ['RATE_LIMITED'],
  /** An authenticated agent closed for what it sent (4000–4007); one row per host a minute. */
  'agent.protocol-violation': [
    'PROTOCOL_ERROR',
    'INVALID_JSON',
    'SCHEMA_VIOLATION',
    'DUPLICATE_HELLO',
    'FRAME_TOO_LARGE',
  ],
  /** The hub asked an agent for an N0 action its machine's admin did not allow (decision 0029). */
  'remediation.refused': ['ACTION_NOT_ALLOWED'],
} as const satisfies Record<string, readonly string[]>;

export type SecurityAuditKind = keyof typeof SECURITY_AUDIT_KINDS;
export type SecurityAuditReason<K extends SecurityAuditKind = SecurityAuditKind> =
  (typeof SECURITY_AUDIT_KINDS)[K][number];

export const SECURITY_AUDIT_KIND_NAMES = Object.keys(SECURITY_AUDIT_KINDS) as SecurityAuditKind[];
export const SECURITY_AUDIT_REASONS = [
  ...new Set(Object.values(SECURITY_AUDIT_KINDS).flat()),
] as SecurityAuditReason[];
