#!/usr/bin/env node
// The baseline the hub's ingest is compared with: better-sqlite3 alone inserting the hub's own rows
// — into a database the hub migrated (the real `samples` table, its keys, indexes and foreign key),
// with the hub's pragmas (WAL, synchronous=NORMAL, foreign_keys=ON: hub/src/db/connect.ts), all 12
// columns filled and a payload that is a real sample's JSON from the simulator's generator — one
// prepared insert per row, 100 rows per transaction. Timed in CPU (process.cpuUsage: this thread's
// work, SQLite's included, whatever else the machine runs) and in wall-clock beside it.
//
// `node test/bench/raw-sqlite.mjs --db FILE [--seconds S] [--hosts N]` prints the result as JSON;
// the bench runs it behind `taskset -c 0`, on the hub's core, in the ceiling phase.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { seedFleet, seedHostId } from './seed.mjs';

const SIM_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'sim', 'dist');
const ROWS_PER_TRANSACTION = 100;

/** Payloads as the hub stores them: the full sample, JSON, from the simulator's varied fleet. */
async function samplePayloads(count, now) {
  const { planFleet } = await import(pathToFileURL(join(SIM_DIST, 'fleet-plan.js')).href);
  const { createRandom, forkRandom } = await import(pathToFileURL(join(SIM_DIST, 'random.js')).href);
  const { createSampleGenerator } = await import(pathToFileURL(join(SIM_DIST, 'sample-generator.js')).href);
  const random = createRandom(1);
  return planFleet('raw', count, 5).map((host) => {
    const sample = createSampleGenerator(host, forkRandom(random), now - 86_400_000).next(now);
    return {
      payload: JSON.stringify(sample),
      cpu: sample.cpu.usagePct,
      mem: sample.memory.usedPct,
      swap: sample.memory.swapUsedPct,
      disk: Math.max(...sample.filesystems.map((fs) => fs.usedPct)),
      load1: sample.cpu.load?.[0] ?? null,
    };
  });
}

/**
 * `file` must be a database the hub migrated (`vigie-hub user create … --db file` does it); `hosts`
 * host rows are added to it, the rows' foreign key points at them.
 */
export async function rawInsertBaseline(file, { seconds, hosts = 1000 }) {
  const now = Date.now();
  seedFleet(file, { hosts, historyHosts: 0, days: 1, now });
  const payloads = await samplePayloads(200, now);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const insert = db.prepare(`insert into samples (host_id, boot_id, seq, idx, at, received_at, cpu_pct,
    mem_pct, swap_pct, disk_max_pct, load1, payload) values (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const hostIds = Array.from({ length: hosts }, (_, i) => seedHostId(i));
  const bootId = `raw-${randomUUID()}`;
  const batch = db.transaction((start) => {
    for (let i = 0; i < ROWS_PER_TRANSACTION; i += 1) {
      const n = start + i;
      const p = payloads[n % payloads.length];
      insert.run(
        hostIds[n % hosts],
        bootId,
        n,
        now + n,
        now + n,
        p.cpu,
        p.mem,
        p.swap,
        p.disk,
        p.load1,
        p.payload,
      );
    }
  });
  let rows = 0;
  const cpu0 = process.cpuUsage();
  const began = performance.now();
  while (performance.now() - began < seconds * 1000) {
    batch(rows);
    rows += ROWS_PER_TRANSACTION;
  }
  const wallSec = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  db.close();
  const payloadBytes = payloads.reduce((sum, p) => sum + p.payload.length, 0) / payloads.length;
  return {
    rows,
    seconds: wallSec,
    cpuSeconds: cpuSec,
    // Rows per CPU second: what one core does with nothing else on it.
    rowsPerCpuSec: rows / cpuSec,
    rowsPerSec: rows / wallSec,
    cpuMsPerRow: (cpuSec * 1000) / rows,
    payloadBytes,
    rowsPerTransaction: ROWS_PER_TRANSACTION,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, seconds: { type: 'string' }, hosts: { type: 'string' } },
  });
  if (!values.db) {
    process.stderr.write('usage: raw-sqlite.mjs --db FILE (migrated by the hub) [--seconds S] [--hosts N]\n');
    process.exit(2);
  }
  const result = await rawInsertBaseline(values.db, {
    seconds: Number(values.seconds ?? 5),
    hosts: Number(values.hosts ?? 1000),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The baseline in a child on the hub's core (`ctx.pin(0)`), on a database the hub migrated. */
export function measureRawBaseline(ctx, { seconds, name = 'raw' }) {
  const db = join(ctx.work, `${name}.db`);
  ctx.createAdmin(db);
  const [cmd, ...args] = [
    ...ctx.pin(0),
    process.execPath,
    fileURLToPath(import.meta.url),
    '--db',
    db,
    '--seconds',
    String(seconds),
  ];
  const out = spawnSync(cmd, args, { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`raw-sqlite.mjs failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}
