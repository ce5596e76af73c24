#!/usr/bin/env node
// Storage layout micro-bench (docs/decisions/0018): what one metrics report costs to insert and
// to keep, for the layouts the hub could use. Raw better-sqlite3, WAL, synchronous=NORMAL (the
// hub's settings), 100 reports per transaction, a 1 000-host fleet, ~35 figures per report.
//
//   node test/bench/storage-layout.mjs [--seconds 3] [--json FILE]
//
// Layouts:
//   per-figure   one row per figure (host, seq, metric, value): the textbook time-series table
//   per-sample   one row per collection cycle: headline columns + the sample as JSON (the hub's)
//   per-sample+received   the same with an index on received_at (what a roll-up job by arrival needs)
//   per-report   one row per message: a backlog batch of 10 samples stored as one row
//   per-sample, batch of 10   the same backlog batch as 10 rows (what per-sample does with it)
// and the hub's layout inserted through Kysely's builder instead of a prepared statement.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';

const HOSTS = 1000;
const BATCH = 100;

/** A sample shaped like an agent's (8 cores, 3 filesystems, 2 interfaces, 2 disks). */
export function sampleAt(at, n) {
  const v = (k) => Math.round(((n * 7 + k * 13) % 1000) / 10);
  return {
    at,
    cpu: {
      usagePct: v(1),
      perCorePct: Array.from({ length: 8 }, (_, i) => v(i + 2)),
      iowaitPct: v(11),
      load: [v(12) / 10, v(13) / 10, v(14) / 10],
    },
    memory: {
      totalBytes: 17_179_869_184,
      usedBytes: 6_000_000_000 + n,
      availableBytes: 11_000_000_000 - n,
      usedPct: v(15),
      swapTotalBytes: 2_147_483_648,
      swapUsedBytes: 0,
      swapUsedPct: 0,
    },
    filesystems: ['/', '/var', '/home'].map((mount, i) => ({
      mount,
      device: `/dev/sda${i + 1}`,
      fsType: 'ext4',
      sizeBytes: 100_000_000_000,
      usedBytes: 60_000_000_000 + n,
      freeBytes: 40_000_000_000 - n,
      usedPct: v(16 + i),
    })),
    diskIo: ['sda', 'sdb'].map((device, i) => ({
      device,
      readBytesPerSec: v(20 + i) * 1000,
      writeBytesPerSec: v(22 + i) * 1000,
      readOpsPerSec: v(24 + i),
      writeOpsPerSec: v(26 + i),
    })),
    network: ['eth0', 'lo'].map((iface, i) => ({
      iface,
      rxBytesPerSec: v(28 + i) * 100,
      txBytesPerSec: v(30 + i) * 100,
      rxErrors: 0,
      txErrors: 0,
      rxDropped: 0,
      txDropped: 0,
    })),
  };
}

/** Every numeric leaf of a sample as [name, value]: what a per-figure table stores. */
function figures(sample, prefix = '') {
  const out = [];
  for (const [key, value] of Object.entries(sample)) {
    if (key === 'at') continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'number') out.push([name, value]);
    else if (Array.isArray(value))
      value.forEach((item, i) => {
        if (typeof item === 'number') out.push([`${name}.${i}`, item]);
        else
          out.push(
            ...figures(item, `${name}.${item.mount ?? item.device ?? item.iface ?? i}`).filter(
              ([, x]) => typeof x === 'number',
            ),
          );
      });
    else if (value && typeof value === 'object') out.push(...figures(value, name));
  }
  return out;
}

const headline = (s) => [
  s.cpu.usagePct,
  s.memory.usedPct,
  s.memory.swapUsedPct,
  Math.max(...s.filesystems.map((f) => f.usedPct)),
  s.cpu.load[0],
];

const SAMPLE_DDL = `create table samples (host_id text not null, boot_id text not null, seq integer not null,
  idx integer not null, at integer not null, received_at integer not null, cpu_pct real, mem_pct real,
  swap_pct real, disk_max_pct real, load1 real, payload text not null,
  primary key (host_id, boot_id, seq, idx));
  create index samples_host_at on samples (host_id, at);`;

