/** The states a check can be in, ordered by gravity. */
export const CHECK_STATES = ['ok', 'warning', 'critical'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

/** Higher is worse; lets code compare states without a switch. */
export const CHECK_STATE_RANK: Readonly<Record<CheckState, number>> = { ok: 0, warning: 1, critical: 2 };
