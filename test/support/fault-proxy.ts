import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

const AGENT_PATH = '/api/v1/agent/ws';

/** One frame the proxy relayed (or dropped), parsed enough to reconcile deliveries. */
export interface SeenFrame {
  readonly connection: number;
  readonly direction: 'up' | 'down';
  readonly type: string;
  readonly bootId?: string;
  readonly seq?: number;
  /** `at` of each sample of a metrics message. */
  readonly sampleAts?: number[];
  /** The agent that connection authenticated as (from its hello), once known. */
  readonly agentId?: string;
  readonly dropped: boolean;
  readonly raw: string;
}

/**
 * A WebSocket relay on loopback between agents and the hub's agent endpoint, for fault tests: it
 * records every frame both ways, can drop the hub's acks (the hub committed, the agent never
 * learns it), cut every connection, or refuse new ones (the hub looks down). Point the agent at
 * `url` (`vigie-agent run --hub <url>`).
 */
export interface FaultProxy {
  readonly url: string;
  readonly frames: SeenFrame[];
  /** Raw hello frames, in arrival order (what a network observer could capture and replay). */
  readonly hellos: string[];
  /** New connections are reset at once while on (as if nothing listened). */
  refuse(on: boolean): void;
  /** Swallow the next `count` acks to the agent, then cut that connection (both sides). */
  dropAcks(count: number): void;
  /** Acks swallowed so far. */
  readonly droppedAcks: number;
  /** Relay new connections to another hub address (a hub restarted on another port). */
  retarget(hubUrl: string): void;
  /** Cut every relayed connection (TCP-level, no close frame). */
  cutAll(): void;
  close(): Promise<void>;
}

function parse(raw: string): Record<string, unknown> {
  try {
    const value = JSON.parse(raw) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Start a relay to `hubUrl` (http://127.0.0.1:port) on a free loopback port. */
export async function startFaultProxy(hubUrl: string): Promise<FaultProxy> {
  const wsUrlOf = (url: string) => `${url.replace(/^http/, 'ws')}${AGENT_PATH}`;
  let upstreamUrl = wsUrlOf(hubUrl);
  const frames: SeenFrame[] = [];
  const hellos: string[] = [];
  const lastMetricsBoot = new Map<number, string>();
  const pairs = new Set<{ agent: WebSocket; hub: WebSocket }>();
  let refusing = false;
  let acksToDrop = 0;
  let droppedAcks = 0;
  let nextConnection = 1;

  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (refusing || req.url !== AGENT_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (agent) => relay(agent));
  });

  function record(
    connection: number,
    direction: 'up' | 'down',
    raw: string,
    dropped: boolean,
    agentId?: string,
  ) {
    const message = parse(raw);
    const samples = Array.isArray(message.samples) ? (message.samples as Array<{ at?: unknown }>) : undefined;
    // Samples as changes (decision 0033): a metrics message leaves out the bootId of the one before
    // on its connection; the hub puts it back, and so does this record.
    const bootId = typeof message.bootId === 'string' ? message.bootId : undefined;
    const metricsUp = direction === 'up' && message.type === 'metrics';
    if (metricsUp && bootId !== undefined) lastMetricsBoot.set(connection, bootId);
    const knownBootId = bootId ?? (metricsUp ? lastMetricsBoot.get(connection) : undefined);
    frames.push({
      connection,
      direction,
      type: typeof message.type === 'string' ? message.type : '(not json)',
      ...(knownBootId !== undefined && { bootId: knownBootId }),
      ...(typeof message.seq === 'number' && { seq: message.seq }),
      ...(samples && { sampleAts: samples.map((s) => Number(s.at)) }),
      ...(agentId !== undefined && { agentId }),
      dropped,
      raw,
    });
  }

  function relay(agent: WebSocket): void {
    const connection = nextConnection++;
    const hub = new WebSocket(upstreamUrl, { perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });
    const pair = { agent, hub };
    pairs.add(pair);
    let agentId: string | undefined;
    const pending: string[] = [];
    const cut = () => {
      agent.terminate();
      hub.terminate();
    };
    agent.on('message', (data) => {
      const raw = String(data);
      const message = parse(raw);
      if (message.type === 'hello') {
        hellos.push(raw);
        const credential = message.credential as { agentId?: unknown } | undefined;
        if (typeof credential?.agentId === 'string') agentId = credential.agentId;
      }
      record(connection, 'up', raw, false, agentId);
      if (hub.readyState === WebSocket.OPEN) hub.send(raw);
      else pending.push(raw);
    });
    hub.on('open', () => {
      for (const raw of pending.splice(0)) hub.send(raw);
    });
    hub.on('message', (data) => {
      const raw = String(data);
      if (acksToDrop > 0 && parse(raw).type === 'ack') {
        acksToDrop -= 1;
        droppedAcks += 1;
        record(connection, 'down', raw, true, agentId);
        if (acksToDrop === 0) cut();
        return;
      }
      record(connection, 'down', raw, false, agentId);
      if (agent.readyState === WebSocket.OPEN) agent.send(raw);
    });
    // Close codes travel on; 1005/1006 (no code, abnormal) cannot be sent, so those cut instead.
    const forwardClose = (to: WebSocket, code: number, reason: Buffer) => {
      if (code >= 4000 || code === 1000 || code === 1001) {
        if (to.readyState === WebSocket.OPEN) to.close(code, reason);
        else to.terminate();
      } else to.terminate();
    };
    hub.on('close', (code, reason) => {
      pairs.delete(pair);
      forwardClose(agent, code, reason);
    });
    agent.on('close', (code, reason) => {
      pairs.delete(pair);
      forwardClose(hub, code, reason);
    });
    hub.on('error', () => agent.terminate());
    agent.on('error', () => hub.terminate());
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    frames,
    hellos,
    refuse(on) {
      refusing = on;
    },
    dropAcks(count) {
      acksToDrop = count;
    },
    get droppedAcks() {
      return droppedAcks;
    },
    retarget(url) {
      upstreamUrl = wsUrlOf(url);
    },
    cutAll() {
      for (const { agent, hub } of pairs) {
        agent.terminate();
        hub.terminate();
      }
    },
    async close() {
      refusing = true;
      for (const { agent, hub } of pairs) {
        agent.terminate();
        hub.terminate();
      }
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
