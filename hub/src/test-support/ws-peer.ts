import { decodeHubMessage, type HubMessage } from '@vigie/shared';
import WebSocket from 'ws';

/**
 * A raw WebSocket peer for protocol tests: sends whatever it is told (valid or not) and lets the
 * test await the next hub message or the close, with a deadline instead of a sleep.
 */
export async function connectPeer(hubUrl: string, deadlineMs = 5000) {
  const socket = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/api/v1/agent/ws`);
  const inbox: HubMessage[] = [];
  let wake: (() => void) | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      wake?.();
    });
  });
  socket.on('message', (data) => {
    const decoded = decodeHubMessage(data as Buffer);
    if (decoded.ok) inbox.push(decoded.value);
    wake?.();
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  return {
    socket,
    send(message: unknown): void {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    /** The next message from the hub, or an error once the deadline passes or the socket closes. */
    async next(): Promise<HubMessage> {
      const deadline = Date.now() + deadlineMs;
      while (inbox.length === 0) {
        if (socket.readyState === WebSocket.CLOSED)
          throw new Error('socket closed while waiting for a message');
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error('no hub message before the deadline');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, remaining);
        });
      }
      return inbox.shift()!;
    },
    /** How the hub closed the socket. */
    closed(): Promise<{ code: number; reason: string }> {
      return Promise.race([
        closed,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('socket not closed in time')), deadlineMs),
        ),
      ]);
    },
    close(): void {
      socket.terminate();
    },
  };
}
export type Peer = Awaited<ReturnType<typeof connectPeer>>;
