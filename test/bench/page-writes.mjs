#!/usr/bin/env node
// What the hub's SQLite hot path pays per report in pages (decision 0036): on a migrated database
// with a fleet of hosts that already hold some raw history, replay the hot path's statements in
// group commits of `--batch` reports, every host once per round (one interval), hosts in a shuffled
// order, and count CPU per report (process.cpuUsage, checkpoints included) and WAL frames per
// commit (pragma wal_checkpoint's `log`, read every few commits; autocheckpoint off, the script
// checkpoints itself). Variants (a, b, c and bc name the sample key of the layout before 0036,
// which the migrations no longer build: since 0036 run m, bm, d, bd):
//   a  today: committed seq read, sample insert, host row (health, last seen…), agent_boots row
//   b  the host row's volatile columns kept in memory, written once a round in one transaction
//   c  agent_boots not written per report: the committed seq is max(agent_boots, max(seq) of the
//      boot's samples), agent_boots written once a round
//   bc b and c
//   d  no unique (host, boot, seq, idx) index on samples (idempotency from agent_boots alone)
//   bd b and d
//   m  one unique index (host, at, boot, seq, idx) instead of the key and (host, at): idempotent
//      and serving series reads
//   bm b and m
// Usage: node test/bench/page-writes.mjs [--hosts 10000] [--rounds 4] [--history 30] [--batch 50]
//        [--variants m,bm,d,bd]   (build hub first)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedFleetDatabase } from './fleet-db.mjs';
import { sampleAt } from './storage-layout.mjs';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string' },
    rounds: { type: 'string' },
    history: { type: 'string' },
    batch: { type: 'string' },
    variants: { type: 'string' },
  },
});
const HOSTS = Number(values.hosts ?? 10_000);
const ROUNDS = Number(values.rounds ?? 4);
const HISTORY = Number(values.history ?? 30);
const BATCH = Number(values.batch ?? 50);
const VARIANTS = (values.variants ?? 'm,bm,d,bd').split(',');
const INTERVAL = 10_000;

/** A migrated database with HOSTS hosts, one agent and one boot each, HISTORY reports already stored. */
async function prepare(file, { dropUnique, merged }) {
  const { db, hosts, start } = await seedFleetDatabase(file, {
    hosts: HOSTS,
    history: HISTORY,
    intervalMs: INTERVAL,
  });
  if (dropUnique || merged) {
    // The same table without its primary key (SQLite cannot drop one in place).
    const sqlText = db.prepare("select sql from sqlite_master where name = 'samples'").pluck().get();
    db.exec('drop table samples');
    db.exec(sqlText.replace(/,\s*constraint\s+"?samples_pk"?\s+primary key\s*\([^)]*\)/i, ''));
    if (merged)
      db.exec('create unique index samples_host_at_key on samples (host_id, at, boot_id, seq, idx)');
    else db.exec('create index samples_host_at on samples (host_id, at)');
    db.exec('create index samples_received_at on samples (received_at)');
  }
  return { db, hosts, start };
}

function statements(db, variant) {
  const unique = !variant.includes('d');
  const target = variant.includes('m') ? '' : '(host_id, boot_id, seq, idx)';
  const insertSamples = new Map();
  const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  return {
    committedSeq: variant.includes('c')
      ? db
          .prepare(`select max((select coalesce(max(committed_seq), 0) from agent_boots where agent_id = ? and boot_id = ?),
            (select coalesce(max(seq), 0) from samples where host_id = ? and boot_id = ?))`)
          .pluck()
      : db.prepare('select committed_seq from agent_boots where agent_id = ? and boot_id = ?').pluck(),
    insertSamples(n) {
      let s = insertSamples.get(n);
      if (!s) {
        s = db.prepare(
          `insert into samples (host_id, boot_id, seq, idx, at, received_at, cpu_pct, mem_pct, swap_pct,
           disk_max_pct, load1, payload) values ${Array.from({ length: n }, () => row).join(', ')}
           ${unique ? `on conflict ${target} do nothing` : ''}`,
        );
        insertSamples.set(n, s);
      }
      return s;
    },
    touchHostWithHealth: db.prepare(
      `update hosts set last_seen_at = @receivedAt, refused_samples = refused_samples + @refused,
        clock_offset_ms = coalesce(@offset, clock_offset_ms), clock_offset_at = coalesce(@offsetAt, clock_offset_at),
        cpu_pct = @cpu, mem_pct = @mem, swap_pct = @swap, disk_max_pct = @disk, load1 = @load1,
        last_sample_at = @sampleAt, last_sample_received_at = @receivedAt where id = @hostId`,
    ),
    advanceSeq: db.prepare(
      `insert into agent_boots (agent_id, boot_id, committed_seq, started_at, updated_at)
        values (?, ?, ?, ?, ?) on conflict (agent_id, boot_id)
        do update set committed_seq = excluded.committed_seq, updated_at = excluded.updated_at
        where agent_boots.committed_seq < excluded.committed_seq`,
    ),
  };
}

