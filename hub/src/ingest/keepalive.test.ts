import { describe, expect, it } from 'vitest';
import { type Beat, Keepalive } from './keepalive.js';

/** A socket's keepalive as the connection drives it. */
class Peer extends Keepalive {
  frame(): void {
    this.sentFrame();
  }
  pong(): void {
    this.answered();
  }
}

const ticks = (peer: Peer, n: number): Beat[] => Array.from({ length: n }, () => peer.tick());

describe('keepalive', () => {
  it('pings an idle socket at every tick while it answers', () => {
    const peer = new Peer();
    const beats: Beat[] = [];
    for (let i = 0; i < 3; i++) {
      beats.push(peer.tick());
      peer.pong();
    }
    // Each tick pings: the pong answered the last one, but a pong is no frame of the agent's own.
    expect(beats).toEqual(['ping', 'ping', 'ping']);
  });

  it('does not ping a socket that sent a frame since the last tick', () => {
    const peer = new Peer();
    const beats: Beat[] = [];
    for (let i = 0; i < 4; i++) {
      peer.frame();
      beats.push(peer.tick());
    }
    expect(beats).toEqual(['skip', 'skip', 'skip', 'skip']);
  });

  it('pings a socket that stopped sending, and reports the miss when it does not answer', () => {
    const peer = new Peer();
    peer.frame();
    expect(ticks(peer, 4)).toEqual(['skip', 'ping', 'missed', 'missed']);
  });

  it('takes a frame as the answer to an unanswered ping', () => {
    const peer = new Peer();
    expect(peer.tick()).toBe('ping');
    peer.frame();
    expect(ticks(peer, 2)).toEqual(['skip', 'ping']);
  });

  it('keeps asking after a miss, and takes a late pong', () => {
    const peer = new Peer();
    expect(ticks(peer, 3)).toEqual(['ping', 'missed', 'missed']);
    peer.pong();
    expect(peer.tick()).toBe('ping');
  });
});
