import type { NetworkSample } from '@vigie/shared';
import { LIMITS } from '@vigie/shared';
import type { NetCounters } from './linux/net-dev.js';
import { ratePerSec, toCount } from './util/numbers.js';

/** Rates between two readings keyed by interface; `undefined` for a zero-length interval. */
export function networkRates(
  now: ReadonlyMap<string, NetCounters>,
  before: ReadonlyMap<string, NetCounters>,
  elapsedMs: number,
): NetworkSample[] | undefined {
  if (!(elapsedMs > 0)) return undefined;
  const out: NetworkSample[] = [];
  for (const [iface, n] of now) {
    const was = before.get(iface);
    // An interface that has never carried a byte (a spare bridge, ifb, a down NIC) tells nothing
    // and cost ~130 bytes per report each; it appears with its first traffic.
    if (!was || (n.rxBytes === 0 && n.txBytes === 0)) continue;
    out.push({
      iface,
      rxBytesPerSec: ratePerSec(n.rxBytes, was.rxBytes, elapsedMs),
      txBytesPerSec: ratePerSec(n.txBytes, was.txBytes, elapsedMs),
      rxErrors: toCount(n.rxErrors),
      txErrors: toCount(n.txErrors),
      rxDropped: toCount(n.rxDropped),
      txDropped: toCount(n.txDropped),
    });
  }
  return out.slice(0, LIMITS.maxListItems);
}
