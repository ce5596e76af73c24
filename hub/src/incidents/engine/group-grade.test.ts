import { describe, expect, it } from 'vitest';
import { decideSignal, type SignalContext } from './decide-signal.js';
import { groupGradeOf, raiseParent } from './group-grade.js';
import { NO_GROUPING } from './grouping.js';
import { DEFAULT_INCIDENT_SETTINGS as S } from './settings.js';
import type { HostFacts, IncidentFacts, Signal } from './types.js';

const NOW = 1_764_000_000_000;
const MIN = 60_000;
const prod: HostFacts = { id: 'h1', hostname: 'srv-db-01', role: 'server', tags: ['production'] };
const pc = (n: number): HostFacts => ({ id: `pc${n}`, hostname: `pc-${n}`, role: 'workstation', tags: [] });

const signal = (over: Partial<Signal> = {}): Signal => ({
  key: 'acme/h1/service.down/postgresql',
  client: 'acme',
  site: 'paris',
  host: prod,
  check: 'service.down',
  resource: 'postgresql',
  state: 'critical',
  observedAt: NOW,
  value: null,
  threshold: null,
  message: null,
  ...over,
});

/** The P4 disk warning of the production server, opened a minute ago, routed to N1. */
const diskWarning = (over: Partial<IncidentFacts> = {}): IncidentFacts => ({
  id: 'disk',
  state: 'new',
  severity: 'warning',
  urgency: 3,
  impact: 5,
  priority: 4,
  priorityManual: false,
  level: 'N1',
  flapping: false,
  occurrences: 1,
  openedAt: NOW - MIN,
  lastOccurrenceAt: NOW - MIN,
  recoveredAt: null,
  resolvedAt: null,
  acknowledgedAt: null,
  assignee: null,
  check: 'fs.usage',
  source: 'agent',
  parentId: null,
  groupKind: null,
  ...over,
});

const withParent = (parent: IncidentFacts): SignalContext => ({
  open: undefined,
  last: undefined,
  inhibitedBy: null,
  maintenance: null,
  held: false,
  grouping: {
    ...NO_GROUPING,
    hostSiblings: [{ id: parent.id, check: parent.check, openedAt: parent.openedAt, parentId: null }],
    parents: new Map([[parent.id, parent]]),
  },
});

describe('a child more urgent than its parent', () => {
  it('raises a P4 disk warning at N1 to P5 at N3 when the production service goes down under it', () => {
    const d = decideSignal(signal(), withParent(diskWarning()), S, NOW);
    expect(d).toMatchObject({
      kind: 'open',
      grade: { priority: 5, level: 'N3' },
      placement: { kind: 'child', parentId: 'disk', group: 'host' },
      raisesParent: { priority: 5, level: 'N3', impact: 5, urgency: 4, severity: 'critical' },
    });
  });

  it('keeps a hand-set priority but still raises the level', () => {
    const parent = diskWarning({ priority: 3, priorityManual: true });
    expect(raiseParent(parent, { ...gradeOfService(), route: 'production service down' })).toMatchObject({
      priority: 3,
      level: 'N3',
    });
  });

  it('leaves a parent alone when the child is not more urgent', () => {
    const d = decideSignal(
      signal({ check: 'cpu.busy', resource: '', state: 'warning' }),
      withParent(diskWarning({ priority: 5, level: 'N3' })),
      S,
      NOW,
    );
    expect(d).toMatchObject({ kind: 'open', placement: { kind: 'child' }, raisesParent: null });
  });

  it('never lowers a parent on any axis', () => {
    const parent = diskWarning({ severity: 'critical', urgency: 5, impact: 5, priority: 4, level: 'N1' });
    const raised = raiseParent(parent, { ...gradeOfService(), urgency: 4, impact: 4, severity: 'warning' });
    expect(raised).toMatchObject({ severity: 'critical', urgency: 5, impact: 5, priority: 5, level: 'N3' });
  });
});

function gradeOfService() {
  return {
    severity: 'critical' as const,
    urgency: 4 as const,
    impact: 5 as const,
    priority: 5 as const,
    level: 'N3' as const,
    route: 'x',
  };
}

describe('a site silence', () => {
  const site = (members?: HostFacts[]): Signal =>
    signal({
      key: 'acme/@paris/site.silent',
      host: null,
      check: 'site.silent',
      resource: '',
      ...(members ? { members } : {}),
    });

  it('takes the impact and level of a silent production server among its hosts: P5 at N3', () => {
    const d = decideSignal(site([pc(1), prod, pc(2)]), withParent(diskWarning()), S, NOW);
    expect(d).toMatchObject({ kind: 'open', grade: { impact: 5, priority: 5, level: 'N3' } });
  });

  it('was P2 with no host to judge it by (the old grade)', () => {
    const d = decideSignal(site(), withParent(diskWarning()), S, NOW);
    expect(d).toMatchObject({ kind: 'open', grade: { impact: 1, priority: 2 } });
  });

  it('routes as its most urgent member when no rule routes the site itself', () => {
    const settings = { ...S, routing: S.routing.filter((r) => r.name !== 'site silent') };
    const grade = groupGradeOf(settings, {
      check: 'site.silent',
      severity: 'critical',
      members: [pc(1), prod, pc(2)],
      memberCheck: 'host.silent',
    });
    expect(grade).toMatchObject({ priority: 5, level: 'N3', route: 'server silent' });
    const workstations = groupGradeOf(settings, {
      check: 'site.silent',
      severity: 'critical',
      members: [pc(1), pc(2), pc(3)],
      memberCheck: 'host.silent',
    });
    expect(workstations).toMatchObject({ impact: 1, level: 'N1' });
  });
});
