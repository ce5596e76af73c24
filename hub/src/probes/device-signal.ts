import type { Signal } from '../incidents/engine/types.js';
import { dedupKey, hostFacts } from '../incidents/facts.js';
import type { HostRow } from '../repositories/hosts.js';

/** The checks the hub signals on a device for one of its probes. */
export type ProbeCheck = 'probe.down' | 'probe.latency' | 'tls.expiry';

/** What a probe observed, as the incident engine reads it. */
export type ProbeObservation = Pick<
  Signal,
  'state' | 'observedAt' | 'value' | 'threshold' | 'message' | 'impact'
>;

/**
 * A signal about one of a probe's checks on its device: keyed by client, device, check and probe
 * (one ticket per probe and check), graded by the device's role and tags.
 */
export function deviceSignal(
  device: HostRow,
  probe: { readonly id: string; readonly name: string; readonly kind: string },
  check: ProbeCheck,
  observed: ProbeObservation & Pick<Signal, 'text'>,
): Signal {
  const probeId = probe.id;
  return {
    key: dedupKey(device.client, device.id, check, probeId),
    client: device.client,
    site: device.site,
    host: hostFacts(device),
    check,
    resource: probeId,
    // Named by device, probe kind and name: the probe id means nothing to a technician.
    text: {
      code: 'probe',
      params: { check, device: device.hostname, probeKind: probe.kind, probe: probe.name },
    },
    ...observed,
  };
}