async function run(variant) {
  const work = mkdtempSync(join(tmpdir(), 'vigie-page-writes-'));
  const { db, hosts, start } = await prepare(join(work, 'hub.db'), {
    dropUnique: variant.includes('d'),
    merged: variant.includes('m'),
  });
  db.pragma('wal_autocheckpoint = 0');
  const s = statements(db, variant);
  const deferHost = variant.includes('b');
  const deferSeq = variant.includes('c');
  const payload = JSON.stringify(sampleAt(start, 7));
  const pendingHosts = new Map();
  const pendingSeqs = new Map();
  const commitBatch = db.transaction((batch, receivedAt) => {
    const rows = [];
    for (const h of batch) {
      const committed = Number(
        deferSeq
          ? s.committedSeq.get(h.agentId, h.bootId, h.hostId, h.bootId)
          : s.committedSeq.get(h.agentId, h.bootId),
      );
      if (h.seq + 1 <= committed) throw new Error('duplicate?');
      h.seq += 1;
      rows.push(h.hostId, h.bootId, h.seq, 0, receivedAt, receivedAt, 10, 20, 0, 30, 0.5, payload);
      const health = {
        hostId: h.hostId,
        receivedAt,
        refused: 0,
        offset: 3,
        offsetAt: receivedAt,
        sampleAt: receivedAt,
        cpu: 10,
        mem: 20,
        swap: 0,
        disk: 30,
        load1: 0.5,
      };
      if (deferHost) pendingHosts.set(h.hostId, health);
      else s.touchHostWithHealth.run(health);
      if (deferSeq) pendingSeqs.set(h, h.seq);
      else s.advanceSeq.run(h.agentId, h.bootId, h.seq, receivedAt, receivedAt);
    }
    for (let first = 0; first < rows.length / 12; first += 64) {
      const n = Math.min(64, rows.length / 12 - first);
      s.insertSamples(n).run(rows.slice(first * 12, (first + n) * 12));
    }
  });
  const flushDeferred = db.transaction((receivedAt) => {
    for (const health of pendingHosts.values()) s.touchHostWithHealth.run(health);
    pendingHosts.clear();
    for (const [h, seq] of pendingSeqs) s.advanceSeq.run(h.agentId, h.bootId, seq, receivedAt, receivedAt);
    pendingSeqs.clear();
  });
  let frames = 0;
  let commits = 0;
  const checkpoint = () => {
    frames += db.pragma('wal_checkpoint(PASSIVE)')[0].log;
  };
  checkpoint();
  frames = 0;
  const cpu0 = process.cpuUsage();
  let reports = 0;
  for (let r = 0; r < ROUNDS; r += 1) {
    const order = [...hosts].sort(() => Math.random() - 0.5);
    const receivedAt = start + r * INTERVAL;
    for (let i = 0; i < order.length; i += BATCH) {
      commitBatch(order.slice(i, i + BATCH), receivedAt);
      commits += 1;
      reports += Math.min(BATCH, order.length - i);
      if (commits % 20 === 0) checkpoint();
    }
    if (deferHost || deferSeq) {
      flushDeferred(receivedAt);
      commits += 1;
    }
  }
  checkpoint();
  const cpu = process.cpuUsage(cpu0);
  db.close();
  rmSync(work, { recursive: true, force: true });
  return {
    variant,
    cpuMsPerReport: +((cpu.user + cpu.system) / 1000 / reports).toFixed(4),
    walFramesPerReport: +(frames / reports).toFixed(2),
    walFramesPerCommit: +(frames / commits).toFixed(1),
  };
}

for (const v of VARIANTS) {
  const result = await run(v);
  console.log(JSON.stringify({ ...result, hosts: HOSTS, batch: BATCH, load1: +loadavg()[0].toFixed(2) }));
}
