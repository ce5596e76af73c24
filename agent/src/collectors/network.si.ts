import type { Collector } from './collector.js';
import type { Clock } from './deps.js';
import type { NetCounters } from './linux/net-dev.js';
import { networkRates } from './network-rates.js';
import type { SiCollect } from './si.js';

const LOOPBACK = /^(lo\d*|Loopback.*)$/i;

/** Per-interface rates from `systeminformation.networkStats('*')` counters and our own clock. */
export function createSiNetworkCollector(deps: {
  si: Pick<SiCollect, 'networkStats'>;
  clock: Clock;
}): Collector<'network'> {
  let previous: { at: number; ifaces: Map<string, NetCounters> } | undefined;
  return {
    section: 'network',
    async collect() {
      const stats = await deps.si.networkStats('*');
      const at = deps.clock();
      const ifaces = new Map(
        stats
          .filter((s) => s.iface && !LOOPBACK.test(s.iface))
          .map((s): [string, NetCounters] => [
            s.iface,
            {
              iface: s.iface,
              rxBytes: s.rx_bytes,
              rxErrors: s.rx_errors,
              rxDropped: s.rx_dropped,
              txBytes: s.tx_bytes,
              txErrors: s.tx_errors,
              txDropped: s.tx_dropped,
            },
          ]),
      );
      const before = previous;
      previous = { at, ifaces };
      return before ? networkRates(ifaces, before.ifaces, at - before.at) : undefined;
    },
  };
}
