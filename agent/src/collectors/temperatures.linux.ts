import type { TemperatureSample } from '@vigie/shared';
import { LIMITS } from '@vigie/shared';
import type { Collector } from './collector.js';
import type { Log, ReadDir, ReadText } from './deps.js';
import { createLogOnce } from './util/log-once.js';
import { round } from './util/numbers.js';

const HWMON = '/sys/class/hwmon';
const THERMAL = '/sys/class/thermal';

/** Temperatures from hwmon sensors, or thermal zones when no hwmon sensor exists. */
export function createLinuxTemperaturesCollector(deps: {
  readFile: ReadText;
  readdir: ReadDir;
  log: Log;
}): Collector<'temperatures'> {
  const logOnce = createLogOnce(deps.log);
  const read = (path: string) =>
    deps.readFile(path).then(
      (s) => s.trim(),
      () => undefined,
    );
  const list = (path: string) => deps.readdir(path).catch(() => [] as string[]);

  async function hwmon(): Promise<TemperatureSample[]> {
    const chips = await list(HWMON);
    const perChip = await Promise.all(
      chips.map(async (chip) => {
        const dir = `${HWMON}/${chip}`;
        const [chipName, files] = await Promise.all([read(`${dir}/name`), list(dir)]);
        const inputs = files.filter((f) => /^temp\d+_input$/.test(f));
        return Promise.all(
          inputs.map(async (input) => {
            const base = input.replace(/_input$/, '');
            const [value, label] = await Promise.all([read(`${dir}/${input}`), read(`${dir}/${base}_label`)]);
            return toSample(`${chipName ?? chip}/${label || base}`, value);
          }),
        );
      }),
    );
    return perChip.flat().filter((s): s is TemperatureSample => s !== undefined);
  }

  async function thermalZones(): Promise<TemperatureSample[]> {
    const zones = (await list(THERMAL)).filter((z) => z.startsWith('thermal_zone'));
    const samples = await Promise.all(
      zones.map(async (zone) => {
        const [type, value] = await Promise.all([
          read(`${THERMAL}/${zone}/type`),
          read(`${THERMAL}/${zone}/temp`),
        ]);
        return toSample(`${type || 'thermal'}/${zone}`, value);
      }),
    );
    return samples.filter((s): s is TemperatureSample => s !== undefined);
  }

  return {
    section: 'temperatures',
    async collect() {
      let samples = await hwmon();
      if (samples.length === 0) samples = await thermalZones();
      if (samples.length === 0) {
        logOnce('none', 'no temperature sensors found (hwmon, thermal zones)');
        return undefined;
      }
      return uniqueNames(samples).slice(0, LIMITS.maxListItems);
    },
  };
}

function toSample(sensor: string, milli: string | undefined): TemperatureSample | undefined {
  const celsius = Number(milli) / 1000;
  // Disconnected probes read as absurd values (-273, 255, 1e6): drop anything a body cannot be.
  if (milli === undefined || milli === '' || !Number.isFinite(celsius) || celsius <= -100 || celsius >= 1000)
    return undefined;
  return { sensor: sensor.slice(0, LIMITS.maxNameLength), celsius: round(celsius, 1) };
}

/** Two chips can share a name (two NVMe drives): suffix repeats so each sensor keeps one series. */
export function uniqueNames(samples: readonly TemperatureSample[]): TemperatureSample[] {
  const seen = new Map<string, number>();
  return samples.map((s) => {
    const n = (seen.get(s.sensor) ?? 0) + 1;
    seen.set(s.sensor, n);
    return n === 1 ? s : { ...s, sensor: `${s.sensor} #${n}` };
  });
}
