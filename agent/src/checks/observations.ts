import type { CheckRule, RuleKind, Sample, SampleSection } from '@vigie/shared';

/** One value for one (kind, resource), before it meets its rule. */
export interface CheckObservation {
  readonly kind: RuleKind;
  /** '' for kinds about the whole host (CPU, memory, clock). */
  readonly resource: string;
  /** What the rule compares; null when the data is missing this time. */
  readonly value: number | null;
  /** What the report shows when it differs from `value` (a filesystem above its free-space floor). */
  readonly shown?: number;
  /** Figures for the human-readable message (free bytes, sign of a drift). */
  readonly facts?: Readonly<Record<string, number>>;
}

/** The section each kind's observations come from; null for those the runtime supplies. */
export const SECTION_OF: Readonly<Record<RuleKind, SampleSection | null>> = {
  'cpu.busy': 'cpu',
  'memory.pressure': 'memory',
  'swap.pressure': 'memory',
  'fs.usage': 'filesystems',
  'fs.inodes': 'filesystems',
  'fs.forecast': 'filesystems',
  'service.down': 'services',
  // Read from smartctl off the sample (checks/smart.ts): the metrics report stays small.
  'disk.smart': null,
  'temperature.high': 'temperatures',
  'battery.wear': 'battery',
  'host.reboot': null,
  'clock.drift': null,
};

export interface ObserveContext {
  /** The enabled rule that applies to (kind, resource), if any. */
  ruleFor(kind: RuleKind, resource: string): CheckRule | undefined;
  /** Forecast of a mount (see forecast.ts); null without enough history. */
  timeToFullSec(mount: string, sizeBytes: number): number | null;
}

/** Turns one sample into the observations the rules in force care about. Pure. */
export function observe(sample: Sample, context: ObserveContext): CheckObservation[] {
  const out: CheckObservation[] = [];
  const push = (observation: CheckObservation) => {
    if (context.ruleFor(observation.kind, observation.resource)) out.push(observation);
  };
  if (sample.cpu) push({ kind: 'cpu.busy', resource: '', value: sample.cpu.usagePct });
  const memory = sample.memory;
  if (memory) {
    push({
      kind: 'memory.pressure',
      resource: '',
      value: memory.usedPct,
      facts: { availableBytes: memory.availableBytes },
    });
    // No swap configured is not "0 % used": there is nothing to watch.
    if (memory.swapTotalBytes > 0)
      push({
        kind: 'swap.pressure',
        resource: '',
        value: memory.swapUsedPct,
        facts: { usedBytes: memory.swapUsedBytes },
      });
  }
  for (const fs of sample.filesystems ?? []) {
    const rule = context.ruleFor('fs.usage', fs.mount);
    if (rule) push(filesystemUsage(rule, fs.mount, fs.usedPct, fs.freeBytes));
    if (fs.inodesUsedPct !== undefined && fs.inodesTotal)
      push({
        kind: 'fs.inodes',
        resource: fs.mount,
        value: fs.inodesUsedPct,
        facts: { inodesTotal: fs.inodesTotal },
      });
    if (context.ruleFor('fs.forecast', fs.mount))
      push({
        kind: 'fs.forecast',
        resource: fs.mount,
        value: context.timeToFullSec(fs.mount, fs.usedBytes + fs.freeBytes),
        facts: { freeBytes: fs.freeBytes },
      });
  }
  for (const service of sample.services ?? []) {
    const rule = context.ruleFor('service.down', service.name);
    if (rule?.kind !== 'service.down') continue;
    if (rule.options.services.length > 0 && !rule.options.services.includes(service.name)) continue;
    // 'unknown' (no systemd, unit not found) is missing data, not a service down.
    push({
      kind: 'service.down',
      resource: service.name,
      value: service.state === 'unknown' ? null : service.state === 'running' ? 0 : 1,
    });
  }
  for (const [chip, celsius] of hottestPerChip(sample.temperatures ?? []))
    push({ kind: 'temperature.high', resource: chip, value: celsius });
  if (sample.battery?.healthPct !== undefined)
    push({ kind: 'battery.wear', resource: '', value: sample.battery.healthPct });
  return out;
}

/**
 * A filesystem's used % with the free-space floor applied: while more than a level's floor is free,
 * the value the rule sees is held at that level's clear threshold, so the level neither fires nor
 * stays raised; the report still shows the real percentage.
 */
export function filesystemUsage(
  rule: CheckRule,
  mount: string,
  usedPct: number,
  freeBytes: number,
): CheckObservation {
  let value = usedPct;
  if (rule.kind === 'fs.usage') {
    const floors = rule.options.freeFloorBytes;
    for (const level of ['warning', 'critical'] as const) {
      const floor = floors[level];
      const threshold = rule[level];
      if (floor !== null && threshold && freeBytes > floor) value = Math.min(value, threshold.clear);
    }
  }
  return {
    kind: 'fs.usage',
    resource: mount,
    value,
    ...(value !== usedPct && { shown: usedPct }),
    facts: { freeBytes },
  };
}

/** Sensors are named `chip/label`: one observation per chip (its hottest sensor), not per core. */
function hottestPerChip(temperatures: NonNullable<Sample['temperatures']>): Map<string, number> {
  const hottest = new Map<string, number>();
  for (const { sensor, celsius } of temperatures) {
    const slash = sensor.indexOf('/');
    const chip = slash > 0 ? sensor.slice(0, slash) : sensor;
    hottest.set(chip, Math.max(celsius, hottest.get(chip) ?? Number.NEGATIVE_INFINITY));
  }
  return hottest;
}

/** Services to collect: the policy's, plus those a service.down rule watches. */
export function servicesToCollect(policyServices: readonly string[], rules: readonly CheckRule[]): string[] {
  const names = new Set(policyServices);
  for (const rule of rules)
    if (rule.kind === 'service.down' && rule.enabled)
      for (const name of rule.options.services) names.add(name);
  return [...names];
}
