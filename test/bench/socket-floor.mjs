#!/usr/bin/env node
// The floor under the hub's CPU per report at fleet rates: what Node and `ws` alone cost per
// report when every report arrives on its own socket (10 000 agents every 10 s: one frame in, one
// ack out per socket per interval), and the same with the hub's SQLite statements for each report
// in 50 ms group commits on a migrated database of as many hosts (the hub's layout: one unique
// sample index per host, decision 0036). No validation, no sessions, no delta rebuild, no
// incidents: the difference between this and `hub-cpu.mjs` at the same fleet is the hub's own code.
//
// The server runs pinned to core 0, the clients on core 1; server CPU from /proc over the window.
// Usage: node test/bench/socket-floor.mjs [--agents 10000] [--interval 10] [--seconds 20]
//        [--frame-bytes 600] [--mode echo|store] (build hub first for `store`)
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSecondsOf, sleep } from './proc.mjs';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..', '..');
// Imported by the bench's ingest phase, it parses nothing; run (or forked) it reads its flags.
const { values } =
  process.argv[1] !== self
    ? { values: {} }
    : parseArgs({
        options: {
          role: { type: 'string' },
          agents: { type: 'string' },
          interval: { type: 'string' },
          seconds: { type: 'string' },
          'frame-bytes': { type: 'string' },
          mode: { type: 'string' },
          url: { type: 'string' },
          db: { type: 'string' },
        },
      });
const AGENTS = Number(values.agents ?? 10_000);
const INTERVAL_MS = Number(values.interval ?? 10) * 1000;
const SECONDS = Number(values.seconds ?? 20);
const FRAME_BYTES = Number(values['frame-bytes'] ?? 600);
const MODE = values.mode ?? 'echo';
const COMMIT_WINDOW_MS = 50;

/** Pin this process to one core (the parent measures it by pid, so it pins itself). */
function pinTo(core) {
  spawnSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** A report shaped like an agent's change frame: nested figures padded to about `bytes`. */
function frameOf(bootId, seq, at, bytes) {
  const message = {
    type: 'metrics',
    bootId,
    seq,
    samples: [
      {
        at,
        cpu: { usagePct: 12.5, iowaitPct: 0.3, load: [0.41, 0.37, 0.3] },
        memory: { usedBytes: 6_012_345_678, availableBytes: 10_987_654_321, usedPct: 35.1 },
        filesystems: [{ i: 0, usedBytes: 60_000_123_456, freeBytes: 39_999_876_544, usedPct: 60.1 }],
        diskIo: [{ i: 0, readBytesPerSec: 12_000, writeBytesPerSec: 340_000 }],
        network: [{ i: 0, rxBytesPerSec: 5_400, txBytesPerSec: 2_100 }],
        topCpu: [{ pid: 1234, name: 'node', cpuPct: 2.5 }],
        pad: '',
      },
    ],
  };
  const base = JSON.stringify(message).length;
  message.samples[0].pad = 'x'.repeat(Math.max(0, bytes - base));
  return JSON.stringify(message);
}

async function server() {
  pinTo(0);
  const { WebSocketServer } = await import('ws');
  const store = MODE === 'store' ? await openStore(values.db) : undefined;
  let reports = 0;
  let stored = 0;
  let pending = [];
  let scheduled = false;
  const commit = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    stored += store.commit(batch);
    for (const p of batch) p.socket.send(`{"type":"ack","bootId":"${p.bootId}","seq":${p.seq}}`);
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: false,
    maxPayload: 1 << 20,
  });
  wss.on('connection', (socket, request) => {
    const host = Number(new URL(request.url, 'http://x').searchParams.get('host'));
    socket.on('message', (data) => {
      const message = JSON.parse(data);
      reports += 1;
      if (!store) {
        socket.send(`{"type":"ack","bootId":"${message.bootId}","seq":${message.seq}}`);
        return;
      }
      pending.push({ socket, host, bootId: message.bootId, seq: message.seq, at: message.samples[0].at });
      if (!scheduled) {
        scheduled = true;
        setTimeout(commit, COMMIT_WINDOW_MS);
      }
    });
  });
  wss.on('listening', () => process.send({ port: wss.address().port }));
  process.on('message', (m) => {
    if (m === 'count') process.send({ reports, stored });
  });
}

