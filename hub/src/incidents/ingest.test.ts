import type { CheckStateMessage } from '@vigie/shared';
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

const checkState = (seq: number, state: CheckStateMessage['state']): CheckStateMessage => ({
  type: 'checkState',
  bootId: 'boot_test_0001',
  seq,
  at: Date.now(),
  check: 'fs.usage',
  resource: '/var',
  state,
  previous: 'ok',
  value: 97,
  threshold: 95,
});

describe('checkState over the agents socket', () => {
  it('opens the incident in the same commit the ack acknowledges, and a resend opens nothing more', async () => {
    const credential = await enrolTestAgent(hub.deps);
    await hub.deps.db
      .updateTable('hosts')
      .set({ role: 'server', tags: JSON.stringify(['production']) })
      .execute();
    peer = await connectPeer(hub.url);
    peer.send(helloFor(credential));
    expect((await peer.next()).type).toBe('welcome');

    peer.send(checkState(1, 'critical'));
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    // Read right after the ack, with no polling: the ack promises the incident is committed.
    const rows = await hub.deps.db.selectFrom('incidents').selectAll().execute();
    expect(rows).toMatchObject([
      {
        dedup_key: `acme/${credential.hostId}/fs.usage//var`,
        state: 'new',
        severity: 'critical',
        priority: 5,
        level: 'N3',
        host_id: credential.hostId,
      },
    ]);
    const queued = await hub.deps.db.selectFrom('incident_events').select('kind').execute();
    expect(queued.map((e) => e.kind)).toEqual(['opened']);

    peer.send(checkState(1, 'critical'));
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    const after = await hub.deps.db.selectFrom('incidents').select(['id', 'occurrences']).execute();
    expect(after).toEqual([{ id: rows[0]?.id, occurrences: 1 }]);
  });
});
