import type { WeeklyHours } from '../calendar/business-time.js';
import type { SupportLevel } from './incident.js';

// On-call schedules, as the hub stores them and decides who is on duty.

/** Members take turns, handing over each day or each week at a local time. */
export interface Rotation {
  readonly kind: 'daily' | 'weekly';
  /** `YYYY-MM-DD`: the first member's first shift starts that day at `handoff` (weekly: that weekday). */
  readonly startsOn: string;
  /** `HH:MM` local time of the handoff. */
  readonly handoff: string;
  /** User ids, in turn order. */
  readonly members: readonly string[];
}

/** Someone standing in between two instants. */
export interface OnCallOverride {
  readonly userId: string;
  readonly startsAt: number;
  readonly endsAt: number;
}

/** Who covers a level, for one client or all ('' ), around the clock or during some hours only. */
export interface OnCallSchedule {
  readonly id: string;
  readonly name: string;
  readonly level: SupportLevel;
  readonly client: string;
  readonly timezone: string;
  readonly rotation: Rotation;
  /** null = around the clock; else e.g. nights and weekends. */
  readonly hours: readonly WeeklyHours[] | null;
  readonly enabled: boolean;
  readonly overrides: readonly OnCallOverride[];
}
