import { describe, expect, it } from 'vitest';
import { fakeHost, fixture, manualClock } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxNetworkCollector } from './network.linux.js';
import { createSiNetworkCollector } from './network.si.js';

const fast = { slow: false, services: [] };

describe('Linux network collector', () => {
  it('rates every interface but lo and those that never carried a byte (ifb0, ifb1) between two readings', async () => {
    const clock = manualClock();
    const host = fakeHost({ '/proc/net/dev': fixture('linux/net-dev-1.txt') });
    const net = createLinuxNetworkCollector({ ...host, clock: clock.now });
    expect(await net.collect(fast)).toBeUndefined();
    host.files['/proc/net/dev'] = fixture('linux/net-dev-2.txt').replace('207453387', '207553387');
    clock.advance(4000);
    const samples = await net.collect(fast);
    expect(samples?.map((s) => s.iface)).toEqual(['eth0']);
    expect(samples?.find((s) => s.iface === 'eth0')).toEqual({
      iface: 'eth0',
      rxBytesPerSec: 25000,
      txBytesPerSec: 0,
      rxErrors: 0,
      txErrors: 0,
      rxDropped: 0,
      txDropped: 0,
    });
  });

  it('returns undefined for a zero-length interval', async () => {
    const net = createLinuxNetworkCollector({
      ...fakeHost({ '/proc/net/dev': fixture('linux/net-dev-1.txt') }),
      clock: () => 1,
    });
    await net.collect(fast);
    expect(await net.collect(fast)).toBeUndefined();
  });
});

describe('systeminformation network collector', () => {
  it('skips lo0 and rates en0, keeping cumulative error counters', async () => {
    const rec = siRecording('darwin');
    const clock = manualClock();
    const net = createSiNetworkCollector({ si: fakeSi(rec), clock: clock.now });
    await net.collect(fast);
    rec.networkStats = rec.networkStats.map((s) => ({ ...s, tx_bytes: s.tx_bytes + 2048 }));
    clock.advance(1000);
    expect(await net.collect(fast)).toEqual([
      {
        iface: 'en0',
        rxBytesPerSec: 0,
        txBytesPerSec: 2048,
        rxErrors: 1,
        txErrors: 0,
        rxDropped: 3,
        txDropped: 0,
      },
    ]);
  });
});
