import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HELLO_NONCE_HEADER } from '@vigie/shared';
import WebSocket, { WebSocketServer } from 'ws';

const AGENT_PATH = '/api/v1/agent/ws';

/**
 * A passive network observer between an agent and the hub: frames pass unchanged, the hub's
 * upgrade response (with its hello nonce) reaches the agent, and every frame the agent sends is
 * recorded. Unlike the fault proxy, which answers the upgrade itself and so offers no nonce, the
 * agent here sees the hub as it is: what an attacker on the wire can capture, and no more.
 */
export interface RecordingRelay {
  readonly url: string;
  /** Text frames the agents sent, in order. */
  readonly up: string[];
  close(): Promise<void>;
}

export async function startRecordingRelay(hubUrl: string): Promise<RecordingRelay> {
  const upstream = `${hubUrl.replace(/^http/, 'ws')}${AGENT_PATH}`;
  const up: string[] = [];
  const sockets = new Set<WebSocket>();
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const hub = new WebSocket(upstream, { perMessageDeflate: false });
    sockets.add(hub);
    hub.on('error', () => socket.destroy());
    hub.once('upgrade', (response) => {
      const nonce = response.headers[HELLO_NONCE_HEADER];
      const passNonce = (headers: string[]) => {
        if (typeof nonce === 'string') headers.push(`${HELLO_NONCE_HEADER}: ${nonce}`);
      };
      wss.on('headers', passNonce);
      try {
        wss.handleUpgrade(req, socket, head, (agent) => pipe(agent, hub));
      } finally {
        wss.off('headers', passNonce);
      }
    });
  });

  function pipe(agent: WebSocket, hub: WebSocket): void {
    sockets.add(agent);
    const pending: string[] = [];
    agent.on('message', (data) => {
      const raw = String(data);
      up.push(raw);
      if (hub.readyState === WebSocket.OPEN) hub.send(raw);
      else pending.push(raw);
    });
    hub.on('open', () => {
      for (const raw of pending.splice(0)) hub.send(raw);
    });
    hub.on('message', (data) => {
      if (agent.readyState === WebSocket.OPEN) agent.send(String(data));
    });
    const forward = (to: WebSocket, code: number, reason: Buffer) => {
      if ((code >= 4000 || code === 1000) && to.readyState === WebSocket.OPEN) to.close(code, reason);
      else to.terminate();
    };
    hub.on('close', (code, reason) => forward(agent, code, reason));
    agent.on('close', (code, reason) => forward(hub, code, reason));
    agent.on('error', () => hub.terminate());
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    up,
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
