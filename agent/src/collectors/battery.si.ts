import type { Collector } from './collector.js';
import type { Log } from './deps.js';
import type { SiCollect } from './si.js';
import { createLogOnce } from './util/log-once.js';
import { pct, round } from './util/numbers.js';

/** Battery from `systeminformation.battery` (macOS ioreg, Windows WMI). */
export function createSiBatteryCollector(deps: {
  si: Pick<SiCollect, 'battery'>;
  log: Log;
}): Collector<'battery'> {
  const logOnce = createLogOnce(deps.log);
  return {
    section: 'battery',
    async collect() {
      const b = await deps.si.battery();
      if (!b.hasBattery) {
        logOnce('none', 'no battery found');
        return undefined;
      }
      const health =
        b.designedCapacity > 0 && b.maxCapacity > 0 ? (b.maxCapacity / b.designedCapacity) * 100 : undefined;
      return {
        chargePct: pct(b.percent, 100),
        charging: b.isCharging,
        acConnected: b.acConnected,
        ...(b.cycleCount > 0 && { cycleCount: Math.round(b.cycleCount) }),
        ...(health !== undefined && { healthPct: round(Math.min(200, health), 1) }),
      };
    },
  };
}
