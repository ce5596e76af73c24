import type { CheckDirection, CheckState, RuleKind } from '@vigie/shared';
import type { CheckObservation } from './observations.js';

/** What a message is built from. */
export interface MessageInput {
  readonly kind: RuleKind;
  readonly resource: string;
  readonly state: CheckState;
  readonly direction: CheckDirection;
  /** The value shown (the real one, not the floor-adjusted one). */
  readonly value: number | null;
  readonly threshold: number | null;
  readonly facts?: CheckObservation['facts'];
}

/** A one-line, human-readable account of a state change: "/var is 91.2 % full (9.1 GiB free); warning above 80 %". */
export function checkMessage(input: MessageInput): string {
  const what = describe(input);
  if (input.threshold === null || !SHOWS_THRESHOLD.has(input.kind)) return what;
  const bound = formatValue(input.kind, input.threshold);
  if (input.state === 'ok')
    return `${what}; back ${input.direction === 'above' ? 'at or below' : 'at or above'} ${bound}`;
  return `${what}; ${input.state} ${input.direction} ${bound}`;
}

/** Kinds whose values are 0/1 flags: a threshold means nothing to a reader. */
const SHOWS_THRESHOLD: ReadonlySet<RuleKind> = new Set<RuleKind>([
  'cpu.busy',
  'memory.pressure',
  'swap.pressure',
  'fs.usage',
  'fs.inodes',
  'fs.forecast',
  'temperature.high',
  'battery.wear',
  'clock.drift',
]);

function describe({ kind, resource, state, value, facts }: MessageInput): string {
  const v = value ?? Number.NaN;
  const fact = (key: string) => facts?.[key];
  switch (kind) {
    case 'cpu.busy':
      return `CPU is ${pct(v)} busy`;
    case 'memory.pressure':
      return `Memory is ${pct(v)} used${withBytes(fact('availableBytes'), 'available')}`;
    case 'swap.pressure':
      return `Swap is ${pct(v)} used${withBytes(fact('usedBytes'), 'in swap')}`;
    case 'fs.usage':
      return `${resource} is ${pct(v)} full${withBytes(fact('freeBytes'), 'free')}`;
    case 'fs.inodes':
      return `${resource} has ${pct(v)} of its inodes used`;
    case 'fs.forecast':
      return state === 'ok'
        ? `${resource} is no longer filling up fast${withBytes(fact('freeBytes'), 'free')}`
        : `${resource} will be full in about ${duration(v)} at the current rate${withBytes(fact('freeBytes'), 'free')}`;
    case 'service.down':
      return value === 0 ? `${resource} is running again` : `${resource} is not running`;
    case 'disk.smart':
      return smartMessage(resource, value, facts);
    case 'temperature.high':
      return `${resource} is at ${v.toFixed(1)} °C`;
    case 'battery.wear':
      return `Battery holds ${pct(v)} of its design capacity`;
    case 'host.reboot': {
      const bootTime = fact('bootTime');
      const at = bootTime === undefined ? '' : ` at ${new Date(bootTime).toISOString()}`;
      return state === 'ok'
        ? `Unexpected reboot${at} is past its reporting period`
        : `Host rebooted unexpectedly${at} (the agent was not stopped cleanly before)`;
    }
    case 'clock.drift': {
      const side = (fact('offsetMs') ?? 0) > 0 ? 'behind' : 'ahead of';
      return `Clock is ${duration(v)} ${side} the hub's`;
    }
  }
}

/** "/dev/sda SMART health is failing (1975 reallocated, 8 pending sectors)". */
function smartMessage(resource: string, value: number | null, facts: MessageInput['facts']): string {
  const figures = (['reallocated', 'pending', 'uncorrectable'] as const)
    .filter((key) => (facts?.[key] ?? 0) > 0)
    .map((key) => `${facts?.[key]} ${key}`);
  const sectors = figures.length > 0 ? [`${figures.join(', ')} sectors`] : [];
  const warning = facts?.nvmeCriticalWarning ? [`NVMe critical warning ${facts.nvmeCriticalWarning}`] : [];
  const wear =
    facts?.percentageUsed !== undefined ? [`${facts.percentageUsed} % of rated endurance used`] : [];
  const detail = [...warning, ...sectors, ...wear];
  const state =
    value === 0 ? 'is back to normal' : value === 1 ? 'shows signs of wear or decay' : 'is failing';
  return `${resource} SMART health ${state}${detail.length > 0 ? ` (${detail.join('; ')})` : ''}`;
}

/** How a threshold of this kind reads. */
function formatValue(kind: RuleKind, value: number): string {
  if (kind === 'fs.forecast' || kind === 'clock.drift') return duration(value);
  if (kind === 'temperature.high') return `${value} °C`;
  return `${value} %`;
}

const pct = (value: number) => `${value.toFixed(1)} %`;

const withBytes = (value: number | undefined, what: string) =>
  value === undefined ? '' : ` (${formatBytes(value)} ${what})`;

/** 1536 → "1.5 KiB"; binary units, as `df -h` prints them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** 90 → "90 s", 5400 → "1.5 h": one unit, the largest that keeps the number readable. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown time';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
