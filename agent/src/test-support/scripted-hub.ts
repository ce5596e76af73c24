import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AgentMessage,
  createStaticCarry,
  DEFAULT_POLICY,
  decodeAgentMessage,
  encodeMessage,
  type Hello,
  type HubMessage,
  type Policy,
} from '@vigie/shared';
import { type WebSocket, WebSocketServer } from 'ws';

// A hub stand-in for tests: a real ws server on 127.0.0.1:0 whose answers each test scripts.

/** What the scripted hub does with a hello: welcome it, close with a code, or stay silent. */
export type HelloVerdict =
  | { readonly welcome: true }
  | { readonly close: number }
  | { readonly silent: true };

export interface ScriptedHubOptions {
  onHello?: (hello: Hello, connection: number) => HelloVerdict;
  /** Acknowledge each data message at once (default true); tests flip it at will. */
  autoAck?: boolean;
  /** Commit data messages (default true); off, the hub behaves as if it lost them. */
  commit?: boolean;
  /** Answer pings (default true). */
  autoPong?: boolean;
  policy?: Policy;
  /** Announced in the welcome (none by default); frames are read as the hub reads them either way. */
  capabilities?: string[];
}

export interface ScriptedHub {
  /** The hub's base URL (http://127.0.0.1:port). */
  readonly httpUrl: string;
  /** The agent WebSocket endpoint. */
  readonly wsUrl: string;
  /** Every valid frame received, across connections, in arrival order (lean samples rebuilt). */
  readonly received: AgentMessage[];
  /** The text of every frame received, as it went on the wire. */
  readonly frames: string[];
  readonly hellos: Hello[];
  /** Close codes the hub saw, one per finished connection. */
  readonly closeCodes: number[];
  readonly options: ScriptedHubOptions;
  connections(): number;
  /** The socket of the latest connection. */
  current(): WebSocket | undefined;
  send(message: HubMessage): void;
  /** Highest contiguous seq committed for a boot. */
  committed(bootId: string): number;
  close(): Promise<void>;
}

/** Starts a scripted hub on an ephemeral port. */
export async function startScriptedHub(options: ScriptedHubOptions = {}): Promise<ScriptedHub> {
  const server: Server = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  const received: AgentMessage[] = [];
  const frames: string[] = [];
  const hellos: Hello[] = [];
  const closeCodes: number[] = [];
  const stored = new Map<string, Set<number>>();
  const committed = new Map<string, number>();
  let connections = 0;
  let current: WebSocket | undefined;

  function commit(bootId: string, seq: number): number {
    const seen = stored.get(bootId) ?? new Set<number>();
    seen.add(seq);
    stored.set(bootId, seen);
    let top = committed.get(bootId) ?? 0;
    while (seen.has(top + 1)) top += 1;
    committed.set(bootId, top);
    return top;
  }

  server.on('upgrade', (request, socket, head) => {
    if (request.url !== '/api/v1/agent/ws') return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      connections += 1;
      const connection = connections;
      current = ws;
      ws.on('close', (code) => closeCodes.push(code));
      // As the hub's session: what this connection left out of its samples is carried (0031, 0033).
      const carry = createStaticCarry();
      ws.on('message', (data) => {
        frames.push(String(data));
        const decoded = decodeAgentMessage(data, carry);
        if (!decoded.ok) return ws.close(decoded.error.closeCode, 'bad frame');
        const message = decoded.value;
        received.push(message);
        if (message.type === 'hello') {
          hellos.push(message);
          const verdict = options.onHello?.(message, connection) ?? { welcome: true };
          if ('close' in verdict) return ws.close(verdict.close, 'scripted close');
          if ('silent' in verdict) return;
          return ws.send(
            encodeMessage({
              type: 'welcome',
              protocolVersion: 1,
              hostId: 'host_1',
              serverTime: Date.now(),
              ackedSeq: committed.get(message.bootId) ?? 0,
              policy: options.policy ?? DEFAULT_POLICY,
              ...(options.capabilities && { capabilities: options.capabilities }),
            }),
          );
        }
        if (message.type === 'credentialSaved' || !(options.commit ?? true)) return;
        const top = commit(message.bootId, message.seq);
        if (options.autoAck ?? true)
          ws.send(encodeMessage({ type: 'ack', bootId: message.bootId, seq: top }));
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/agent/ws`,
    received,
    frames,
    hellos,
    closeCodes,
    options,
    connections: () => connections,
    current: () => current,
    send: (message) => current?.send(encodeMessage(message)),
    committed: (bootId) => committed.get(bootId) ?? 0,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `condition` until it holds or the deadline passes (then throws with `what`). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
