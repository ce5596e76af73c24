import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** What the heartbeat does with a socket at a tick. */
export type Beat = 'ping' | 'skip' | 'missed';

/**
 * Where a socket stands in the hub's heartbeat, keepalive as MQTT's (0042): a socket that sent a
 * frame since the last tick proved it is alive and is not pinged; one that did not is pinged, and
 * has missed the heartbeat if it was pinged at the last tick and neither answered nor sent anything
 * since. Fleets that report at least once per heartbeat are then never pinged. A class the socket's
 * connection extends: two fields on an object the socket keeps anyway, nothing allocated per tick.
 */
export class Keepalive {
  /** Pinged at a tick and neither answered nor heard from since. */
  private awaiting = false;
  /** A frame (a message, or the agent's own ping) arrived since the last tick. */
  private framed = false;

  /** A message or a ping of the peer arrived. */
  protected sentFrame(): void {
    this.framed = true;
  }

  /** The peer answered a ping. */
  protected answered(): void {
    this.awaiting = false;
  }

  /**
   * The heartbeat's tick: 'ping' it, 'skip' it (heard from since the last tick), or it 'missed'
   * the heartbeat. A miss leaves the state as it is: the caller decides (a paused socket's pong is
   * simply unread), and the next tick asks again.
   */
  tick(): Beat {
    if (this.framed) {
      this.framed = false;
      this.awaiting = false;
      return 'skip';
    }
    if (this.awaiting) return 'missed';
    this.awaiting = true;
    return 'ping';
  }
}

/**
 * The hub's ping, framed once: FIN, opcode 0x9, unmasked (server to client), no payload. Written
 * straight to the connection's stream, it skips ws' framing per call (an options object, a header
 * buffer and an array per ping: 2–5.6 µs less in the ping loop of a 24–37 µs round here,
 * docs/benchmarks.md, "heartbeat"). Safe because the agents' server has no per-message deflate and
 * the hub sends no Blob: ws' sender then writes each frame whole and synchronously, never queued,
 * so bytes written between its calls never land inside a frame.
 */
const PING_FRAME = Buffer.from([0x89, 0x00]);

/**
 * Ping an open socket (a closing one has sent, or is sending, its close frame) through `wire`, the
 * upgraded request's socket ws writes its frames to; through ws when there is none.
 */
export function sendPing(raw: WebSocket, wire: Duplex | undefined): void {
  if (raw.readyState !== raw.OPEN) return;
  if (wire === undefined || wire.destroyed) raw.ping();
  else wire.write(PING_FRAME);
}
