import { describe, expect, it } from 'vitest';
import { fixture } from '../__fixtures__/fake-host.js';
import { parseNetDev } from './net-dev.js';

describe('parseNetDev', () => {
  it('reads every interface after the two header lines', () => {
    const ifaces = parseNetDev(fixture('linux/net-dev-1.txt'));
    expect(ifaces.map((i) => i.iface)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(ifaces.find((i) => i.iface === 'eth0')).toEqual({
      iface: 'eth0',
      rxBytes: 207453387,
      rxErrors: 0,
      rxDropped: 0,
      txBytes: 514419,
      txErrors: 0,
      txDropped: 0,
    });
  });

  it('reads error and drop columns', () => {
    const line = '  wlan0: 100 2 3 4 0 0 0 0 200 5 6 7 0 0 0 0';
    expect(parseNetDev(line)[0]).toMatchObject({ rxErrors: 3, rxDropped: 4, txErrors: 6, txDropped: 7 });
  });
});
