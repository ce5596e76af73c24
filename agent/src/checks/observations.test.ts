import {
  type CheckRule,
  DEFAULT_CHECK_RULES,
  effectiveRules,
  ruleAppliesTo,
  type Sample,
} from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { filesystemUsage, observe, servicesToCollect } from './observations.js';

const GIB = 1024 ** 3;
const rule = (kind: CheckRule['kind']) => DEFAULT_CHECK_RULES.find((r) => r.kind === kind)!;

function contextFor(rules: readonly CheckRule[] = effectiveRules()) {
  return {
    ruleFor: (kind: CheckRule['kind'], resource: string) =>
      rules.find((r) => r.kind === kind && r.enabled && ruleAppliesTo(r, resource)),
    timeToFullSec: () => 7200,
  };
}

const SAMPLE: Sample = {
  at: 1_764_000_000_000,
  cpu: { usagePct: 93.5, perCorePct: [93, 94] },
  memory: {
    totalBytes: 16 * GIB,
    usedBytes: 15 * GIB,
    availableBytes: GIB,
    usedPct: 93.75,
    swapTotalBytes: 0,
    swapUsedBytes: 0,
    swapUsedPct: 0,
  },
  filesystems: [
    {
      mount: '/var',
      device: '/dev/sda2',
      fsType: 'ext4',
      sizeBytes: 100 * GIB,
      usedBytes: 91 * GIB,
      freeBytes: 9 * GIB,
      usedPct: 91,
      inodesTotal: 1000,
      inodesUsed: 500,
      inodesUsedPct: 50,
    },
  ],
  temperatures: [
    { sensor: 'coretemp/Core 0', celsius: 71 },
    { sensor: 'coretemp/Core 1', celsius: 84.5 },
    { sensor: 'nvme/Composite', celsius: 45 },
  ],
  battery: { chargePct: 80, charging: false, acConnected: false, healthPct: 55 },
  services: [
    { name: 'nginx', state: 'running' },
    { name: 'postgresql', state: 'stopped' },
    { name: 'ghost', state: 'unknown' },
  ],
};

describe('observe', () => {
  it('turns a sample into one observation per kind and resource', () => {
    const byKey = Object.fromEntries(
      observe(SAMPLE, contextFor()).map((o) => [`${o.kind} ${o.resource}`, o.value]),
    );
    expect(byKey).toEqual({
      'cpu.busy ': 93.5,
      'memory.pressure ': 93.75,
      'fs.usage /var': 91,
      'fs.inodes /var': 50,
      'fs.forecast /var': 7200,
      'temperature.high coretemp': 84.5,
      'temperature.high nvme': 45,
      'battery.wear ': 55,
      'service.down nginx': 0,
      'service.down postgresql': 1,
      'service.down ghost': null,
    });
  });

  it('skips swap when none is configured, and whatever no enabled rule covers', () => {
    const rules = effectiveRules([
      { ...rule('cpu.busy'), enabled: false },
      { ...rule('fs.usage'), resources: { include: [], exclude: ['/var'] } },
    ]);
    const kinds = observe(SAMPLE, contextFor(rules)).map((o) => `${o.kind} ${o.resource}`);
    expect(kinds).not.toContain('cpu.busy ');
    expect(kinds).not.toContain('fs.usage /var');
    expect(kinds).not.toContain('swap.pressure ');
  });

  it('limits a service.down rule to the services it names, when it names some', () => {
    const watch: CheckRule = {
      ...rule('service.down'),
      kind: 'service.down',
      options: { services: ['postgresql'] },
    };
    const services = observe(SAMPLE, contextFor(effectiveRules([watch]))).filter(
      (o) => o.kind === 'service.down',
    );
    expect(services.map((o) => o.resource)).toEqual(['postgresql']);
    expect(servicesToCollect(['nginx'], [watch])).toEqual(['nginx', 'postgresql']);
  });
});

describe('filesystemUsage and the free-space floor', () => {
  const fsRule = rule('fs.usage');

  it('keeps the real value on a small volume', () => {
    expect(filesystemUsage(fsRule, '/var', 91, 9 * GIB)).toEqual({
      kind: 'fs.usage',
      resource: '/var',
      value: 91,
      facts: { freeBytes: 9 * GIB },
    });
  });

  it('holds a 20 TB volume at 90 % (2 TB free) under every level, reporting the real value', () => {
    const observation = filesystemUsage(fsRule, '/data', 90.5, 1900 * GIB);
    expect(observation.value).toBe(75);
    expect(observation.shown).toBe(90.5);
  });

  it('lets warning but not critical through between the two floors', () => {
    expect(filesystemUsage(fsRule, '/srv', 93, 20 * GIB).value).toBe(85);
  });
});
