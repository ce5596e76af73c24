import { describe, expect, it } from 'vitest';
import { fixture } from '../__fixtures__/fake-host.js';
import { batteryState, parseUevent } from './power-supply.js';

describe('power supply uevent', () => {
  it('reads a laptop battery from energy_* values', () => {
    const props = parseUevent(fixture('linux/sys/BAT0.uevent'));
    expect(props.get('TYPE')).toBe('Battery');
    expect(batteryState(props)).toEqual({
      chargePct: 73,
      status: 'Discharging',
      cycleCount: 142,
      healthRatio: 85,
    });
  });

  it('falls back to charge_* values and derives the charge when CAPACITY is missing', () => {
    const props = parseUevent(
      'POWER_SUPPLY_CHARGE_FULL=4000000\nPOWER_SUPPLY_CHARGE_FULL_DESIGN=5000000\nPOWER_SUPPLY_CHARGE_NOW=1000000\nPOWER_SUPPLY_CYCLE_COUNT=0\n',
    );
    expect(batteryState(props)).toEqual({
      chargePct: 25,
      status: 'Unknown',
      cycleCount: undefined,
      healthRatio: 80,
    });
  });
});
