import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policySchema } from '../policy/policy.js';
import { CHECK_KINDS } from './check-kinds.js';
import { DEFAULT_CHECK_RULES, effectiveRules } from './default-rules.js';
import { checkRuleSchema, globMatches, ruleAppliesTo, thresholdProblems } from './rule.js';

const LEGACY_POLICY = {
  revision: 3,
  metricsIntervalSec: 10,
  processesIntervalSec: 60,
  inventoryCron: '17 3 * * *',
  services: ['nginx'],
};

describe('check rules in the policy', () => {
  it('has one valid default rule per agent-side check kind', () => {
    const agentKinds = Object.entries(CHECK_KINDS)
      .filter(([, info]) => info.where === 'agent')
      .map(([kind]) => kind);
    expect(DEFAULT_CHECK_RULES.map((rule) => rule.kind).sort()).toEqual(agentKinds.sort());
    for (const rule of DEFAULT_CHECK_RULES) expect(checkRuleSchema.safeParse(rule).success).toBe(true);
  });

  it('parses a policy written before checks existed, and the default policy round-trips through JSON', () => {
    const legacy = policySchema.parse(LEGACY_POLICY);
    expect(legacy.checks).toBeUndefined();
    expect(effectiveRules(legacy.checks)).toEqual(DEFAULT_CHECK_RULES);
    expect(policySchema.parse(JSON.parse(JSON.stringify(DEFAULT_POLICY)))).toEqual(DEFAULT_POLICY);
  });

  it('drops rules of kinds this build does not know or does not evaluate, instead of refusing the policy', () => {
    const cpu = DEFAULT_CHECK_RULES[0]!;
    const parsed = policySchema.parse({
      ...LEGACY_POLICY,
      checks: [{ kind: 'gpu.melting', enabled: true }, { kind: 'host.silent', graceSec: 90 }, cpu],
    });
    expect(parsed.checks).toEqual([cpu]);
  });

  it('still refuses a malformed rule of a known kind', () => {
    const fs = { ...DEFAULT_CHECK_RULES.find((rule) => rule.kind === 'fs.usage')!, options: {} };
    expect(policySchema.safeParse({ ...LEGACY_POLICY, checks: [fs] }).success).toBe(false);
  });

  it('refuses a clear threshold past its trigger, and a critical trigger short of the warning one', () => {
    expect(
      thresholdProblems({ direction: 'above', warning: { trigger: 90, clear: 95 }, critical: null }),
    ).toHaveLength(1);
    expect(
      thresholdProblems({ direction: 'below', warning: { trigger: 60, clear: 55 }, critical: null }),
    ).toHaveLength(1);
    expect(
      thresholdProblems({
        direction: 'above',
        warning: { trigger: 90, clear: 80 },
        critical: { trigger: 85, clear: 80 },
      }),
    ).toEqual(['critical.trigger must be at least as far as warning.trigger']);
    const bad = { ...DEFAULT_CHECK_RULES[0]!, critical: { trigger: 98, clear: 99 } };
    expect(checkRuleSchema.safeParse(bad).success).toBe(false);
  });

  it('puts the policy rules first and keeps the defaults of the kinds it does not name', () => {
    const dataFs = {
      ...DEFAULT_CHECK_RULES.find((rule) => rule.kind === 'fs.usage')!,
      resources: { include: ['/data*'], exclude: [] },
    };
    const rules = effectiveRules([dataFs]);
    expect(rules[0]).toBe(dataFs);
    expect(rules.filter((rule) => rule.kind === 'fs.usage')).toEqual([dataFs]);
    expect(rules).toHaveLength(DEFAULT_CHECK_RULES.length);
  });
});

describe('resource filters', () => {
  it('matches globs with * and ? and treats the rest literally', () => {
    expect(globMatches('/data*', '/data/backups')).toBe(true);
    expect(globMatches('/mnt/usb?', '/mnt/usb1')).toBe(true);
    expect(globMatches('/mnt/usb?', '/mnt/usb12')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });

  it('applies include first, then exclude', () => {
    const rule = { resources: { include: ['/srv/*'], exclude: ['/srv/tmp*'] } };
    expect(ruleAppliesTo(rule, '/srv/www')).toBe(true);
    expect(ruleAppliesTo(rule, '/srv/tmp')).toBe(false);
    expect(ruleAppliesTo(rule, '/var')).toBe(false);
    expect(ruleAppliesTo({}, '/var')).toBe(true);
  });
});
