import { describe, expect, it } from 'vitest';
import { regradeForHost } from './regrade.js';
import { DEFAULT_INCIDENT_SETTINGS as S } from './settings.js';
import type { HostFacts, IncidentFacts } from './types.js';

const prodServer: HostFacts = { id: 'h1', hostname: 'srv-db-01', role: 'server', tags: ['production'] };
const workstation: HostFacts = { id: 'h1', hostname: 'srv-db-01', role: 'workstation', tags: [] };

/** A critical `service.down` on a workstation: urgency 4 × impact 1 = P2, N1. */
const onWorkstation = (over: Partial<IncidentFacts & { escalated: boolean }> = {}) => ({
  id: 'inc1',
  state: 'new' as const,
  severity: 'critical' as const,
  urgency: 4,
  impact: 1,
  priority: 2 as const,
  priorityManual: false,
  level: 'N1' as const,
  flapping: false,
  occurrences: 1,
  openedAt: 0,
  lastOccurrenceAt: 0,
  recoveredAt: null,
  resolvedAt: null,
  acknowledgedAt: null,
  assignee: null,
  check: 'service.down',
  source: 'agent' as const,
  parentId: null,
  groupKind: null,
  escalated: false,
  ...over,
});
/** The same fault on a production server: P5 in N3. */
const onProdServer = (over: Partial<IncidentFacts & { escalated: boolean }> = {}) =>
  onWorkstation({ impact: 5, priority: 5, level: 'N3', ...over });

describe('regradeForHost', () => {
  it.each([
    [
      'a workstation made a production server: P2 N1 → P5 N3, raised',
      onWorkstation(),
      prodServer,
      { raised: true, grade: { impact: 5, priority: 5, level: 'N3', route: 'production service down' } },
    ],
    [
      'a production server made a workstation: P5 N3 → P2 N1, lowered',
      onProdServer(),
      workstation,
      { raised: false, grade: { impact: 1, priority: 2, level: 'N1', route: 'default' } },
    ],
    [
      'a level reached by escalation is not lowered by the new route',
      onProdServer({ escalated: true }),
      workstation,
      { raised: false, grade: { priority: 2, level: 'N3' } },
    ],
    [
      'a priority set by hand stays',
      onWorkstation({ priority: 3, priorityManual: true }),
      prodServer,
      { raised: true, grade: { priority: 3, level: 'N3' } },
    ],
    [
      'a TLS certificate warning keeps the impact of its stage',
      onWorkstation({
        check: 'tls.expiry',
        severity: 'warning',
        urgency: 3,
        impact: 2,
        priority: 2,
        level: 'N2',
      }),
      prodServer,
      null,
    ],
  ] as const)('%s', (_name, incident, host, expected) => {
    const outcome = regradeForHost(S, incident, host);
    if (expected === null) expect(outcome).toBeNull();
    else expect(outcome).toMatchObject(expected);
  });

  it('leaves alone what does not change and what a person graded', () => {
    expect(regradeForHost(S, onProdServer(), prodServer)).toBeNull();
    expect(regradeForHost(S, onWorkstation({ source: 'manual' }), prodServer)).toBeNull();
  });
});
