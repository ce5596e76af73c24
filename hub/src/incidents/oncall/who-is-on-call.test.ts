import type { OnCallSchedule } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { rotationMember, whoIsOnCall } from './who-is-on-call.js';

const at = (iso: string) => Date.parse(iso);
const base = { client: '', timezone: 'Europe/Paris', enabled: true, overrides: [] };

const SCHEDULES: OnCallSchedule[] = [
  {
    ...base,
    id: 'day',
    name: 'N3 office hours',
    level: 'N3',
    rotation: { kind: 'daily', startsOn: '2026-11-23', handoff: '08:00', members: ['alice', 'bob'] },
    hours: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
  },
  {
    ...base,
    id: 'nights',
    name: 'N3 nights and weekends',
    level: 'N3',
    rotation: { kind: 'weekly', startsOn: '2026-11-23', handoff: '09:00', members: ['carol', 'dave'] },
    hours: [
      { days: [1, 2, 3, 4, 5], from: '18:00', to: '08:00' },
      { days: [6, 7], from: '00:00', to: '24:00' },
      // Sunday's day runs to midnight: Monday morning needs its own line.
      { days: [1], from: '00:00', to: '08:00' },
    ],
    overrides: [
      { userId: 'erin', startsAt: at('2026-11-28T10:00:00+01:00'), endsAt: at('2026-11-28T14:00:00+01:00') },
    ],
  },
  {
    ...base,
    id: 'n1-all',
    name: 'N1 shared',
    level: 'N1',
    rotation: { kind: 'weekly', startsOn: '2026-01-05', handoff: '09:00', members: ['gina'] },
    hours: null,
  },
  {
    ...base,
    id: 'n1-acme',
    name: 'N1 acme',
    client: 'acme',
    level: 'N1',
    rotation: { kind: 'weekly', startsOn: '2026-01-05', handoff: '09:00', members: ['frank'] },
    hours: null,
  },
  {
    ...base,
    id: 'n2-off',
    name: 'N2 disabled',
    level: 'N2',
    enabled: false,
    rotation: { kind: 'daily', startsOn: '2026-01-05', handoff: '09:00', members: ['henri'] },
    hours: null,
  },
];

describe('whoIsOnCall', () => {
  it.each([
    [
      'office hours, daily turn 3',
      'N3',
      '2026-11-25T10:00:00+01:00',
      '',
      { userId: 'alice', scheduleId: 'day', via: 'rotation' },
    ],
    [
      'next Monday after the handoff',
      'N3',
      '2026-11-30T08:30:00+01:00',
      '',
      { userId: 'bob', scheduleId: 'day', via: 'rotation' },
    ],
    [
      'Wednesday 07:00 is still the night shift',
      'N3',
      '2026-11-25T07:00:00+01:00',
      '',
      { userId: 'carol', scheduleId: 'nights', via: 'rotation' },
    ],
    [
      'weekly handoff not reached yet on Monday 07:00',
      'N3',
      '2026-11-30T07:00:00+01:00',
      '',
      { userId: 'carol', scheduleId: 'nights', via: 'rotation' },
    ],
    [
      'second week of nights',
      'N3',
      '2026-12-01T07:00:00+01:00',
      '',
      { userId: 'dave', scheduleId: 'nights', via: 'rotation' },
    ],
    [
      'Saturday override',
      'N3',
      '2026-11-28T11:00:00+01:00',
      '',
      { userId: 'erin', scheduleId: 'nights', via: 'override' },
    ],
    [
      'Saturday after the override',
      'N3',
      '2026-11-28T15:00:00+01:00',
      '',
      { userId: 'carol', scheduleId: 'nights', via: 'rotation' },
    ],
    [
      'a client with its own schedule',
      'N1',
      '2026-11-25T10:00:00+01:00',
      'acme',
      { userId: 'frank', scheduleId: 'n1-acme', via: 'rotation' },
    ],
    [
      'another client gets the shared one',
      'N1',
      '2026-11-25T10:00:00+01:00',
      'globex',
      { userId: 'gina', scheduleId: 'n1-all', via: 'rotation' },
    ],
    ['disabled schedules count for nothing', 'N2', '2026-11-25T10:00:00+01:00', '', null],
    ['before the rotation starts', 'N3', '2026-11-22T12:00:00+01:00', '', null],
  ] as const)('%s', (_name, level, when, client, expected) => {
    expect(whoIsOnCall(level, at(when), SCHEDULES, client)).toEqual(expected);
  });
});

describe('rotationMember', () => {
  const rotation = {
    kind: 'daily',
    startsOn: '2026-03-28',
    handoff: '08:00',
    members: ['a', 'b', 'c'],
  } as const;
  it.each([
    ['first shift', '2026-03-28T08:00:00+01:00', 'a'],
    ['the night before the DST change still belongs to the first shift', '2026-03-29T07:59:00+02:00', 'a'],
    ['handoff at 08:00 CEST on the DST day', '2026-03-29T08:00:00+02:00', 'b'],
    ['wraps around', '2026-03-31T09:00:00+02:00', 'a'],
  ])('%s', (_name, when, member) => {
    expect(rotationMember(rotation, 'Europe/Paris', at(when))).toBe(member);
  });
});
