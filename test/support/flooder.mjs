#!/usr/bin/env node
// A hostile agent for the flood suite, run as its own process: authenticates with a real credential,
// then sends valid `metrics` frames as fast as its socket takes them (small ones, or ~450 KB ones
// with `--big`), reconnects 50 ms after every close without backing off, and stops after
// `--seconds`. Prints one JSON line: frames sent, close codes seen, connections made.
//   node flooder.mjs --hub http://127.0.0.1:PORT --agent ID --secret S --fingerprint F [--big] [--seconds 10]
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    hub: { type: 'string' },
    agent: { type: 'string' },
    secret: { type: 'string' },
    fingerprint: { type: 'string' },
    big: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '10' },
  },
});
const url = `${values.hub.replace(/^http/, 'ws')}/api/v1/agent/ws`;
const endAt = Date.now() + Number(values.seconds) * 1000;
const bootId = `boot_flood_${process.pid}`;
const OS = { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' };
// ~450 KB of valid sample: 200 filesystems with long mount paths.
const filesystems = values.big
  ? Array.from({ length: 200 }, (_, i) => ({
      mount: `/flood/${'f'.repeat(2000)}/${i}`,
      device: '/dev/flood',
      fsType: 'ext4',
      sizeBytes: 100,
      usedBytes: 50,
      freeBytes: 50,
      usedPct: 50,
    }))
  : undefined;
const summary = {
  frames: 0,
  connections: 0,
  welcomes: 0,
  acks: 0,
  closes: {},
  startedAt: Date.now(),
  endedAt: 0,
};
let seq = 0;

function frame() {
  seq += 1;
  const sample = { at: Date.now(), ...(filesystems && { filesystems }) };
  return JSON.stringify({ type: 'metrics', bootId, seq, samples: [sample] });
}

function connect() {
  if (Date.now() >= endAt) return finish();
  summary.connections += 1;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  let flooding = false;
  const pump = () => {
    if (!flooding || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() >= endAt) {
      // The hub may have stopped reading us: a close handshake could wait for a long time.
      ws.terminate();
      return;
    }
    // As fast as the socket drains, with a bounded buffer of our own.
    // bufferedAmount may stay 0 while the kernel takes every write: bound each turn too.
    for (let i = 0; i < 200 && ws.bufferedAmount < 1024 * 1024; i += 1) {
      ws.send(frame());
      summary.frames += 1;
    }
    setImmediate(pump);
  };
  ws.on('open', () =>
    ws.send(
      JSON.stringify({
        type: 'hello',
        protocolVersion: 1,
        bootId,
        credential: { agentId: values.agent, secret: values.secret },
        fingerprint: values.fingerprint,
        agentVersion: '0.1.0-flood',
        hostname: 'flooder',
        os: OS,
      }),
    ),
  );
  ws.on('message', (data) => {
    const type = JSON.parse(String(data)).type;
    if (type === 'ack') summary.acks += 1;
    if (type === 'welcome') {
      summary.welcomes += 1;
      flooding = true;
      pump();
    }
  });
  ws.on('error', () => {});
  ws.on('close', (code) => {
    flooding = false;
    summary.closes[code] = (summary.closes[code] ?? 0) + 1;
    setTimeout(connect, 50);
  });
}

function finish() {
  summary.endedAt = Date.now();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(0);
}

connect();
// Whatever state the last socket is in, stop on time.
setTimeout(finish, endAt - Date.now() + 2000);
