import { type AgentMessage, CLOSE_CODES, type Hello, SAMPLE_DELTA_CAPABILITY } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import {
  type ScriptedHub,
  type ScriptedHubOptions,
  startScriptedHub,
  waitFor,
} from '../test-support/scripted-hub.js';
import {
  type Connection,
  type ConnectionEvent,
  type ConnectionOptions,
  createConnection,
} from './connection.js';
import { createOutbox, type Outbox } from './outbox.js';

const HELLO: Omit<Hello, 'type' | 'bootId'> = {
  protocolVersion: 1,
  credential: { agentId: 'agt_0123456789', secret: 's'.repeat(32) },
  fingerprint: 'f'.repeat(64),
  agentVersion: '0.1.0',
  hostname: 'srv-test-01',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0', arch: 'x64' },
};

interface Harness {
  hub: ScriptedHub;
  outbox: Outbox;
  connection: Connection;
  events: ConnectionEvent[];
}

const started: Harness[] = [];

afterEach(async () => {
  for (const { connection, hub } of started.splice(0)) {
    await connection.close();
    await hub.close();
  }
});

async function harness(hubOptions: ScriptedHubOptions = {}, overrides: Partial<ConnectionOptions> = {}) {
  const hub = await startScriptedHub(hubOptions);
  const outbox = createOutbox({ bootId: 'boot_conn_test', log: SILENT_LOG });
  const events: ConnectionEvent[] = [];
  const connection = createConnection({
    url: hub.wsUrl,
    hello: () => HELLO,
    outbox,
    onEvent: (event) => events.push(event),
    log: SILENT_LOG,
    clock: Date.now,
    random: () => 0.5,
    backoff: { baseMs: 20, capMs: 100 },
    heartbeatIntervalMs: 1_000,
    ...overrides,
  });
  const h: Harness = { hub, outbox, connection, events };
  started.push(h);
  return h;
}

const count = (events: ConnectionEvent[], type: ConnectionEvent['type']) =>
  events.filter((event) => event.type === type).length;

function sendSample(h: Harness, at: number): void {
  h.outbox.enqueue({ type: 'metrics', sample: { at } });
  h.connection.flush();
}

const dataSeqs = (messages: AgentMessage[]) => messages.flatMap((m) => ('seq' in m ? [m.seq] : []));

