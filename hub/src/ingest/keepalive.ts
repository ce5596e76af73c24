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
