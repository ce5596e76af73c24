import {
  CHECK_SNAPSHOT_CAPABILITY,
  type CheckSnapshotMessage,
  type CheckStateMessage,
  STATIC_ON_CHANGE_CAPABILITY,
} from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningHub } from '../server.js';
import { enrolTestAgent, helloFor, startTestHub } from '../test-support/test-hub.js';
import { connectPeer, type Peer } from '../test-support/ws-peer.js';

let hub: RunningHub;
let peer: Peer | undefined;

beforeEach(async () => {
  hub = await startTestHub();
});
afterEach(async () => {
  peer?.close();
  await hub.close();
});

const fault: CheckStateMessage = {
  type: 'checkState',
  bootId: 'boot_before_reboot',
  seq: 1,
  at: Date.now(),
  check: 'service.down',
  resource: 'nginx',
  state: 'critical',
  previous: 'ok',
  value: 1,
  threshold: 1,
};
const snapshot: CheckSnapshotMessage = {
  type: 'checkSnapshot',
  bootId: 'boot_after_reboot',
  seq: 1,
  at: Date.now(),
  complete: true,
  checks: [
    {
      check: 'service.down',
      resource: 'nginx',
      state: 'ok',
      observedAt: Date.now(),
      value: 0,
      threshold: null,
    },
  ],
};

describe('checkSnapshot over the agents socket', () => {
  it('still welcomes an agent whose hello predates snapshots, and tells it the hub takes them', async () => {
    const credential = await enrolTestAgent(hub.deps);
    peer = await connectPeer(hub.url);
    const hello = helloFor(credential);
    expect(hello.capabilities).toBeUndefined();
    peer.send(hello);
    expect(await peer.next()).toMatchObject({
      type: 'welcome',
      capabilities: expect.arrayContaining([CHECK_SNAPSHOT_CAPABILITY, STATIC_ON_CHANGE_CAPABILITY]),
    });
    peer.send(fault);
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
  });

  it('recovers in the commit the ack acknowledges, and a resend after a reconnect changes nothing', async () => {
    const credential = await enrolTestAgent(hub.deps);
    peer = await connectPeer(hub.url);
    peer.send(helloFor(credential, { bootId: fault.bootId }));
    expect((await peer.next()).type).toBe('welcome');
    peer.send(fault);
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    peer.close();

    for (let connection = 0; connection < 2; connection++) {
      peer = await connectPeer(hub.url);
      peer.send(helloFor(credential, { bootId: snapshot.bootId, capabilities: [CHECK_SNAPSHOT_CAPABILITY] }));
      expect((await peer.next()).type).toBe('welcome');
      peer.send(snapshot);
      expect(await peer.next()).toMatchObject({ type: 'ack', bootId: snapshot.bootId, seq: 1 });
      const [row] = await hub.deps.db.selectFrom('incidents').selectAll().execute();
      expect(row?.recovered_at).not.toBeNull();
      const kinds = await hub.deps.db.selectFrom('incident_events').select('kind').orderBy('at').execute();
      expect(kinds.map((e) => e.kind)).toEqual(['opened', 'recovery_seen', 'recovered_by_snapshot']);
      peer.close();
    }
  });
});
