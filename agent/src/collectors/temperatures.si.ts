import type { TemperatureSample } from '@vigie/shared';
import type { Collector } from './collector.js';
import type { Log } from './deps.js';
import type { SiCollect } from './si.js';
import { createLogOnce } from './util/log-once.js';
import { round } from './util/numbers.js';

/** CPU temperatures from `systeminformation.cpuTemperature` (often empty without admin rights). */
export function createSiTemperaturesCollector(deps: {
  si: Pick<SiCollect, 'cpuTemperature'>;
  log: Log;
}): Collector<'temperatures'> {
  const logOnce = createLogOnce(deps.log);
  return {
    section: 'temperatures',
    async collect() {
      const t = await deps.si.cpuTemperature();
      const samples: TemperatureSample[] = [];
      // systeminformation reports "no reading" as null or -1.
      const add = (sensor: string, value: number | null | undefined) => {
        if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1000)
          samples.push({ sensor, celsius: round(value, 1) });
      };
      add('cpu/main', t.main);
      for (const [i, v] of t.cores.entries()) add(`cpu/core ${i}`, v);
      for (const [i, v] of (t.socket ?? []).entries()) add(`cpu/socket ${i}`, v);
      add('chipset', t.chipset);
      if (samples.length === 0) {
        logOnce('none', 'no temperature sensors readable');
        return undefined;
      }
      return samples;
    },
  };
}
