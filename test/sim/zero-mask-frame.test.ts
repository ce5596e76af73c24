import { describe, expect, it } from 'vitest';
import { Receiver, Sender } from 'ws';
import { zeroMaskTextFrame } from './zero-mask-frame.js';

/** What ws itself writes for `text` with a zero masking key. */
function wsFrame(text: string): Buffer {
  const parts = Sender.frame(Buffer.from(text), {
    fin: true,
    mask: true,
    opcode: 1,
    readOnly: false,
    rsv1: false,
    generateMask: (mask: Buffer) => mask.fill(0),
  });
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}

describe('zero-mask text frame', () => {
  it.each([
    ['empty', ''],
    ['short (7-bit length)', '{"type":"ack"}'],
    ['125 bytes, the last 7-bit length', 'x'.repeat(125)],
    ['126 bytes, the first 16-bit length', 'x'.repeat(126)],
    ['a report-sized frame with non-ASCII text', `{"mount":"/média","x":"${'é'.repeat(1500)}"}`],
    ['65 535 bytes, the largest it frames', 'y'.repeat(65_535)],
  ])('is byte for byte what ws frames: %s', (_name, text) => {
    expect(zeroMaskTextFrame(text)).toEqual(wsFrame(text));
  });

  it('leaves larger frames to ws', () => {
    expect(zeroMaskTextFrame('z'.repeat(65_536))).toBeUndefined();
  });

  it('is read back by a WebSocket server receiver as the same text message', async () => {
    const text = JSON.stringify({ type: 'metrics', seq: 3, samples: [{ at: 1 }] });
    const receiver = new Receiver({ isServer: true });
    const message = new Promise<string>((resolve) =>
      receiver.on('message', (data: Buffer, isBinary: boolean) => resolve(`${isBinary}:${data}`)),
    );
    receiver.write(zeroMaskTextFrame(text));
    expect(await message).toBe(`false:${text}`);
  });
});
