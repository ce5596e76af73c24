import type { CheckRule, RuleKind } from './rule.js';

const GIB = 1024 ** 3;
const MIN = 60;
const HOUR = 3600;

// Stock values of mature tools, adjusted where Vigie's tickets need it. Sources: Zabbix 6/7 Linux
// templates, Netdata's health.d, and the Prometheus node-exporter mixin. Every rule has a clear
// threshold a few points back from its trigger so a value hovering at the threshold cannot flap.

/** The rules every policy starts with; a policy's own rules replace these kind by kind. */
export const DEFAULT_CHECK_RULES: readonly CheckRule[] = Object.freeze([
  {
    // Zabbix "High CPU utilization": > 90 % for 5 min, warning. Critical is Vigie's: 98 % for 10 min
    // leaves no headroom at all for long enough that users notice, while updates, AV scans and builds
    // seldom hold every core that high that long. Hysteresis of 10 / 8 points, as Netdata does.
    kind: 'cpu.busy',
    enabled: true,
    direction: 'above',
    warning: { trigger: 90, clear: 80 },
    critical: { trigger: 98, clear: 90, forSec: 10 * MIN },
    forSec: 5 * MIN,
    clearForSec: 5 * MIN,
  },
  {
    // Zabbix "High memory utilization" > 90 % for 5 min; Netdata's ram_in_use critical at 95 %.
    kind: 'memory.pressure',
    enabled: true,
    direction: 'above',
    warning: { trigger: 90, clear: 85 },
    critical: { trigger: 95, clear: 90 },
    forSec: 5 * MIN,
    clearForSec: 5 * MIN,
  },
  {
    // Zabbix "High swap space usage" (less than 50 % free); critical at 80 % as Netdata's used_swap.
    kind: 'swap.pressure',
    enabled: true,
    direction: 'above',
    warning: { trigger: 50, clear: 40 },
    critical: { trigger: 80, clear: 70 },
    forSec: 5 * MIN,
    clearForSec: 5 * MIN,
  },
  {
    // Zabbix / Netdata 80 % and 90 %. Zabbix gates both on a few GiB free; Vigie's floors are larger
    // because a ticket must be worth acting on: 50 GiB free is weeks of logs on most servers, and a
    // 20 TB volume at 90 % (2 TB free) is a capacity-planning matter, not a fault.
    kind: 'fs.usage',
    enabled: true,
    direction: 'above',
    warning: { trigger: 80, clear: 75 },
    critical: { trigger: 90, clear: 85 },
    forSec: 2 * MIN,
    clearForSec: 5 * MIN,
    options: { freeFloorBytes: { warning: 50 * GIB, critical: 10 * GIB } },
  },
  {
    // Zabbix "Running out of free inodes": less than 20 % / 10 % free.
    kind: 'fs.inodes',
    enabled: true,
    direction: 'above',
    warning: { trigger: 80, clear: 75 },
    critical: { trigger: 90, clear: 85 },
    forSec: 5 * MIN,
    clearForSec: 5 * MIN,
  },
  {
    // Value = seconds until full from a linear fit of used bytes over the last hour (Zabbix
    // timeleft(1h), Prometheus predict_linear). Full within 24 h warns, within 2 h is critical; the
    // forecast must hold 10 min so one large copy is not extrapolated, and recovery needs twice the
    // horizon. At least 12 points spanning 15 min; a flat or shrinking filesystem is never "full soon".
    kind: 'fs.forecast',
    enabled: true,
    direction: 'below',
    warning: { trigger: 24 * HOUR, clear: 48 * HOUR },
    critical: { trigger: 2 * HOUR, clear: 4 * HOUR },
    forSec: 10 * MIN,
    clearForSec: 15 * MIN,
    options: { windowSec: HOUR, minPoints: 12, minSpanSec: 15 * MIN },
  },
  {
    // Value 1 = not running, 0 = running (unknown units report nothing). Services are read on the
    // slow cycle (60 s by default), so "down for 60 s" is two readings in a row.
    kind: 'service.down',
    enabled: true,
    direction: 'above',
    warning: null,
    critical: { trigger: 0, clear: 0 },
    forSec: 60,
    clearForSec: 60,
    options: { services: [] },
  },
  {
    // Read from smartctl every 10 min. Value 2 = failing (the drive's own verdict, a prefail attribute
    // past threshold, an NVMe critical warning); 1 = degrading (reallocated/pending/uncorrectable
    // sectors growing, NVMe wear ≥ 90 %); 0 = fine. A degrading disk stays flagged a day after its
    // counters stop growing, and a failed verdict must read passed for a day before it clears.
    kind: 'disk.smart',
    enabled: true,
    direction: 'above',
    warning: { trigger: 0, clear: 0 },
    critical: { trigger: 1, clear: 1 },
    forSec: 0,
    clearForSec: 24 * HOUR,
  },
  {
    // Netdata's and most vendors' warning/critical bands for CPU packages and drives; per sensor chip.
    kind: 'temperature.high',
    enabled: true,
    direction: 'above',
    warning: { trigger: 80, clear: 75 },
    critical: { trigger: 90, clear: 85 },
    forSec: 2 * MIN,
    clearForSec: 2 * MIN,
  },
  {
    // Full-charge capacity below 60 % of design: the usual replacement criterion (laptop vendors'
    // "replace soon"). Health only moves on recalibration; a minute of samples is enough.
    kind: 'battery.wear',
    enabled: true,
    direction: 'below',
    warning: { trigger: 60, clear: 65 },
    critical: null,
    forSec: MIN,
    clearForSec: MIN,
  },
  {
    // Value 1 while the host is within `holdSec` of a boot the agent did not see coming (it was not
    // stopped cleanly before it). A warning that clears itself: the fact is what matters.
    kind: 'host.reboot',
    enabled: true,
    direction: 'above',
    warning: { trigger: 0, clear: 0 },
    critical: null,
    forSec: 0,
    clearForSec: 0,
    options: { holdSec: 30 * MIN },
  },
  {
    // Value = |hub clock − agent clock| in seconds, measured at each welcome. Zabbix "System time is
    // out of sync" fires at 60 s; past 5 min TLS, Kerberos and log correlation break.
    kind: 'clock.drift',
    enabled: true,
    direction: 'above',
    warning: { trigger: 60, clear: 30 },
    critical: { trigger: 300, clear: 120 },
    forSec: MIN,
    clearForSec: MIN,
  },
] satisfies CheckRule[]);

/** The default rule of one kind. */
export function defaultRule(kind: RuleKind): CheckRule | undefined {
  return DEFAULT_CHECK_RULES.find((rule) => rule.kind === kind);
}

/**
 * The rules in force: the policy's own rules first (several per kind are allowed, e.g. one for
 * `/data*` and a general one; the first that applies to a resource wins), then the defaults of the
 * kinds the policy does not mention, so a check added in a newer agent runs under an older hub.
 */
export function effectiveRules(policyRules: readonly CheckRule[] = []): readonly CheckRule[] {
  const named = new Set(policyRules.map((rule) => rule.kind));
  return [...policyRules, ...DEFAULT_CHECK_RULES.filter((rule) => !named.has(rule.kind))];
}
