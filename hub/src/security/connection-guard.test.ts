import { connect } from 'node:net';
import { CLOSE_CODES } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningHub } from '../server.js';
import { startTestHub } from '../test-support/test-hub.js';
import { defaultMaxConnections } from './connection-guard.js';

let hub: RunningHub | undefined;

afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

/** Send `request` on a raw socket; resolves with what the hub wrote once it closed the socket. */
function exchange(url: string, request: string, deadlineMs = 5000): Promise<string> {
  const { port } = new URL(url);
  const socket = connect({ host: '127.0.0.1', port: Number(port) });
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk.toString('latin1');
  });
  if (request !== '') socket.write(request);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still open after ${deadlineMs} ms: ${answer}`)),
      deadlineMs,
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

const upgrade = (path: string, protocol: string) =>
  `GET ${path} HTTP/1.1\r\nHost: hub\r\nUpgrade: ${protocol}\r\nConnection: Upgrade\r\n` +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

describe('connection guard', () => {
  it('answers an upgrade to another protocol with 426 and closes the socket', async () => {
    hub = await startTestHub({ headersTimeoutSec: 30 });
    const answer = await exchange(hub.url, upgrade('/', 'h2c'));
    expect(answer).toMatch(/^HTTP\/1\.1 426 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
  });

  it('answers a WebSocket upgrade on a path nobody serves and closes the socket', async () => {
    hub = await startTestHub({ headersTimeoutSec: 30 });
    expect(await exchange(hub.url, upgrade('/nowhere', 'websocket'))).toMatch(/^HTTP\/1\.1 404 /);
  });

  it('closes a socket that sends nothing at the headers deadline', async () => {
    hub = await startTestHub({ headersTimeoutSec: 0.3 });
    expect(await exchange(hub.url, '', 3000)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('drops the oldest socket that sent no request when the connection cap is reached', async () => {
    hub = await startTestHub({ headersTimeoutSec: 30, maxConnections: 16 });
    const url = hub.url;
    const oldest = exchange(url, '');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const idle = Array.from({ length: 15 }, () => exchange(url, '').catch(() => 'open'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The seventeenth socket: the oldest silent one makes room, and the newcomer is served.
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    await expect(oldest).resolves.toBe('');
    await hub.close();
    await Promise.all(idle);
  });

  it('reads the ulimit from /proc, less a reserve for the hub own files', () => {
    expect(
      defaultMaxConnections(() => 'Max open files            1024                 4096      files\n'),
    ).toBe(896);
    expect(
      defaultMaxConnections(() => {
        throw new Error('ENOENT');
      }),
    ).toBe(4096);
  });
});

describe('handshake caps behind a trusted proxy', () => {
  const open = (url: string, forwardedFor: string) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/agent/ws`, {
      headers: { 'x-forwarded-for': forwardedFor },
    });
    socket.on('error', () => {});
    return new Promise<{ socket: WebSocket; code?: number }>((resolve) => {
      socket.once('close', (code) => resolve({ socket, code }));
      socket.once('open', () => setTimeout(() => resolve({ socket }), 100));
    });
  };

  it('counts the per-address cap by the forwarded client, not by the proxy', async () => {
    hub = await startTestHub({ maxHandshakesPerAddress: 2, trustedProxies: '127.0.0.1' });
    const url = hub.url;
    const first = await Promise.all([open(url, '198.51.100.1'), open(url, '198.51.100.1')]);
    expect(first.every((s) => s.code === undefined)).toBe(true);
    expect((await open(url, '198.51.100.1')).code).toBe(CLOSE_CODES.TOO_MANY_HANDSHAKES.code);
    // Another client behind the same proxy still gets in.
    const other = await open(url, '198.51.100.2');
    expect(other.code).toBeUndefined();
    for (const s of [...first, other]) s.socket.terminate();
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    hub = await startTestHub({ maxHandshakesPerAddress: 2 });
    const url = hub.url;
    const first = await Promise.all([open(url, '198.51.100.1'), open(url, '198.51.100.2')]);
    expect((await open(url, '198.51.100.3')).code).toBe(CLOSE_CODES.TOO_MANY_HANDSHAKES.code);
    for (const s of first) s.socket.terminate();
  });
});
