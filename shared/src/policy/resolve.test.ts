import { describe, expect, it } from 'vitest';
import type { CheckRule } from '../checks/rule.js';
import { type PolicyLayerSettings, policyLayerSchema } from './layer.js';
import { DEFAULT_POLICY, policySchema } from './policy.js';
import { mergeOverride, type PolicyLayer, resolvePolicy } from './resolve.js';

const rule = (policy: { checks?: readonly CheckRule[] | undefined }, kind: CheckRule['kind']) =>
  policy.checks?.find((r) => r.kind === kind);

const layer = (scope: PolicyLayer['scope'], target: string, settings: PolicyLayerSettings): PolicyLayer => ({
  scope,
  target,
  settings: policyLayerSchema.parse(settings),
});

describe('resolvePolicy', () => {
  it('gives the defaults, every value sourced from them, when no layer applies', () => {
    const { policy, sources, problems } = resolvePolicy(DEFAULT_POLICY, [], 0);
    expect(policySchema.parse(policy)).toEqual(policy);
    expect(policy).toMatchObject({ revision: 0, metricsIntervalSec: 10, processesIntervalSec: 60 });
    expect(rule(policy, 'cpu.busy')).toEqual(rule(DEFAULT_POLICY, 'cpu.busy'));
    expect(new Set(Object.values(sources))).toEqual(new Set(['defaults']));
    expect(sources['/checks/cpu.busy/warning/trigger']).toBe('defaults');
    expect(problems).toEqual([]);
  });

  // Each row: the layers (in any order), then the value expected at a path and who set it.
  const table: Array<{
    name: string;
    layers: PolicyLayer[];
    path: string;
    value: (p: ReturnType<typeof resolvePolicy>['policy']) => unknown;
    expected: unknown;
    source: string;
  }> = [
    {
      name: 'global overrides the defaults',
      layers: [layer('global', '', { metricsIntervalSec: 30 })],
      path: '/metricsIntervalSec',
      value: (p) => p.metricsIntervalSec,
      expected: 30,
      source: 'global',
    },
    {
      name: 'client overrides global',
      layers: [
        layer('global', '', { metricsIntervalSec: 30 }),
        layer('client', 'cli_a', { metricsIntervalSec: 20 }),
      ],
      path: '/metricsIntervalSec',
      value: (p) => p.metricsIntervalSec,
      expected: 20,
      source: 'client:cli_a',
    },
    {
      name: 'host wins over every other layer, whatever order they are given in',
      layers: [
        layer('host', 'hst_1', { metricsIntervalSec: 5 }),
        layer('role', 'server', { metricsIntervalSec: 15 }),
        layer('site', 'sit_1', { metricsIntervalSec: 25 }),
        layer('client', 'cli_a', { metricsIntervalSec: 20 }),
        layer('global', '', { metricsIntervalSec: 30 }),
      ],
      path: '/metricsIntervalSec',
      value: (p) => p.metricsIntervalSec,
      expected: 5,
      source: 'host:hst_1',
    },
    {
      name: 'role overrides site, site overrides client',
      layers: [
        layer('client', 'cli_a', { processesIntervalSec: 300 }),
        layer('site', 'sit_1', { processesIntervalSec: 120 }),
        layer('role', 'workstation', { processesIntervalSec: 600 }),
      ],
      path: '/processesIntervalSec',
      value: (p) => p.processesIntervalSec,
      expected: 600,
      source: 'role:workstation',
    },
    {
      name: 'a key a narrower layer leaves out is inherited',
      layers: [
        layer('client', 'cli_a', { services: ['nginx'] }),
        layer('host', 'hst_1', { metricsIntervalSec: 5 }),
      ],
      path: '/services',
      value: (p) => p.services,
      expected: ['nginx'],
      source: 'client:cli_a',
    },
    {
      name: 'lists replace rather than append',
      layers: [
        layer('global', '', { services: ['nginx', 'sshd'] }),
        layer('site', 'sit_1', { services: ['postgresql'] }),
      ],
      path: '/services',
      value: (p) => p.services,
      expected: ['postgresql'],
      source: 'site:sit_1',
    },
    {
      name: 'an empty list is a value, not an inherit',
      layers: [layer('global', '', { services: ['nginx'] }), layer('host', 'hst_1', { services: [] })],
      path: '/services',
      value: (p) => p.services,
      expected: [],
      source: 'host:hst_1',
    },
    {
      name: 'a threshold override merges into the rule: the other fields keep their source',
      layers: [layer('client', 'cli_a', { checks: { 'cpu.busy': { warning: { trigger: 95 } } } })],
      path: '/checks/cpu.busy/warning/trigger',
      value: (p) => rule(p, 'cpu.busy')?.warning,
      expected: { trigger: 95, clear: 80 },
      source: 'client:cli_a',
    },
    {
      name: 'a check disabled for workstations',
      layers: [layer('role', 'workstation', { checks: { 'fs.forecast': { enabled: false } } })],
      path: '/checks/fs.forecast/enabled',
      value: (p) => rule(p, 'fs.forecast')?.enabled,
      expected: false,
      source: 'role:workstation',
    },
    {
      name: 'a host turns back on what its client turned off',
      layers: [
        layer('client', 'cli_a', { checks: { 'cpu.busy': { enabled: false } } }),
        layer('host', 'hst_1', { checks: { 'cpu.busy': { enabled: true } } }),
      ],
      path: '/checks/cpu.busy/enabled',
      value: (p) => rule(p, 'cpu.busy')?.enabled,
      expected: true,
      source: 'host:hst_1',
    },
    {
      name: 'null removes a level',
      layers: [layer('global', '', { checks: { 'memory.pressure': { warning: null } } })],
      path: '/checks/memory.pressure/warning',
      value: (p) => rule(p, 'memory.pressure')?.warning,
      expected: null,
      source: 'global',
    },
    {
      name: 'one option of a kind changes, the others are inherited',
      layers: [
        layer('site', 'sit_1', { checks: { 'fs.usage': { options: { freeFloorBytes: { warning: 1e9 } } } } }),
      ],
      path: '/checks/fs.usage/options/freeFloorBytes/warning',
      value: (p) => {
        const fs = rule(p, 'fs.usage');
        return fs?.kind === 'fs.usage' ? fs.options.freeFloorBytes : undefined;
      },
      expected: { warning: 1e9, critical: 10 * 1024 ** 3 },
      source: 'site:sit_1',
    },
    {
      name: 'maintenance windows named by a layer',
      layers: [layer('client', 'cli_a', { maintenanceWindows: ['mw_1'] })],
      path: '/maintenanceWindows',
      value: () => undefined,
      expected: undefined,
      source: 'client:cli_a',
    },
  ];

  for (const row of table) {
    it(row.name, () => {
      const effective = resolvePolicy(DEFAULT_POLICY, row.layers, 7);
      expect(row.value(effective.policy)).toEqual(row.expected);
      expect(effective.sources[row.path]).toBe(row.source);
      expect(effective.problems).toEqual([]);
      expect(effective.policy.revision).toBe(7);
      expect(policySchema.parse(effective.policy)).toEqual(effective.policy);
    });
  }

  it('keeps the sources of the fields a check override does not touch', () => {
    const { sources } = resolvePolicy(
      DEFAULT_POLICY,
      [layer('client', 'cli_a', { checks: { 'cpu.busy': { warning: { trigger: 95 } } } })],
      1,
    );
    expect(sources['/checks/cpu.busy/warning/clear']).toBe('defaults');
    expect(sources['/checks/cpu.busy/forSec']).toBe('defaults');
  });

  it('returns the maintenance windows of the narrowest layer that names some', () => {
    const effective = resolvePolicy(
      DEFAULT_POLICY,
      [
        layer('client', 'cli_a', { maintenanceWindows: ['mw_1'] }),
        layer('host', 'h', { maintenanceWindows: ['mw_2'] }),
      ],
      1,
    );
    expect(effective.maintenanceWindows).toEqual(['mw_2']);
  });

  it('skips an override that would make a rule inconsistent and says which layer did it', () => {
    // cpu.busy's critical triggers at 98: a warning at 99 would be past it.
    const effective = resolvePolicy(
      DEFAULT_POLICY,
      [
        layer('global', '', { checks: { 'cpu.busy': { forSec: 60 } } }),
        layer('site', 'sit_1', { checks: { 'cpu.busy': { warning: { trigger: 99, clear: 90 } } } }),
      ],
      1,
    );
    expect(rule(effective.policy, 'cpu.busy')).toMatchObject({ forSec: 60, warning: { trigger: 90 } });
    expect(effective.sources['/checks/cpu.busy/warning/trigger']).toBe('defaults');
    expect(effective.problems).toEqual([
      { layer: 'site:sit_1', kind: 'cpu.busy', message: expect.stringContaining('critical.trigger') },
    ]);
  });

  it('applies a check override to every rule of its kind (several from the defaults)', () => {
    const fsUsage = rule(DEFAULT_POLICY, 'fs.usage') as CheckRule;
    const defaults = {
      ...DEFAULT_POLICY,
      checks: [{ ...fsUsage, resources: { include: ['/data*'], exclude: [] } }, fsUsage],
    };
    const effective = resolvePolicy(
      defaults,
      [layer('global', '', { checks: { 'fs.usage': { forSec: 30 } } })],
      1,
    );
    const rules = effective.policy.checks?.filter((r) => r.kind === 'fs.usage') ?? [];
    expect(rules).toHaveLength(2);
    expect(rules.map((r) => r.forSec)).toEqual([30, 30]);
    expect(rules[0]?.resources?.include).toEqual(['/data*']);
  });
});

