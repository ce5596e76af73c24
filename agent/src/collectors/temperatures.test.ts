import { describe, expect, it, vi } from 'vitest';
import { fakeHost } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxTemperaturesCollector } from './temperatures.linux.js';
import { createSiTemperaturesCollector } from './temperatures.si.js';

const fast = { slow: false, services: [] };

// Hand-written: this machine has no sensors. A ThinkPad-like coretemp chip and two NVMe drives.
const HWMON = {
  '/sys/class/hwmon/hwmon0/name': 'coretemp\n',
  '/sys/class/hwmon/hwmon0/temp1_input': '52000\n',
  '/sys/class/hwmon/hwmon0/temp1_label': 'Package id 0\n',
  '/sys/class/hwmon/hwmon0/temp2_input': '49500\n',
  '/sys/class/hwmon/hwmon0/temp2_label': 'Core 0\n',
  '/sys/class/hwmon/hwmon0/temp2_max': '100000\n',
  '/sys/class/hwmon/hwmon1/name': 'nvme\n',
  '/sys/class/hwmon/hwmon1/temp1_input': '38850\n',
  '/sys/class/hwmon/hwmon1/temp1_label': 'Composite\n',
  '/sys/class/hwmon/hwmon2/name': 'nvme\n',
  '/sys/class/hwmon/hwmon2/temp1_input': '41850\n',
  '/sys/class/hwmon/hwmon2/temp1_label': 'Composite\n',
  '/sys/class/hwmon/hwmon3/name': 'acpitz\n',
  '/sys/class/hwmon/hwmon3/temp1_input': '-273200\n',
};

describe('Linux temperatures collector', () => {
  it('names hwmon sensors chip/label, keeps repeated names apart and drops absurd readings', async () => {
    const temps = createLinuxTemperaturesCollector({ ...fakeHost(HWMON), log: vi.fn() });
    expect(await temps.collect(fast)).toEqual([
      { sensor: 'coretemp/Package id 0', celsius: 52 },
      { sensor: 'coretemp/Core 0', celsius: 49.5 },
      { sensor: 'nvme/Composite', celsius: 38.9 },
      { sensor: 'nvme/Composite #2', celsius: 41.9 },
    ]);
  });

  it('falls back to thermal zones', async () => {
    const host = fakeHost({
      '/sys/class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
      '/sys/class/thermal/thermal_zone0/temp': '61000\n',
      '/sys/class/thermal/cooling_device0/type': 'Processor\n',
    });
    expect(await createLinuxTemperaturesCollector({ ...host, log: vi.fn() }).collect(fast)).toEqual([
      { sensor: 'x86_pkg_temp/thermal_zone0', celsius: 61 },
    ]);
  });

  it('logs a sensorless machine once across two cycles', async () => {
    const log = vi.fn();
    const temps = createLinuxTemperaturesCollector({ ...fakeHost({}), log });
    expect(await temps.collect(fast)).toBeUndefined();
    expect(await temps.collect(fast)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe('systeminformation temperatures collector', () => {
  it('reports main and per-core readings on macOS', async () => {
    const temps = createSiTemperaturesCollector({ si: fakeSi(siRecording('darwin')), log: vi.fn() });
    expect(await temps.collect(fast)).toEqual([
      { sensor: 'cpu/main', celsius: 48.6 },
      { sensor: 'cpu/core 0', celsius: 47.2 },
      { sensor: 'cpu/core 1', celsius: 49.9 },
    ]);
  });

  it('skips Windows without readable sensors, logging once', async () => {
    const log = vi.fn();
    const temps = createSiTemperaturesCollector({ si: fakeSi(siRecording('win32')), log });
    await temps.collect(fast);
    expect(await temps.collect(fast)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
  });
});