const LAYOUTS = {
  'per-figure': {
    samplesPerReport: 1,
    ddl: `create table figures (host_id text not null, boot_id text not null, seq integer not null,
      at integer not null, metric text not null, value real,
      primary key (host_id, boot_id, seq, metric));
      create index figures_host_metric_at on figures (host_id, metric, at);`,
    prepare: (db) => {
      const insert = db.prepare('insert into figures values (?, ?, ?, ?, ?, ?) on conflict do nothing');
      return (host, seq, samples) => {
        for (const s of samples)
          for (const [metric, value] of figures(s)) insert.run(host, BOOT, seq, s.at, metric, value);
      };
    },
  },
  'per-sample': {
    samplesPerReport: 1,
    ddl: SAMPLE_DDL,
    prepare: perSample,
  },
  'per-sample+received': {
    samplesPerReport: 1,
    ddl: `${SAMPLE_DDL} create index samples_received on samples (received_at);`,
    prepare: perSample,
  },
  'per-sample, batch of 10': {
    samplesPerReport: 10,
    ddl: SAMPLE_DDL,
    prepare: perSample,
  },
  'per-report, batch of 10': {
    samplesPerReport: 10,
    ddl: `create table reports (host_id text not null, boot_id text not null, seq integer not null,
      at integer not null, received_at integer not null, cpu_pct real, mem_pct real, swap_pct real,
      disk_max_pct real, load1 real, payload text not null, primary key (host_id, boot_id, seq));
      create index reports_host_at on reports (host_id, at);`,
    prepare: (db) => {
      const insert = db.prepare(
        'insert into reports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing',
      );
      return (host, seq, samples) => {
        const newest = samples[samples.length - 1];
        insert.run(host, BOOT, seq, newest.at, newest.at, ...headline(newest), JSON.stringify(samples));
      };
    },
  },
};

const BOOT = 'b7Hq3kLw9sXv2mPz8rTy4nQc';

function perSample(db) {
  const insert = db.prepare(
    'insert into samples values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing',
  );
  return (host, seq, samples) => {
    samples.forEach((s, idx) => {
      insert.run(host, BOOT, seq, idx, s.at, s.at, ...headline(s), JSON.stringify(s));
    });
  };
}

const hostId = (n) => `hst_${String(n % HOSTS).padStart(20, '0')}`;

function measure(dir, name, layout, seconds) {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(layout.ddl);
  const insertReport = layout.prepare(db);
  // Samples are built outside the timed loop: the bench measures storage, not JSON building.
  const pool = Array.from({ length: 50 }, (_, i) =>
    Array.from({ length: layout.samplesPerReport }, (_, k) =>
      sampleAt(1_700_000_000_000 + i * 10_000 + k, i),
    ),
  );
  const tx = db.transaction((start) => {
    for (let i = 0; i < BATCH; i += 1) {
      const n = start + i;
      insertReport(hostId(n), Math.floor(n / HOSTS) + 1, pool[n % pool.length]);
    }
  });
  let reports = 0;
  const began = performance.now();
  while (performance.now() - began < seconds * 1000) {
    tx(reports);
    reports += BATCH;
  }
  const elapsed = (performance.now() - began) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = statSync(file).size;
  return {
    layout: name,
    reportsPerSec: reports / elapsed,
    samplesPerSec: (reports * layout.samplesPerReport) / elapsed,
    bytesPerSample: bytes / (reports * layout.samplesPerReport),
  };
}

/** The hub's layout, each report inserted through Kysely's builder (compiled per query). */
async function measureKysely(dir, seconds) {
  const sqlite = new Database(join(dir, 'kysely.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec(SAMPLE_DDL);
  const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  const pool = Array.from({ length: 50 }, (_, i) => sampleAt(1_700_000_000_000 + i * 10_000, i));
  let reports = 0;
  const began = performance.now();
  while (performance.now() - began < seconds * 1000) {
    const start = reports;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < BATCH; i += 1) {
        const n = start + i;
        const s = pool[n % pool.length];
        const [cpu, mem, swap, disk, load1] = headline(s);
        await trx
          .insertInto('samples')
          .values({
            host_id: hostId(n),
            boot_id: BOOT,
            seq: Math.floor(n / HOSTS) + 1,
            idx: 0,
            at: s.at,
            received_at: s.at,
            cpu_pct: cpu,
            mem_pct: mem,
            swap_pct: swap,
            disk_max_pct: disk,
            load1,
            payload: JSON.stringify(s),
          })
          .onConflict((oc) => oc.columns(['host_id', 'boot_id', 'seq', 'idx']).doNothing())
          .execute();
      }
    });
    reports += BATCH;
  }
  const elapsed = (performance.now() - began) / 1000;
  await db.destroy();
  return {
    layout: 'per-sample via Kysely builder',
    reportsPerSec: reports / elapsed,
    samplesPerSec: reports / elapsed,
  };
}

/** Run every layout; returns one row per layout. */
export async function storageLayoutBench({ seconds = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-layout-'));
  try {
    const rows = Object.entries(LAYOUTS).map(([name, layout]) => measure(dir, name, layout, seconds));
    rows.push(await measureKysely(dir, seconds));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, json: { type: 'string' } } });
  const rows = await storageLayoutBench({ seconds: Number(values.seconds ?? 3) });
  process.stdout.write('| layout | reports/s | samples/s | bytes per sample |\n|---|---|---|---|\n');
  for (const r of rows)
    process.stdout.write(
      `| ${r.layout} | ${Math.round(r.reportsPerSec)} | ${Math.round(r.samplesPerSec)} | ${r.bytesPerSample === undefined ? '–' : Math.round(r.bytesPerSample)} |\n`,
    );
  if (values.json) (await import('node:fs')).writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);
}
