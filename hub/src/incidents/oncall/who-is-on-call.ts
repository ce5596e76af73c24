import {
  dayOf,
  isBusinessTime,
  localTime,
  minuteOf,
  type OnCallSchedule,
  type Rotation,
  type SupportLevel,
} from '@vigie/shared';

/** The person on duty and why. */
export interface OnDuty {
  readonly userId: string;
  readonly scheduleId: string;
  readonly via: 'override' | 'rotation';
}

/** The rotation's member on duty at `at`, or null before the rotation starts or without members. */
export function rotationMember(rotation: Rotation, timezone: string, at: number): string | null {
  const start = dayOf(rotation.startsOn);
  const handoff = minuteOf(rotation.handoff);
  if (start === undefined || handoff === undefined || rotation.members.length === 0) return null;
  const local = localTime(at, timezone);
  // Before today's handoff, yesterday's shift is still on.
  const shiftDay = local.minute >= handoff ? local.day : local.day - 1;
  const days = shiftDay - start;
  if (days < 0) return null;
  const turn = Math.floor(days / (rotation.kind === 'weekly' ? 7 : 1));
  return rotation.members[turn % rotation.members.length] ?? null;
}

/** Whether the schedule covers `at` (its hours, in its time zone). */
export function covers(schedule: OnCallSchedule, at: number): boolean {
  return (
    schedule.hours === null ||
    isBusinessTime(at, { timezone: schedule.timezone, hours: schedule.hours, holidays: [] })
  );
}

/**
 * Who is on call for a level at `at`. Among the enabled schedules covering that instant, a
 * client's own come before the shared ones, and schedules limited to some hours (nights,
 * weekends) before round-the-clock ones; within the first that yields someone, an override
 * beats the rotation (the latest one given when overrides overlap).
 */
export function whoIsOnCall(
  level: SupportLevel,
  at: number,
  schedules: readonly OnCallSchedule[],
  client = '',
): OnDuty | null {
  const ordered = schedules
    .filter((s) => s.enabled && s.level === level && (s.client === '' || s.client === client))
    .filter((s) => covers(s, at))
    .sort(
      (a, b) =>
        Number(b.client !== '') - Number(a.client !== '') ||
        Number(b.hours !== null) - Number(a.hours !== null) ||
        a.name.localeCompare(b.name),
    );
  for (const schedule of ordered) {
    const override = schedule.overrides.findLast((o) => o.startsAt <= at && at < o.endsAt);
    if (override) return { userId: override.userId, scheduleId: schedule.id, via: 'override' };
    const member = rotationMember(schedule.rotation, schedule.timezone, at);
    if (member !== null) return { userId: member, scheduleId: schedule.id, via: 'rotation' };
  }
  return null;
}
