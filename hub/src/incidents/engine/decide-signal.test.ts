import { describe, expect, it } from 'vitest';
import { decideSignal, type SignalContext } from './decide-signal.js';
import { decideTick } from './decide-tick.js';
import { gradeOf } from './grade.js';
import { NO_GROUPING, placementOf, silentSites } from './grouping.js';
import { activeWindow } from './maintenance.js';
import { DEFAULT_INCIDENT_SETTINGS as S } from './settings.js';
import type { HostFacts, IncidentFacts, Signal } from './types.js';

const NOW = 1_764_000_000_000;
const MIN = 60_000;
const prodServer: HostFacts = { id: 'h1', hostname: 'srv-db-01', role: 'server', tags: ['production'] };
const server: HostFacts = { id: 'h2', hostname: 'srv-files', role: 'server', tags: [] };
const vip: HostFacts = { id: 'h3', hostname: 'pc-ceo', role: 'workstation', tags: ['vip'] };
const workstation: HostFacts = { id: 'h4', hostname: 'pc-accueil', role: 'workstation', tags: [] };

const signal = (over: Partial<Signal> = {}): Signal => ({
  key: 'acme/h4/fs.usage//',
  client: 'acme',
  site: 'paris',
  host: workstation,
  check: 'fs.usage',
  resource: '/',
  state: 'warning',
  observedAt: NOW,
  value: 85,
  threshold: 80,
  message: null,
  ...over,
});
const incident = (over: Partial<IncidentFacts> = {}): IncidentFacts => ({
  id: 'inc1',
  state: 'new',
  severity: 'warning',
  urgency: 3,
  impact: 1,
  priority: 2,
  priorityManual: false,
  level: 'N1',
  flapping: false,
  occurrences: 1,
  openedAt: NOW - 10 * MIN,
  lastOccurrenceAt: NOW - 10 * MIN,
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
const ctx = (over: Partial<SignalContext> = {}): SignalContext => ({
  open: undefined,
  last: undefined,
  inhibitedBy: null,
  maintenance: null,
  held: false,
  grouping: NO_GROUPING,
  ...over,
});

describe('grading', () => {
  it.each([
    ['host silent on a production server', 'host.silent', prodServer, 'critical', 5, 5, 5, 'N3'],
    ['host silent on a server', 'host.silent', server, 'critical', 5, 4, 5, 'N3'],
    ['host silent on a workstation', 'host.silent', workstation, 'critical', 5, 1, 2, 'N1'],
    ['service down on a production server', 'service.down', prodServer, 'warning', 3, 5, 4, 'N3'],
    ['service down on a plain server', 'service.down', server, 'critical', 4, 4, 4, 'N1'],
    ['disk failing on a server', 'disk.smart', server, 'critical', 5, 4, 5, 'N3'],
    ['disk failing on a workstation', 'disk.smart', workstation, 'critical', 5, 1, 2, 'N2'],
    ['battery worn on a VIP laptop', 'battery.wear', vip, 'warning', 3, 2, 2, 'N2'],
    ['critical disk full on a production server', 'fs.usage', prodServer, 'critical', 4, 5, 5, 'N3'],
    ['critical disk full on a workstation', 'fs.usage', workstation, 'critical', 4, 1, 2, 'N1'],
    ['CPU busy on a server', 'cpu.busy', server, 'warning', 3, 4, 4, 'N1'],
  ] as const)('%s: urgency %i × impact %i → P%i, %s', (_l, check, host, severity, u, i, p, level) => {
    expect(gradeOf(S, { check, host, severity })).toMatchObject({
      urgency: u,
      impact: i,
      priority: p,
      level,
    });
  });
});

describe('decideSignal', () => {
  it.each<[string, Signal, SignalContext, string]>([
    ['a trigger with nothing before opens', signal(), ctx(), 'open'],
    ['a repeat appends an occurrence', signal(), ctx({ open: incident() }), 'occurrence'],
    ['a recovery never opens', signal({ state: 'ok' }), ctx(), 'ignore'],
    ['a recovery marks recovering', signal({ state: 'ok' }), ctx({ open: incident() }), 'recovering'],
    [
      'a second recovery is ignored',
      signal({ state: 'ok' }),
      ctx({ open: incident({ recoveredAt: NOW - MIN }) }),
      'ignore',
    ],
    [
      'a recovery on acknowledged work proposes resolution',
      signal({ state: 'ok' }),
      ctx({ open: incident({ state: 'acknowledged', acknowledgedAt: NOW - MIN }) }),
      'propose-resolution',
    ],
    [
      'a recovery on assigned work proposes resolution',
      signal({ state: 'ok' }),
      ctx({ open: incident({ assignee: 'marie' }) }),
      'propose-resolution',
    ],
    [
      'a recovery on pending work proposes resolution',
      signal({ state: 'ok' }),
      ctx({ open: incident({ state: 'pending' }) }),
      'propose-resolution',
    ],
    ['a recovery of a held signal releases it', signal({ state: 'ok' }), ctx({ held: true }), 'release-hold'],
    [
      'within the reopen window reopens',
      signal(),
      ctx({ last: incident({ state: 'resolved', resolvedAt: NOW - 29 * MIN }) }),
      'reopen',
    ],
    [
      'after the reopen window opens anew',
      signal(),
      ctx({ last: incident({ state: 'resolved', resolvedAt: NOW - 31 * MIN }) }),
      'open',
    ],
    [
      'a closed incident is never reopened',
      signal(),
      ctx({ last: incident({ state: 'closed', resolvedAt: NOW - MIN }) }),
      'open',
    ],
    ['a silent host holds its other checks', signal(), ctx({ inhibitedBy: 'inc-silent' }), 'hold'],
    ['a maintenance window holds a new fault', signal(), ctx({ maintenance: 'mw1' }), 'hold'],
    [
      'a maintenance window still counts repeats',
      signal(),
      ctx({ maintenance: 'mw1', open: incident() }),
      'occurrence',
    ],
  ])('%s', (_label, s, c, kind) => {
    expect(decideSignal(s, c, S, NOW).kind).toBe(kind);
  });

  it('raises priority and level when severity rises, with the reason', () => {
    const d = decideSignal(
      signal({ host: prodServer, state: 'critical' }),
      ctx({ open: incident({ priority: 4 }) }),
      S,
      NOW,
    );
    expect(d).toMatchObject({
      kind: 'occurrence',
      reason: 'severity rose from warning to critical',
      regrade: { priority: 5, level: 'N3' },
    });
  });

  it('keeps a hand-set priority and never lowers the level', () => {
    const d = decideSignal(
      signal({ state: 'critical' }),
      ctx({ open: incident({ priority: 1, priorityManual: true, level: 'N2' }) }),
      S,
      NOW,
    );
    expect(d).toMatchObject({ kind: 'occurrence', regrade: { priority: 1, level: 'N2' } });
  });

  it('marks a fault back before the quiet period ended as cancelling the recovery', () => {
    const d = decideSignal(signal(), ctx({ open: incident({ recoveredAt: NOW - MIN }) }), S, NOW);
    expect(d).toMatchObject({ kind: 'occurrence', cancelsRecovery: true });
  });

  it('links a new incident to the previous one after the window', () => {
    const d = decideSignal(
      signal(),
      ctx({ last: incident({ id: 'old', state: 'closed', resolvedAt: NOW - 2 * 60 * MIN }) }),
      S,
      NOW,
    );
    expect(d).toMatchObject({ kind: 'open', previousId: 'old' });
  });
});

describe('placement', () => {
  const sib = (id: string, ageMs: number, parentId: string | null = null) => ({
    id,
    check: 'cpu.busy',
    openedAt: NOW - ageMs,
    parentId,
  });
  it.each([
    ['alone with nothing open', NO_GROUPING, { kind: 'alone' }],
    [
      'child of the first fault of the host opened a moment ago',
      { ...NO_GROUPING, hostSiblings: [sib('b', 30_000), sib('a', 60_000)] },
      { kind: 'child', parentId: 'a', group: 'host' },
    ],
    [
      'alone when the host fault is old',
      { ...NO_GROUPING, hostSiblings: [sib('a', 10 * MIN)] },
      { kind: 'alone' },
    ],
    ['never under another child', { ...NO_GROUPING, hostSiblings: [sib('c', 1000, 'a')] }, { kind: 'alone' }],
    ['a storm parent once the cap is reached', { ...NO_GROUPING, stormCount: 20 }, { kind: 'storm-parent' }],
    [
      'under the storm ticket while it is open',
      { ...NO_GROUPING, stormParentId: 'storm' },
      { kind: 'child', parentId: 'storm', group: 'storm' },
    ],
  ] as const)('%s', (_l, facts, expected) => {
    expect(placementOf(signal(), facts, S, NOW)).toEqual(expected);
  });

  it('puts a host silence under its site silence', () => {
    expect(
      placementOf(signal({ check: 'host.silent' }), { ...NO_GROUPING, siteParentId: 's' }, S, NOW),
    ).toEqual({ kind: 'child', parentId: 's', group: 'site' });
  });

  it('groups a site once enough of its hosts are silent', () => {
    const hosts = ['a', 'b', 'c'].map((hostId) => ({ hostId, client: 'acme', site: 'paris' }));
    expect([...silentSites(hosts, S).keys()]).toEqual(['acme/@paris/site.silent']);
    expect(silentSites(hosts.slice(0, 2), S).size).toBe(0);
  });
});

describe('decideTick', () => {
  it.each<[string, IncidentFacts, number, string]>([
    [
      'resolves once recovery held for the quiet period',
      incident({ recoveredAt: NOW - 5 * MIN }),
      NOW,
      'resolve',
    ],
    ['waits during the quiet period', incident({ recoveredAt: NOW - 4 * MIN }), NOW, 'none'],
    [
      'never auto-resolves acknowledged work',
      incident({ recoveredAt: NOW - 60 * MIN, acknowledgedAt: NOW }),
      NOW,
      'none',
    ],
    ['resolves a stale trigger', incident({ lastOccurrenceAt: NOW - 3 * 24 * 60 * MIN }), NOW, 'resolve'],
    [
      'keeps a silent host open however long',
      incident({ check: 'host.silent', lastOccurrenceAt: NOW - 30 * 24 * 60 * MIN }),
      NOW,
      'none',
    ],
    [
      'closes after the grace',
      incident({ state: 'resolved', resolvedAt: NOW - 24 * 60 * MIN }),
      NOW,
      'close',
    ],
    [
      'leaves a site parent to its children',
      incident({ groupKind: 'site', recoveredAt: NOW - 60 * MIN }),
      NOW,
      'none',
    ],
  ])('%s', (_l, inc, now, kind) => {
    expect(decideTick(inc, S, now).kind).toBe(kind);
  });
});

describe('maintenance windows', () => {
  const nightly = {
    id: 'mw',
    scope: 'site' as const,
    target: 'acme/paris',
    cron: '0 22 * * *',
    durationMs: 2 * 60 * MIN,
    timezone: 'UTC',
  };
  const host = { id: 'h4', client: 'acme', site: 'paris', tags: [] };
  const at = (h: number, m = 0) => Date.UTC(2026, 10, 25, h, m);
  it.each([
    ['at its start', at(22), 'mw'],
    ['inside it', at(23, 59), 'mw'],
    ['at its end', at(24), null],
    ['before it', at(21, 59), null],
  ])('%s', (_l, now, id) => {
    expect(activeWindow([nightly], host, now)?.id ?? null).toBe(id);
  });
  it('does not cover another site', () => {
    expect(activeWindow([nightly], { ...host, site: 'lyon' }, at(22, 30))).toBeNull();
  });
});
