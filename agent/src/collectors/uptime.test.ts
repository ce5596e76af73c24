import { describe, expect, it } from 'vitest';
import { fakeHost, recordedProc } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxUptimeCollector } from './uptime.linux.js';
import { createSiUptimeCollector } from './uptime.si.js';

const fast = { slow: false, services: [] };

describe('uptime collectors', () => {
  it('reads boot time from btime and whole seconds of uptime from /proc/uptime on Linux', async () => {
    expect(await createLinuxUptimeCollector(fakeHost(recordedProc())).collect(fast)).toEqual({
      bootTime: 1795607014000,
      uptimeSec: 759,
    });
  });

  it('derives a whole-second boot time from systeminformation.time', async () => {
    expect(await createSiUptimeCollector({ si: fakeSi(siRecording('darwin')) }).collect(fast)).toEqual({
      bootTime: 1800000000000 - 86400000,
      uptimeSec: 86400.4,
    });
  });
});