describe('createConnection', () => {
  it('sends hello first and becomes ready on welcome, reporting the policy', async () => {
    const h = await harness();
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    expect(h.hub.received[0]).toMatchObject({
      type: 'hello',
      bootId: 'boot_conn_test',
      hostname: 'srv-test-01',
    });
    expect(h.events.map((event) => event.type)).toEqual(['connected', 'policy']);
  });

  it('writes samples as changes only when its hello and the welcome both announced them', async () => {
    const withDelta = { ...HELLO, capabilities: [SAMPLE_DELTA_CAPABILITY] };
    for (const [hello, lean] of [
      [withDelta, true],
      [HELLO, false],
    ] as const) {
      const h = await harness({ capabilities: [SAMPLE_DELTA_CAPABILITY] }, { hello: () => hello });
      h.connection.start();
      await waitFor(() => h.connection.state === 'ready', 'ready');
      sendSample(h, 1);
      sendSample(h, 2);
      await waitFor(() => h.hub.frames.length === 3, 'two metrics frames');
      expect(h.hub.frames[2]).toBe(
        lean
          ? '{"type":"metrics","seq":2,"samples":[{"at":2}]}'
          : '{"type":"metrics","bootId":"boot_conn_test","seq":2,"samples":[{"at":2}]}',
      );
      expect(h.hub.received.slice(1)).toMatchObject([
        { type: 'metrics', bootId: 'boot_conn_test', seq: 1, samples: [{ at: 1 }] },
        { type: 'metrics', bootId: 'boot_conn_test', seq: 2, samples: [{ at: 2 }] },
      ]);
    }
  });

  it('forgets messages once the hub acknowledges them', async () => {
    const h = await harness();
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    sendSample(h, 1);
    sendSample(h, 2);
    await waitFor(() => h.outbox.stats().inFlight === 0 && count(h.events, 'ack') === 2, 'acks');
    expect(dataSeqs(h.hub.received)).toEqual([1, 2]);
    expect(h.events.at(-1)).toEqual({ type: 'ack', seq: 2, forgotten: 1 });
  });

  it('resends what was not acknowledged after the hub drops the socket, in order', async () => {
    const h = await harness({ commit: false });
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    for (let at = 1; at <= 3; at += 1) sendSample(h, at);
    await waitFor(() => dataSeqs(h.hub.received).length === 3, 'three messages');
    h.hub.options.commit = true;
    h.hub.current()?.terminate();
    await waitFor(
      () => count(h.events, 'connected') === 2 && h.outbox.stats().inFlight === 0,
      'resend acked',
    );
    expect(dataSeqs(h.hub.received)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(h.hub.committed('boot_conn_test')).toBe(3);
  });

  it('resends only what the welcome does not already acknowledge', async () => {
    const h = await harness();
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    sendSample(h, 1);
    await waitFor(() => h.outbox.stats().inFlight === 0, 'first ack');
    h.hub.options.autoAck = false;
    sendSample(h, 2);
    await waitFor(() => dataSeqs(h.hub.received).length === 2, 'second message');
    h.hub.options.autoAck = true;
    h.hub.current()?.terminate();
    await waitFor(() => count(h.events, 'connected') === 2 && h.outbox.stats().inFlight === 0, 'resend');
    // seq 2 was committed but its ack never sent: the welcome's ackedSeq covers it.
    expect(dataSeqs(h.hub.received)).toEqual([1, 2]);
  });

  it('does not reconnect when the hub refuses the credential (4010)', async () => {
    const h = await harness({ onHello: () => ({ close: CLOSE_CODES.AUTH_FAILED.code }) });
    h.connection.start();
    await waitFor(() => h.connection.state === 'stopped', 'stopped');
    expect(h.events).toEqual([{ type: 'fatal', name: 'AUTH_FAILED', code: 4010, reason: 'scripted close' }]);
    expect(h.hub.connections()).toBe(1);
  });

  it('reconnects after the hub restarts (4030), after a random delay spread over the restart window', async () => {
    const h = await harness(
      {
        onHello: (_hello, connection) =>
          connection === 1 ? { close: CLOSE_CODES.SERVICE_RESTART.code } : { welcome: true },
      },
      { restartSpreadMs: 200, random: () => 0.25 },
    );
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready on second connection');
    expect(h.hub.connections()).toBe(2);
    // Not the backoff's first step (≤ 20 ms here): a share of the spread window, set by `random`.
    expect(h.events[0]).toMatchObject({ type: 'disconnected', code: 4030, retryInMs: 50 });
  });

  it('resends messages of an earlier boot and forgets them on the hub ack of that boot', async () => {
    const h = await harness();
    const earlier = createOutbox({ bootId: 'boot_earlier_1', log: SILENT_LOG });
    earlier.enqueue({ type: 'metrics', sample: { at: 5 } });
    const [old] = earlier.takeSendable();
    const restored = createOutbox({
      bootId: 'boot_conn_test',
      log: SILENT_LOG,
      restored: {
        nextId: 10,
        unsent: [],
        sent: [
          {
            bootId: 'boot_earlier_1',
            seq: 1,
            entries: [{ id: 1, at: 5, bytes: 8, item: { type: 'metrics', sample: { at: 5 } } }],
          },
        ],
      },
    });
    expect(restored.pending()).toEqual([old]);
    const connection = createConnection({
      url: h.hub.wsUrl,
      hello: () => HELLO,
      outbox: restored,
      onEvent: () => {},
      log: SILENT_LOG,
      clock: Date.now,
      random: () => 0.5,
    });
    connection.start();
    await waitFor(() => restored.stats().inFlight === 0, 'ack of the earlier boot');
    await connection.close();
    expect(h.hub.committed('boot_earlier_1')).toBe(1);
  });

  it('terminates and reconnects when the hub stops answering pings', async () => {
    const h = await harness({ autoPong: false }, { heartbeatIntervalMs: 40, heartbeatSlackMs: 40 });
    h.connection.start();
    await waitFor(() => count(h.events, 'connected') === 2, 'second connection');
    expect(h.events.find((event) => event.type === 'disconnected')).toMatchObject({ code: 1006 });
  });

  it('stays connected while the hub answers pings', async () => {
    const h = await harness({}, { heartbeatIntervalMs: 20, heartbeatSlackMs: 40 });
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    const start = Date.now();
    await waitFor(() => Date.now() - start > 200, 'several heartbeats');
    expect(count(h.events, 'disconnected')).toBe(0);
  });

  it('closes with 4001 on an invalid frame from the hub, then reconnects', async () => {
    const h = await harness();
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    h.hub.current()?.send('{not json');
    await waitFor(() => count(h.events, 'connected') === 2, 'reconnected');
    expect(h.hub.closeCodes[0]).toBe(CLOSE_CODES.INVALID_JSON.code);
  });

  it('closes with 4002 on a frame that does not match its schema', async () => {
    const h = await harness();
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    h.hub.current()?.send(JSON.stringify({ type: 'ack', bootId: 'boot_conn_test', seq: -1 }));
    await waitFor(() => h.hub.closeCodes.length === 1, 'close');
    expect(h.hub.closeCodes[0]).toBe(CLOSE_CODES.SCHEMA_VIOLATION.code);
  });

  it('gives up on a hub that never welcomes and tries again', async () => {
    const h = await harness(
      { onHello: (_hello, connection) => (connection === 1 ? { silent: true } : { welcome: true }) },
      { welcomeTimeoutMs: 50 },
    );
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    expect(h.hub.closeCodes[0]).toBe(CLOSE_CODES.PROTOCOL_ERROR.code);
  });

  it('reports pushed policies and hub errors', async () => {
    const h = await harness();
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    const policy = {
      revision: 7,
      metricsIntervalSec: 5,
      processesIntervalSec: 60,
      inventoryCron: '0 4 * * *',
      services: [],
    };
    h.hub.send({ type: 'policy', policy });
    h.hub.send({ type: 'error', code: 'SAMPLE_REJECTED', message: 'clock skew', seq: 3 });
    await waitFor(() => count(h.events, 'hubError') === 1, 'hub error');
    expect(h.events).toContainEqual({ type: 'policy', policy, source: 'push' });
    expect(h.connection.state).toBe('ready');
  });

  it('close() ends the connection with 1000 and stops reconnecting', async () => {
    const h = await harness();
    h.connection.start();
    await waitFor(() => h.connection.state === 'ready', 'ready');
    await h.connection.close();
    expect(h.connection.state).toBe('stopped');
    expect(h.events.at(-1)).toEqual({ type: 'closed' });
    await waitFor(() => h.hub.closeCodes.length === 1, 'hub saw the close');
    expect(h.hub.closeCodes).toEqual([1000]);
  });

  it('keeps retrying with backoff while the hub is unreachable, and close() stops it', async () => {
    const hub = await startScriptedHub();
    const url = hub.wsUrl;
    await hub.close();
    const events: ConnectionEvent[] = [];
    const connection = createConnection({
      url,
      hello: () => HELLO,
      outbox: createOutbox({ bootId: 'boot_conn_test', log: SILENT_LOG }),
      onEvent: (event) => events.push(event),
      log: SILENT_LOG,
      clock: Date.now,
      random: () => 0.5,
      backoff: { baseMs: 10, capMs: 20 },
    });
    connection.start();
    await waitFor(() => count(events, 'disconnected') >= 3, 'three failed attempts');
    await connection.close();
    expect(connection.state).toBe('stopped');
  });
});
