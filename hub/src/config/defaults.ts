/**
 * Defaults of the hub settings that the config schema leaves optional and that no feature module
 * owns a table for. Named here so the code and docs/configuration.md read the same value (the
 * configuration test compares them).
 */
export const SETTING_DEFAULTS = {
  /** Seconds between incident sweeps (host silence, timers). */
  incidentSweepIntervalSec: 5,
  /** Days between automatic rotations of each agent's secret. */
  credentialRotationDays: 90,
  /** Hours a rotated-out secret keeps working until the agent confirms the new one. */
  credentialGraceHours: 24,
  /** Hellos with the bare secret stay accepted until an admin closes the window (0025). */
  legacyHello: 'allow',
  /** Refused enrolment attempts per minute per remote address. */
  enrolRateLimit: 10,
} as const;