describe('policyLayerSchema', () => {
  const refused: Array<[string, unknown]> = [
    ['an interval out of range', { metricsIntervalSec: 0 }],
    ['an interval that is not a number', { metricsIntervalSec: '10' }],
    ['an unknown key (a typo must not silently inherit)', { metricInterval: 10 }],
    ['an unknown check kind', { checks: { 'cpu.bsy': { enabled: false } } }],
    ['a hub-side check kind', { checks: { 'host.silent': { enabled: false } } }],
    ['an unknown key in a check override', { checks: { 'cpu.busy': { enable: false } } }],
    ['a wrong type in a threshold', { checks: { 'cpu.busy': { warning: { trigger: 'high' } } } }],
    ['options on a kind without any', { checks: { 'cpu.busy': { options: {} } } }],
    ['an unknown option', { checks: { 'fs.usage': { options: { floor: 1 } } } }],
    ['a negative duration', { checks: { 'cpu.busy': { forSec: -1 } } }],
    ['a maintenance window id with spaces', { maintenanceWindows: ['a b'] }],
  ];
  for (const [why, settings] of refused) {
    it(`refuses ${why}`, () => {
      expect(policyLayerSchema.safeParse(settings).success).toBe(false);
    });
  }

  it('accepts an empty layer (inherit everything)', () => {
    expect(policyLayerSchema.parse({})).toEqual({});
  });
});

describe('mergeOverride', () => {
  it('merges objects key by key, replaces lists and scalars, and ignores undefined', () => {
    expect(
      mergeOverride({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: 9 }, l: [3], a: undefined }),
    ).toEqual({
      a: 1,
      b: { c: 9, d: 3 },
      l: [3],
    });
    expect(mergeOverride({ a: { b: 1 } }, { a: null })).toEqual({ a: null });
    expect(mergeOverride(null, { a: 1 })).toEqual({ a: 1 });
  });
});
