import { describe, expect, it } from 'vitest';
import { availabilityPct, type ReportIncident, serviceReport, ticketsAvoidedByN0 } from './service-report.js';

const MIN = 60_000;
const incident = (overrides: Partial<ReportIncident>): ReportIncident => ({
  priority: 3,
  level: 'N1',
  check: 'fs.usage',
  resource: '/var',
  opened_at: 0,
  acknowledged_at: null,
  resolved_at: null,
  sla_own_due_at: null,
  sla_own_breached_at: null,
  sla_resolve_due_at: null,
  sla_resolve_breached_at: null,
  ...overrides,
});

describe('serviceReport', () => {
  it('gives median and p90 times to acknowledge and resolve, SLA compliance and the counts', () => {
    const rows = Array.from({ length: 10 }, (_, i) =>
      incident({
        priority: i < 2 ? 5 : 3,
        level: i < 2 ? 'N3' : 'N1',
        check: i < 7 ? 'fs.usage' : 'host.silent',
        resource: i < 7 ? '/var' : '',
        acknowledged_at: (i + 1) * MIN,
        resolved_at: i < 5 ? (i + 1) * 10 * MIN : null,
        sla_own_due_at: 30 * MIN,
        sla_own_breached_at: i === 9 ? 30 * MIN : null,
      }),
    );
    const report = serviceReport(rows);
    expect(report.total).toBe(10);
    expect(report.byPriority).toEqual([
      ['P5', 2],
      ['P3', 8],
    ]);
    expect(report.byLevel).toEqual([
      ['N1', 8],
      ['N3', 2],
    ]);
    expect(report.topFaults[0]).toEqual(['fs.usage /var', 7]);
    expect(report.toAcknowledge).toEqual({ count: 10, medianMs: 5 * MIN, p90Ms: 9 * MIN });
    expect(report.toResolve).toEqual({ count: 5, medianMs: 30 * MIN, p90Ms: 50 * MIN });
    expect(report.slaOwnMetPct).toBe(90);
    expect(report.slaResolveMetPct).toBeNull();
  });

  it('says nothing rather than zero when there is nothing to measure', () => {
    expect(serviceReport([])).toMatchObject({
      total: 0,
      toAcknowledge: { count: 0, medianMs: null, p90Ms: null },
      slaOwnMetPct: null,
    });
  });
});

describe('availabilityPct', () => {
  it('counts outages clipped to the period, overlapping ones once, an open one to the end', () => {
    const day = 24 * 60 * MIN;
    expect(availabilityPct([], 0, day)).toEqual({ pct: 100, downMs: 0 });
    // 1 h before the period (clipped to 30 min inside), two overlapping hours, one open for the last hour.
    const outages = [
      { start: -30 * MIN, end: 30 * MIN },
      { start: 600 * MIN, end: 660 * MIN },
      { start: 630 * MIN, end: 690 * MIN },
      { start: day - 60 * MIN, end: null },
    ];
    const result = availabilityPct(outages, 0, day);
    expect(result.downMs).toBe((30 + 90 + 60) * MIN);
    expect(result.pct).toBe(87.5);
  });
});

describe('tickets avoided by N0', () => {
  const handled = (level: string, minutes: number, resolution: string | null = 'manual') => ({
    priority: 3,
    level,
    check: 'service.down',
    resource: 'x',
    opened_at: 0,
    acknowledged_at: null,
    resolved_at: minutes * 60_000,
    sla_own_due_at: null,
    sla_own_breached_at: null,
    sla_resolve_due_at: null,
    sla_resolve_breached_at: null,
    resolution,
  });

  it('counts per client and kind, with the level median handling time times the tickets avoided', () => {
    const rows = [
      handled('N1', 10),
      handled('N1', 30),
      handled('N1', 50),
      handled('N1', 1, 'n0'),
      handled('N2', 120),
    ];
    const avoided = ticketsAvoidedByN0(
      [
        { client: 'acme', check: 'service.down', level: 'N1', n: 3 },
        { client: 'acme', check: 'fs.usage', level: 'N2', n: 1 },
        { client: 'globex', check: 'service.down', level: 'N3', n: 2 },
      ],
      rows,
    );
    expect(avoided).toEqual([
      // The N0-resolved N1 ticket does not lower the median people need (30 min).
      { client: 'acme', check: 'service.down', count: 3, savedMs: 3 * 30 * 60_000 },
      { client: 'globex', check: 'service.down', count: 2, savedMs: null },
      { client: 'acme', check: 'fs.usage', count: 1, savedMs: 120 * 60_000 },
    ]);
  });
});
