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
} as const satisfies Record<string, readonly string[]>;

export type SecurityAuditKind = keyof typeof SECURITY_AUDIT_KINDS;
export type SecurityAuditReason<K extends SecurityAuditKind = SecurityAuditKind> =
  (typeof SECURITY_AUDIT_KINDS)[K][number];

export const SECURITY_AUDIT_KIND_NAMES = Object.keys(SECURITY_AUDIT_KINDS) as SecurityAuditKind[];
export const SECURITY_AUDIT_REASONS = [
  ...new Set(Object.values(SECURITY_AUDIT_KINDS).flat()),
] as SecurityAuditReason[];