/** The hub's SQLite hot path on its own connection: its prepared statements, one group commit a batch. */
async function openStore(file) {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const ids = db
    .prepare(
      'select a.id as agentId, b.boot_id as bootId, a.host_id as hostId from agents a join agent_boots b on b.agent_id = a.id order by a.host_id',
    )
    .all();
  // The hub's own prepared statements (built), so the floor runs exactly its SQL, guards included.
  const { prepareStatements, insertSampleRows } = await import(
    join(root, 'hub', 'dist', 'ingest', 'sqlite-metrics-statements.js')
  );
  const statements = prepareStatements(db);
  // The stored payload is the whole sample the hub rebuilds (~1.4 KB), not the change frame.
  const payload = 'p'.repeat(1400);
  const commit = db.transaction((batch) => {
    const receivedAt = Date.now();
    const rows = [];
    for (const p of batch) {
      const id = ids[p.host];
      if (p.seq <= Number(statements.committedSeq.get(id.agentId, id.bootId) ?? 0)) continue;
      rows.push(id.hostId, id.bootId, p.seq, 0, p.at, receivedAt, 12.5, 35.1, 0, 60.1, 0.41, payload);
      statements.touchHostWithHealth.run({
        hostId: id.hostId,
        receivedAt,
        refused: 0,
        offset: null,
        offsetAt: null,
        sampleAt: p.at,
        cpu_pct: 12.5,
        mem_pct: 35.1,
        swap_pct: 0,
        disk_max_pct: 60.1,
        load1: 0.41,
      });
      statements.advanceSeq.run(id.agentId, id.bootId, p.seq, receivedAt, receivedAt);
    }
    insertSampleRows(statements, rows);
    return rows.length / 12;
  });
  return { commit };
}

async function clients() {
  pinTo(1);
  const { WebSocket } = await import('ws');
  const Database = values.db ? (await import('better-sqlite3')).default : undefined;
  const boots = Database
    ? new Database(values.db, { readonly: true })
        .prepare('select b.boot_id from agents a join agent_boots b on b.agent_id = a.id order by a.host_id')
        .pluck()
        .all()
    : Array.from({ length: AGENTS }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const sockets = [];
  const seqs = new Array(AGENTS).fill(1000);
  for (let i = 0; i < AGENTS; i += 1) {
    const socket = new WebSocket(`${values.url}/?host=${i}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('message', () => {});
    sockets.push(socket);
  }
  process.send({ connected: sockets.length });
  // Phases spread evenly over the interval, as a fleet that started at different times.
  const start = Date.now();
  let next = 0;
  setInterval(() => {
    const due = Math.floor(((Date.now() - start) / INTERVAL_MS) * AGENTS);
    for (; next < due; next += 1) {
      const i = next % AGENTS;
      seqs[i] += 1;
      sockets[i].send(frameOf(boots[i], seqs[i], Date.now(), FRAME_BYTES));
    }
  }, 5);
}

/**
 * The floor at a fleet of `agents` every `intervalSec`: server CPU per report over `seconds`.
 * `mode`: 'echo' (read, JSON.parse, ack) or 'store' (and the hub's statements in group commits).
 */
export async function measureSocketFloor({ agents, intervalSec, seconds, frameBytes = 600, mode = 'echo' }) {
  const work = mkdtempSync(join(tmpdir(), 'vigie-socket-floor-'));
  const db = join(work, 'hub.db');
  const common = ['--agents', String(agents), '--interval', String(intervalSec), '--mode', mode];
  common.push('--frame-bytes', String(frameBytes));
  if (mode === 'store') {
    const { seedFleetDatabase } = await import('./fleet-db.mjs');
    const seeded = await seedFleetDatabase(db, {
      hosts: agents,
      history: 30,
      intervalMs: intervalSec * 1000,
    });
    seeded.db.close();
    common.push('--db', db);
  }
  const srv = fork(self, ['--role', 'server', ...common]);
  let cli;
  try {
    const port = await new Promise((resolve) => srv.once('message', (m) => resolve(m.port)));
    cli = fork(self, ['--role', 'clients', ...common, '--url', `ws://127.0.0.1:${port}`]);
    await new Promise((resolve) => cli.once('message', resolve));
    // One interval, so every socket has sent and the server's code is warm.
    await sleep(Math.min(intervalSec * 1000, 15_000) + 2000);
    const count = () =>
      new Promise((resolve) => {
        srv.once('message', resolve);
        srv.send('count');
      });
    const before = await count();
    const cpu0 = cpuSecondsOf(srv.pid);
    await sleep(seconds * 1000);
    const cpuMs = (cpuSecondsOf(srv.pid) - cpu0) * 1000;
    const after = await count();
    const reports = after.reports - before.reports;
    // In `store` mode every report is new (seq above the seeded history): all of them stored.
    if (mode === 'store' && after.stored - before.stored < reports * 0.95)
      throw new Error(`stored ${after.stored - before.stored} of ${reports} reports`);
    return {
      mode,
      agents,
      intervalSec,
      frameBytes,
      reportsPerSec: +(reports / seconds).toFixed(1),
      cpuMsPerSec: +(cpuMs / seconds).toFixed(1),
      msPerReport: reports > 0 ? +(cpuMs / reports).toFixed(4) : null,
      load: loadavg().map((l) => +l.toFixed(2)),
    };
  } finally {
    cli?.kill('SIGKILL');
    srv.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

if (values.role === 'server') await server();
else if (values.role === 'clients') await clients();
else if (process.argv[1] === self)
  console.log(
    JSON.stringify(
      await measureSocketFloor({
        agents: AGENTS,
        intervalSec: INTERVAL_MS / 1000,
        seconds: SECONDS,
        frameBytes: FRAME_BYTES,
        mode: MODE,
      }),
    ),
  );
