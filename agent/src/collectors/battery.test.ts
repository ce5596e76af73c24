import { sampleSchema } from '@vigie/shared';
import { describe, expect, it, vi } from 'vitest';
import { fakeHost, fixture } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxBatteryCollector } from './battery.linux.js';
import { createSiBatteryCollector } from './battery.si.js';

const fast = { slow: false, services: [] };
const PS = '/sys/class/power_supply';

describe('Linux battery collector', () => {
  it('reads the laptop battery and AC state, ignoring a wireless mouse', async () => {
    const host = fakeHost({
      [`${PS}/AC/uevent`]: fixture('linux/sys/AC.uevent'),
      [`${PS}/BAT0/uevent`]: fixture('linux/sys/BAT0.uevent'),
      [`${PS}/hidpp_battery_0/uevent`]: fixture('linux/sys/hid-mouse.uevent'),
    });
    const sample = await createLinuxBatteryCollector({ ...host, log: vi.fn() }).collect(fast);
    expect(sample).toEqual({
      chargePct: 73,
      charging: false,
      acConnected: false,
      cycleCount: 142,
      healthPct: 85,
    });
    expect(sampleSchema.shape.battery.safeParse(sample).success).toBe(true);
  });

  it('reads the type file when uevent has no TYPE', async () => {
    const host = fakeHost({
      [`${PS}/BAT1/uevent`]: 'POWER_SUPPLY_STATUS=Charging\nPOWER_SUPPLY_CAPACITY=40\n',
      [`${PS}/BAT1/type`]: 'Battery\n',
    });
    const sample = await createLinuxBatteryCollector({ ...host, log: vi.fn() }).collect(fast);
    expect(sample).toEqual({ chargePct: 40, charging: true, acConnected: true });
  });

  it('logs a machine without battery once across two cycles (this machine)', async () => {
    const log = vi.fn();
    const battery = createLinuxBatteryCollector({ ...fakeHost({}), log });
    expect(await battery.collect(fast)).toBeUndefined();
    expect(await battery.collect(fast)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe('systeminformation battery collector', () => {
  it('maps a MacBook battery, with wear from design capacity', async () => {
    const sample = await createSiBatteryCollector({
      si: fakeSi(siRecording('darwin')),
      log: vi.fn(),
    }).collect(fast);
    expect(sample).toEqual({
      chargePct: 74,
      charging: true,
      acConnected: true,
      cycleCount: 312,
      healthPct: 88,
    });
  });

  it('logs a desktop without battery once', async () => {
    const log = vi.fn();
    const battery = createSiBatteryCollector({ si: fakeSi(siRecording('win32')), log });
    await battery.collect(fast);
    expect(await battery.collect(fast)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
  });
});
