import { int } from '../util/numbers.js';

/** Parses a /sys/class/power_supply/<name>/uevent file into its `POWER_SUPPLY_*` properties. */
export function parseUevent(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).replace(/^POWER_SUPPLY_/, ''), line.slice(eq + 1).trim());
  }
  return out;
}

/** A system battery's state, before it is shaped into a sample. */
export interface BatteryState {
  readonly chargePct: number | undefined;
  readonly status: string;
  readonly cycleCount: number | undefined;
  /** Full-charge capacity over design capacity, in percent. */
  readonly healthRatio: number | undefined;
}

/** Reads a battery's state from its uevent properties (energy_* in µWh or charge_* in µAh). */
export function batteryState(props: ReadonlyMap<string, string>): BatteryState {
  const full = int(props.get('ENERGY_FULL')) ?? int(props.get('CHARGE_FULL'));
  const design = int(props.get('ENERGY_FULL_DESIGN')) ?? int(props.get('CHARGE_FULL_DESIGN'));
  const now = int(props.get('ENERGY_NOW')) ?? int(props.get('CHARGE_NOW'));
  // CAPACITY is the kernel's own percent; derive it from now/full only when a driver omits it.
  const capacity = int(props.get('CAPACITY')) ?? (now !== undefined && full ? (now / full) * 100 : undefined);
  const cycles = int(props.get('CYCLE_COUNT'));
  return {
    chargePct: capacity,
    status: props.get('STATUS') ?? 'Unknown',
    // Many drivers report 0 cycles when they do not count them.
    cycleCount: cycles && cycles > 0 ? cycles : undefined,
    healthRatio: full && design ? (full / design) * 100 : undefined,
  };
}
