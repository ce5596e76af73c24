import { type CheckStateMessage, REMEDIATION_CAPABILITY } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveLayer } from '../policies/layers.js';
import type { RunningHub } from '../server.js';
import { enrolTestAgent, helloFor, startTestHub } from '../test-support/test-hub.js';
import { connectPeer, type Peer } from '../test-support/ws-peer.js';

let hub: RunningHub;
let peer: Peer | undefined;

beforeEach(async () => {
  hub = await startTestHub();
  await saveLayer(
    hub.deps.db,
    {
      scope: 'global',
      target: '',
      settings: { remediation: { 'service.down': { action: 'restart-service' } } },
    },
    { now: Date.now(), by: null },
  );
});
afterEach(async () => {
  peer?.close();
  await hub.close();
});

const fault: CheckStateMessage = {
  type: 'checkState',
  bootId: 'boot_n0_socket',
  seq: 1,
  at: Date.now(),
  check: 'service.down',
  resource: 'nginx',
  state: 'critical',
  previous: 'ok',
  value: 1,
  threshold: 1,
};

describe('N0 over the agents socket', () => {
  it('announces remediation in the welcome and asks an agent that speaks it', async () => {
    const credential = await enrolTestAgent(hub.deps);
    peer = await connectPeer(hub.url);
    peer.send(helloFor(credential, { bootId: fault.bootId, capabilities: [REMEDIATION_CAPABILITY] }));
    expect(await peer.next()).toMatchObject({
      type: 'welcome',
      capabilities: expect.arrayContaining([REMEDIATION_CAPABILITY]),
    });
    peer.send(fault);
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    expect(await peer.next()).toMatchObject({
      type: 'remediate',
      check: 'service.down',
      resource: 'nginx',
      action: 'restart-service',
      attempt: 1,
      maxAttempts: 2,
    });
  });

  it('never sends remediate to an agent that predates it: its ticket is paged as before', async () => {
    const credential = await enrolTestAgent(hub.deps);
    peer = await connectPeer(hub.url, 3000);
    peer.send(helloFor(credential, { bootId: fault.bootId }));
    expect(await peer.next()).toMatchObject({ type: 'welcome' });
    peer.send(fault);
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    await expect(peer.next()).rejects.toThrow(/deadline/);
    const kinds = await hub.deps.db.selectFrom('incident_events').select('kind').execute();
    expect(kinds.map((k) => k.kind)).toContain('opened');
    expect(kinds.map((k) => k.kind)).not.toContain('remediation_started');
  });
});
