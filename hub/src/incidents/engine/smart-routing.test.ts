import { describe, expect, it } from 'vitest';
import { gradeOf } from './grade.js';
import { DEFAULT_INCIDENT_SETTINGS } from './settings.js';
import type { HostFacts } from './types.js';

const host = (role: 'server' | 'workstation', tags: string[] = []): HostFacts => ({
  id: 'hst_1',
  hostname: 'srv-1',
  role,
  tags,
});
const smart = (h: HostFacts, severity: 'warning' | 'critical') =>
  gradeOf(DEFAULT_INCIDENT_SETTINGS, { check: 'disk.smart', host: h, severity });

describe('disk.smart routing with the stock rules', () => {
  it('sends a failing disk (critical) on a production server to N3 at P5', () => {
    expect(smart(host('server', ['production']), 'critical')).toMatchObject({
      priority: 5,
      level: 'N3',
      route: 'server disk failing',
    });
  });

  it('sends a degrading disk (warning) on a production server to N2 at a lower priority', () => {
    const warning = smart(host('server', ['production']), 'warning');
    expect(warning).toMatchObject({ severity: 'warning', level: 'N2', route: 'hardware fault' });
    expect(warning.priority).toBeLessThan(smart(host('server', ['production']), 'critical').priority);
  });

  it('keeps a server failing disk at N3 whatever its tags, and a workstation at N2 either way', () => {
    expect(smart(host('server'), 'critical').level).toBe('N3');
    expect(smart(host('server'), 'warning').level).toBe('N2');
    expect(smart(host('workstation'), 'critical').level).toBe('N2');
    expect(smart(host('workstation'), 'warning').level).toBe('N2');
  });

  it('still boosts a silent host, which is always critical', () => {
    const silent = gradeOf(DEFAULT_INCIDENT_SETTINGS, {
      check: 'host.silent',
      host: host('server', ['production']),
      severity: 'critical',
    });
    expect(silent).toMatchObject({ urgency: 5, priority: 5, level: 'N3' });
  });
});
