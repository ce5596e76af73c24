import type { Collector } from './collector.js';
import type { Clock, ReadText } from './deps.js';
import { type NetCounters, parseNetDev } from './linux/net-dev.js';
import { networkRates } from './network-rates.js';

/** Per-interface throughput (rates) and error/drop counters (cumulative) from /proc/net/dev. */
export function createLinuxNetworkCollector(deps: {
  readFile: ReadText;
  clock: Clock;
}): Collector<'network'> {
  let previous: { at: number; ifaces: Map<string, NetCounters> } | undefined;
  return {
    section: 'network',
    async collect() {
      const text = await deps.readFile('/proc/net/dev');
      const at = deps.clock();
      const ifaces = new Map(
        parseNetDev(text)
          .filter((n) => n.iface !== 'lo')
          .map((n) => [n.iface, n]),
      );
      const before = previous;
      previous = { at, ifaces };
      return before ? networkRates(ifaces, before.ifaces, at - before.at) : undefined;
    },
  };
}
