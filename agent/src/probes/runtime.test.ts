import { createServer } from 'node:net';
import type { Sample } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import { type RunningAgent, startAgent } from '../runtime/agent.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { testAgentIdentity } from '../test-support/agent-identity.js';
import { type ScriptedHub, startScriptedHub, waitFor } from '../test-support/scripted-hub.js';

// The agent runtime with probes: announced in hello, run when the hub assigns them, results sent.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Cycles never fire: only probes produce data in these tests. */
const idle: Scheduler = { every: () => () => {}, cron: () => () => {}, validCron: () => true };

async function agentWithHub(): Promise<{ hub: ScriptedHub; agent: RunningAgent }> {
  const hub = await startScriptedHub();
  const agent = startAgent<string>({
    ...testAgentIdentity(hub.httpUrl),
    sampler: { collect: async (): Promise<Sample> => ({ at: Date.now() }) },
    inventory: { collect: async () => 'v1', hash: () => 'hash-v1-0123', toChunks: () => [] },
    savePolicy: async () => {},
    log: SILENT_LOG,
    clock: Date.now,
    random: () => 0,
    heartbeatIntervalSec: 30,
    scheduler: idle,
    probes: { ping: { ping: async () => ({ ok: false, output: '' }), icmp: async () => false } },
  });
  cleanups.push(
    () => hub.close(),
    () => agent.stop(),
  );
  return { hub, agent };
}

describe('an agent with probes', () => {
  it('announces them in hello, runs what the hub assigns and sends each result', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const { hub } = await agentWithHub();
    await waitFor(() => hub.hellos.length === 1 && hub.current() !== undefined, 'a hello');
    expect(hub.hellos[0]?.capabilities).toContain('probes');
    // The scripted hub welcomes a hello at once; this frame follows the welcome on the socket.
    hub.send({
      type: 'probes',
      allow: ['127.0.0.1/32'],
      probes: [{ id: 'prb_nas', kind: 'tcp', host: '127.0.0.1', port, intervalSec: 1, timeoutMs: 500 }],
    });
    await waitFor(
      () => hub.received.filter((m) => m.type === 'probeResult').length >= 2,
      'two probe results',
      5000,
    );
    const results = hub.received.filter((m) => m.type === 'probeResult');
    expect(results[0]).toMatchObject({ probeId: 'prb_nas', outcome: 'ok', method: 'tcp', lossPct: 0 });
    expect(results[1]!.seq).toBeGreaterThan(results[0]!.seq);
  });
});
