// A TCP relay to a hub that reads the agent→hub WebSocket frames (masked, RFC 6455) and records the
// size of each `metrics` message as it went on the wire, with when it went: what an agent's report
// costs the network, not the whole sample the hub rebuilds and stores (decision 0033).
import { connect, createServer } from 'node:net';

/**
 * Starts the relay on a free loopback port; `metrics` is the list of `{ atMs, bytes }` seen so far,
 * `lastMetrics` the text of the newest `metrics` message.
 */
export function startFrameRelay(hubPort) {
  const metrics = [];
  const relay = { metrics, lastMetrics: '', port: 0, close: () => server.close() };
  const server = createServer((client) => {
    const upstream = connect(hubPort, '127.0.0.1');
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let message = [];
    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        upgraded = /^upgrade:\s*websocket/im.test(buffer.subarray(0, end).toString('latin1'));
        buffer = upgraded ? buffer.subarray(end + 4) : Buffer.alloc(0);
        if (!upgraded) return;
      }
      for (;;) {
        if (buffer.length < 2) return;
        const fin = (buffer[0] & 0x80) !== 0;
        const opcode = buffer[0] & 0x0f;
        const masked = (buffer[1] & 0x80) !== 0;
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        const maskAt = offset;
        if (masked) offset += 4;
        if (buffer.length < offset + length) return;
        const payload = Buffer.from(buffer.subarray(offset, offset + length));
        if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buffer[maskAt + (i & 3)];
        buffer = buffer.subarray(offset + length);
        if (opcode <= 2) message.push(payload);
        if (fin && opcode <= 2) {
          const whole = Buffer.concat(message);
          message = [];
          if (whole.subarray(0, 64).includes('"type":"metrics"')) {
            metrics.push({ atMs: performance.now(), bytes: whole.length });
            relay.lastMetrics = whole.toString('utf8');
          }
        }
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      relay.port = server.address().port;
      resolve(relay);
    });
  });
}

/** Mean, p50 and max of the `metrics` messages seen from `sinceMs` on (performance.now() time). */
export function wireReportSize(relay, sinceMs) {
  const sizes = relay.metrics
    .filter((m) => m.atMs >= sinceMs)
    .map((m) => m.bytes)
    .sort((a, b) => a - b);
  if (sizes.length === 0) return null;
  return {
    reports: sizes.length,
    meanBytes: sizes.reduce((a, b) => a + b, 0) / sizes.length,
    p50Bytes: sizes[Math.floor(sizes.length / 2)],
    maxBytes: sizes[sizes.length - 1],
  };
}
