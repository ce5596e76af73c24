import { createStaticStripper, type Sample, STATIC_ON_CHANGE_CAPABILITY } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningHub } from '../server.js';
import { sample } from '../test-support/metrics-messages.js';
import { enrolTestAgent, helloFor, startTestHub } from '../test-support/test-hub.js';
import { connectPeer, type Peer } from '../test-support/ws-peer.js';

// Static fields on change (decision 0031): the hub carries each socket's memory totals and
// filesystem statics forward and stores full samples; an agent that predates it is unchanged.

let hub: RunningHub;
let peer: Peer | undefined;

beforeEach(async () => {
  hub = await startTestHub();
});
afterEach(async () => {
  peer?.close();
  await hub.close();
});

const T0 = Date.now() - 60_000;
const BOOT = 'boot_static_0001';

async function storedSamples(): Promise<Sample[]> {
  const rows = await hub.deps.db.selectFrom('samples').select(['seq', 'payload']).orderBy('seq').execute();
  return rows.map((row) => JSON.parse(row.payload) as Sample);
}

async function welcomed(capabilities?: string[]): Promise<Peer> {
  const credential = await enrolTestAgent(hub.deps);
  const connected = await connectPeer(hub.url);
  connected.send(helloFor(credential, { bootId: BOOT, ...(capabilities && { capabilities }) }));
  expect(await connected.next()).toMatchObject({
    type: 'welcome',
    capabilities: expect.arrayContaining([STATIC_ON_CHANGE_CAPABILITY]),
  });
  return connected;
}

describe('static fields on change over the agents socket', () => {
  it('stores lean samples whole, from the statics the socket sent before', async () => {
    peer = await welcomed([STATIC_ON_CHANGE_CAPABILITY]);
    const stripper = createStaticStripper();
    const samples = [sample(T0, 10), sample(T0 + 10_000, 20), sample(T0 + 20_000, 30)];
    const wire = samples.map((s) => stripper.strip(s));
    expect(JSON.stringify(wire[1])).not.toContain('totalBytes');
    expect(JSON.stringify(wire[1])).not.toContain('/dev/sda1');
    for (const [i, s] of wire.entries()) {
      peer.send({ type: 'metrics', bootId: BOOT, seq: i + 1, samples: [s] });
      expect(await peer.next()).toMatchObject({ type: 'ack', seq: i + 1 });
    }
    expect(await storedSamples()).toEqual(samples);
  });

  it('refuses a lean sample on a socket that never sent the statics, and acknowledges the message', async () => {
    peer = await welcomed([STATIC_ON_CHANGE_CAPABILITY]);
    const { totalBytes: _t, swapTotalBytes: _s, ...memory } = sample(T0, 10).memory!;
    peer.send({ type: 'metrics', bootId: BOOT, seq: 1, samples: [{ ...sample(T0, 10), memory }] });
    expect(await peer.next()).toMatchObject({ type: 'error', code: 'SAMPLE_SCHEMA', seq: 1 });
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    expect(await storedSamples()).toEqual([]);
  });

  it('accepts and stores the full samples of an agent whose hello predates the capability', async () => {
    peer = await welcomed();
    const samples = [sample(T0, 10), sample(T0 + 10_000, 20)];
    for (const [i, s] of samples.entries()) {
      peer.send({ type: 'metrics', bootId: BOOT, seq: i + 1, samples: [s] });
      expect(await peer.next()).toMatchObject({ type: 'ack', seq: i + 1 });
    }
    expect(await storedSamples()).toEqual(samples);
  });
});
