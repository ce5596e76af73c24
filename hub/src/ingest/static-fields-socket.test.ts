import {
  createMetricsDeltaEncoder,
  createStaticStripper,
  type EnrolResponse,
  SAMPLE_DELTA_CAPABILITY,
  type Sample,
  STATIC_ON_CHANGE_CAPABILITY,
} from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningHub } from '../server.js';
import { sample } from '../test-support/metrics-messages.js';
import { enrolTestAgent, helloFor, startTestHub } from '../test-support/test-hub.js';
import { connectPeer, type Peer } from '../test-support/ws-peer.js';

// Static fields on change (decision 0031): the hub carries each socket's memory totals and
// filesystem statics forward and stores full samples; an agent that predates it is unchanged.
// Samples as changes (0033): same contract for whole samples, from agents that announce it.

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

async function welcomed(capabilities?: string[], enrolled?: EnrolResponse): Promise<Peer> {
  const credential = enrolled ?? (await enrolTestAgent(hub.deps));
  const connected = await connectPeer(hub.url);
  connected.send(helloFor(credential, { bootId: BOOT, ...(capabilities && { capabilities }) }));
  expect(await connected.next()).toMatchObject({
    type: 'welcome',
    capabilities: expect.arrayContaining([STATIC_ON_CHANGE_CAPABILITY, SAMPLE_DELTA_CAPABILITY]),
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

describe('samples as changes over the agents socket', () => {
  const capabilities = [STATIC_ON_CHANGE_CAPABILITY, SAMPLE_DELTA_CAPABILITY];

  it('stores the samples whole, and a reconnect starts from a whole sample again', async () => {
    const credential = await enrolTestAgent(hub.deps);
    peer = await welcomed(capabilities, credential);
    const samples = [sample(T0, 10), sample(T0 + 10_000, 10), sample(T0 + 20_000, 30)];
    const encoder = createMetricsDeltaEncoder();
    for (const [i, s] of samples.slice(0, 2).entries()) {
      const wire = encoder.encode({ type: 'metrics', bootId: BOOT, seq: i + 1, samples: [s] });
      if (i > 0) expect(JSON.stringify(wire).length).toBeLessThan(JSON.stringify(samples[i]).length / 2);
      peer.send(wire);
      expect(await peer.next()).toMatchObject({ type: 'ack', seq: i + 1 });
    }
    peer.close();
    // A new connection carries nothing: changes against the old one's samples are refused...
    peer = await welcomed(capabilities, credential);
    const changes = encoder.encode({ type: 'metrics', bootId: BOOT, seq: 3, samples: [samples[2]!] });
    peer.send({ ...changes, bootId: BOOT });
    expect(await peer.next()).toMatchObject({ type: 'error', code: 'SAMPLE_SCHEMA', seq: 3 });
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 3 });
    // ...and the agent's new encoder writes the first sample whole.
    const fresh = createMetricsDeltaEncoder();
    peer.send(fresh.encode({ type: 'metrics', bootId: BOOT, seq: 4, samples: [samples[2]!] }));
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 4 });
    expect(await storedSamples()).toEqual(samples);
  });
});
