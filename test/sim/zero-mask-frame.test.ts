import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { sendZeroMaskText, zeroMaskTextFrame } from './zero-mask-frame.js';

const TEXTS: [string, string][] = [
  ['empty', ''],
  ['short (7-bit length)', '{"type":"ack"}'],
  ['125 bytes, the last 7-bit length', 'x'.repeat(125)],
  ['126 bytes, the first 16-bit length', 'x'.repeat(126)],
  ['a report-sized frame with non-ASCII text', `{"mount":"/média","x":"${'é'.repeat(1500)}"}`],
  ['65 535 bytes, the largest it frames', 'y'.repeat(65_535)],
];

let server: WebSocketServer | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('zero-mask text frame', () => {
  it.each(TEXTS)('is laid out as RFC 6455 says: %s', (_name, text) => {
    const frame = zeroMaskTextFrame(text)!;
    const payload = Buffer.from(text);
    const header = payload.length < 126 ? 6 : 8;
    expect(frame[0]).toBe(0x81); // FIN, text
    if (payload.length < 126) expect(frame[1]).toBe(0x80 | payload.length);
    else {
      expect(frame[1]).toBe(0x80 | 126);
      expect(frame.readUInt16BE(2)).toBe(payload.length);
    }
    expect(frame.readUInt32BE(header - 4)).toBe(0); // the masking key
    expect(frame.subarray(header)).toEqual(payload);
  });

  it('leaves larger frames to ws', () => {
    expect(zeroMaskTextFrame('z'.repeat(65_536))).toBeUndefined();
  });

  it('reaches a ws server as the same text messages, in order, on a ws client connection', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server = wss;
    await new Promise((resolve) => wss.once('listening', resolve));
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      wss.on('connection', (peer) =>
        peer.on('message', (data, isBinary) => {
          received.push(`${isBinary}:${String(data)}`);
          if (received.length === TEXTS.length + 1) resolve();
        }),
      ),
    );
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    await new Promise((resolve) => client.once('open', resolve));
    for (const [, text] of TEXTS) expect(sendZeroMaskText(client, text)).toBe(true);
    // ws's own frames interleave with ours: nothing is ever half written.
    client.send('from ws');
    await all;
    expect(received).toEqual([...TEXTS.map(([, text]) => `false:${text}`), 'false:from ws']);
    client.terminate();
    expect(sendZeroMaskText(client, 'after close')).toBe(false);
  });
});
