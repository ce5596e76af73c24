import type { Socket } from 'node:net';
import type WebSocket from 'ws';

/**
 * A client's text frame (RFC 6455 §5.2) in one buffer: FIN, opcode 1, masked with the key 0 (the
 * payload goes out as it is). Undefined beyond 64 KiB (a report is ~1–4 KB): ws frames those.
 */
export function zeroMaskTextFrame(text: string): Buffer | undefined {
  const length = Buffer.byteLength(text);
  if (length > 0xffff) return undefined;
  const header = length < 126 ? 6 : 8;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = 0x80 | length;
  else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  }
  frame.writeUInt32BE(0, header - 4);
  frame.write(text, header);
  return frame;
}

/** ws keeps its connection's TCP socket here; not public API, hence the one place that reads it. */
interface WithSocket {
  readonly _socket: Socket | null;
}

/**
 * Send `text` as one write of one buffer on the socket under `ws`, bypassing ws's sender (its
 * framing, cork and writev cost more than the frame). Safe only because nothing else is ever half
 * sent on this connection: no compression, no fragments, and ws writes its own frames (pong, close)
 * whole. False when it could not (the caller then uses `ws.send`).
 */
export function sendZeroMaskText(ws: WebSocket, text: string): boolean {
  const socket = (ws as unknown as WithSocket)._socket;
  if (!socket || socket.destroyed) return false;
  const frame = zeroMaskTextFrame(text);
  if (!frame) return false;
  socket.write(frame);
  return true;
}
