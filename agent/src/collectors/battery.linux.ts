import type { Collector } from './collector.js';
import type { Log, ReadDir, ReadText } from './deps.js';
import { batteryState, parseUevent } from './linux/power-supply.js';
import { createLogOnce } from './util/log-once.js';
import { pct, round } from './util/numbers.js';

const POWER_SUPPLY = '/sys/class/power_supply';

/** The system battery (first by name) and AC state from /sys/class/power_supply. */
export function createLinuxBatteryCollector(deps: {
  readFile: ReadText;
  readdir: ReadDir;
  log: Log;
}): Collector<'battery'> {
  const logOnce = createLogOnce(deps.log);
  return {
    section: 'battery',
    async collect() {
      const names = (await deps.readdir(POWER_SUPPLY).catch(() => [] as string[])).sort();
      const supplies = await Promise.all(
        names.map(async (name) => {
          const props = parseUevent(await deps.readFile(`${POWER_SUPPLY}/${name}/uevent`).catch(() => ''));
          // Older kernels leave TYPE out of uevent; the `type` file always has it.
          const type =
            props.get('TYPE') ?? (await deps.readFile(`${POWER_SUPPLY}/${name}/type`).catch(() => '')).trim();
          return { name, type, props };
        }),
      );
      // Wireless mice and keyboards are batteries too, with SCOPE=Device: not the machine's.
      const battery = supplies.find((s) => s.type === 'Battery' && s.props.get('SCOPE') !== 'Device');
      if (!battery) {
        logOnce('none', 'no battery found in /sys/class/power_supply');
        return undefined;
      }
      const state = batteryState(battery.props);
      if (state.chargePct === undefined) {
        logOnce('no-capacity', 'battery reports no charge level', { battery: battery.name });
        return undefined;
      }
      const mains = supplies.filter((s) => s.type === 'Mains');
      const charging = state.status === 'Charging';
      // Without a Mains supply (some USB-C laptops), a charging or full battery implies AC.
      const acConnected =
        mains.length > 0
          ? mains.some((s) => s.props.get('ONLINE') === '1')
          : charging || state.status === 'Full';
      return {
        chargePct: pct(state.chargePct, 100),
        charging,
        acConnected,
        ...(state.cycleCount !== undefined && { cycleCount: state.cycleCount }),
        ...(state.healthRatio !== undefined && { healthPct: round(Math.min(200, state.healthRatio), 1) }),
      };
    },
  };
}
