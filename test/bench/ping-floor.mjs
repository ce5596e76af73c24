#!/usr/bin/env node
// What one heartbeat round (a ping out, its pong in) costs on this machine with none of the hub's
// code: a bare server on core 0 and its clients on core 1, over loopback. Server CPU from
// process.cpuUsage over ROUNDS intervals, minus as long without pings. Prints one JSON line.
// Usage: node test/bench/ping-floor.mjs [--mode ws|ws-frame|net] [--sockets 2000] [--interval 10]
//        [--rounds 3] [--slices 1]
//   ws: ws.ping() and a pong listener (perMessageDeflate off); ws-frame: a cached 0x89 0x00 written
//   to ws' socket; net: plain sockets, a 2-byte write and a 6-byte read (a masked empty pong).
//   --slices N pings 1/N of the sockets every interval/N (spread) instead of all at once.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import net from 'node:net';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    sockets: { type: 'string' },
    interval: { type: 'string' },
    rounds: { type: 'string' },
    slices: { type: 'string' },
    client: { type: 'string' },
  },
});
const MODE = values.mode ?? 'ws';
const N = Number(values.sockets ?? 2000);
const INTERVAL_MS = Number(values.interval ?? 10) * 1000;
const ROUNDS = Number(values.rounds ?? 3);
const SLICES = Number(values.slices ?? 1);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pin = (core) =>
  existsSync('/usr/bin/taskset') && cpus().length > 1 ? ['taskset', '-c', String(core)] : [];
const ms = () => {
  const u = process.cpuUsage();
  return { all: (u.user + u.system) / 1000, system: u.system / 1000 };
};

if (values.client !== undefined) {
  // The clients: connect, then answer pings (ws does it itself) or echo a pong-sized frame.
  const port = Number(values.client);
  const PONG = Buffer.from([0x8a, 0x80, 0, 0, 0, 0]);
  let open = 0;
  const ready = () => {
    if (++open === N) process.stdout.write('ready\n');
  };
  for (let i = 0; i < N; i++) {
    if (MODE === 'net') {
      const socket = net.connect(port, '127.0.0.1', ready);
      socket.on('data', () => socket.write(PONG));
    } else {
      new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false }).on('open', ready);
    }
    if (i % 100 === 99) await sleep(20);
  }
} else {
  if (pin(0).length > 0 && process.env.PING_FLOOR_PINNED === undefined) {
    // Re-run this process on core 0.
    const child = spawn(pin(0)[0], [...pin(0).slice(1), process.execPath, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, PING_FLOOR_PINNED: '1' },
    });
    child.on('exit', (code) => process.exit(code ?? 1));
  } else {
    const sockets = [];
    let pongs = 0;
    let server;
    if (MODE === 'net') {
      server = net.createServer((socket) => {
        sockets.push(socket);
        socket.on('data', () => pongs++);
      });
    } else {
      server = createHttpServer();
      new WebSocketServer({ server, perMessageDeflate: false }).on('connection', (ws) => {
        sockets.push(ws);
        ws.on('pong', () => pongs++);
      });
    }
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const [cmd, ...args] = [
      ...pin(1),
      process.execPath,
      process.argv[1],
      '--client',
      String(server.address().port),
      ...process.argv.slice(2),
    ];
    const client = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => client.stdout.on('data', (d) => String(d).includes('ready') && resolve()));
    await sleep(3000);
    const PING = Buffer.from([0x89, 0x00]);
    const ping = (i) => {
      if (MODE === 'net') sockets[i].write(PING);
      else if (MODE === 'ws-frame') sockets[i]._socket.write(PING);
      else sockets[i].ping();
    };
    let before = ms();
    await sleep(INTERVAL_MS * ROUNDS);
    const idle = ms();
    const idleAll = idle.all - before.all;
    const idleSystem = idle.system - before.system;
    let loop = 0;
    before = ms();
    for (let r = 0; r < ROUNDS * SLICES; r++) {
      const start = ms().all;
      for (let i = r % SLICES; i < sockets.length; i += SLICES) ping(i);
      loop += ms().all - start;
      await sleep(INTERVAL_MS / SLICES);
    }
    const after = ms();
    const pinged = ROUNDS * N;
    console.log(
      JSON.stringify({
        mode: MODE,
        sockets: N,
        slices: SLICES,
        pongs,
        usPerRound: +(((after.all - before.all - idleAll) * 1000) / pinged).toFixed(2),
        systemUsPerRound: +(((after.system - before.system - idleSystem) * 1000) / pinged).toFixed(2),
        usPerPingLoop: +((loop * 1000) / pinged).toFixed(2),
      }),
    );
    client.kill();
    process.exit(0);
  }
}
