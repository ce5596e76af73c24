// Seeds a hub database with a fleet and the history the retention job would have left after
// `days` days: raw samples for the raw window, 1 min / 10 min / 1 h roll-ups within each tier's
// keep. Written with better-sqlite3 straight into the migrated schema (the hub is not running).
import Database from 'better-sqlite3';
import { sampleAt } from './storage-layout.mjs';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The hub's default retention (hub/src/retention/settings.ts). */
export const DEFAULT_RETENTION = {
  rawMs: 2 * HOUR,
  tiers: [
    { stepMs: MIN, keepMs: 2 * DAY },
    { stepMs: 10 * MIN, keepMs: 60 * DAY },
    { stepMs: HOUR, keepMs: 730 * DAY },
  ],
};

export const seedHostId = (i) => `hst_seed_${String(i).padStart(6, '0')}`;

/**
 * `hosts` rows in the fleet (never heard from — `last_seen_at` null — so the hub does not take
 * thousands of them for silent hosts and open incidents while it is measured); the first `historyHosts` of them get `days` of history reported every
 * `intervalMs`. Returns what was written.
 */
export function seedFleet(
  file,
  { hosts, historyHosts, days, now, intervalMs = 10_000, retention = DEFAULT_RETENTION },
) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insertHost = db.prepare(`insert into hosts (id, hostname, fingerprint, client, site, role, tags,
    os_platform, os_distro, os_release, os_kernel, os_arch, agent_version, first_seen_at, last_seen_at,
    connected, last_sample_at, cpu_pct, mem_pct, swap_pct, disk_max_pct, load1)
    values (?, ?, ?, 'seed', ?, ?, '[]', 'linux', 'Debian GNU/Linux', '12', '6.1.0', 'x64', '0.1.0', ?, null, 0, ?, ?, ?, 0, ?, ?)`);
  const insertRaw = db.prepare(`insert into samples (host_id, boot_id, seq, idx, at, received_at, cpu_pct,
    mem_pct, swap_pct, disk_max_pct, load1, payload) values (?, 'seed', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertRollup =
    db.prepare(`insert into sample_rollups (host_id, step_ms, at, samples, cpu_avg, cpu_max,
    mem_avg, mem_max, swap_avg, swap_max, disk_max_avg, disk_max_max, load1_avg, load1_max)
    values (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)`);
  const setState = db.prepare(
    'insert into retention_state (name, value) values (?, ?) on conflict (name) do update set value = excluded.value',
  );
  const wave = (i, t) => 30 + 25 * Math.sin(t / (6 * HOUR) + i);
  let rawRows = 0;
  let rollupRows = 0;
  db.transaction(() => {
    for (let i = 0; i < hosts; i += 1) {
      const cpu = wave(i, now);
      insertHost.run(
        seedHostId(i),
        `seed-${String(i).padStart(6, '0')}`,
        `seedfingerprint${String(i).padStart(17, '0')}`,
        `site-${String(i % 50).padStart(2, '0')}`,
        i % 10 === 0 ? 'server' : 'workstation',
        now - days * DAY,
        now,
        cpu,
        50,
        60,
        cpu / 50,
      );
    }
  })();
  for (let i = 0; i < historyHosts; i += 1) {
    const host = seedHostId(i);
    db.transaction(() => {
      const rawFrom = now - retention.rawMs;
      let seq = 0;
      for (let at = rawFrom; at < now; at += intervalMs) {
        const sample = sampleAt(at, seq);
        const cpu = wave(i, at);
        seq += 1;
        insertRaw.run(host, seq, at, at + 20, cpu, 50, 0, 60, cpu / 50, JSON.stringify(sample));
        rawRows += 1;
      }
      for (const tier of retention.tiers) {
        const from = Math.ceil((now - Math.min(days * DAY, tier.keepMs)) / tier.stepMs) * tier.stepMs;
        const perBucket = Math.max(1, Math.round(tier.stepMs / intervalMs));
        for (let at = from; at < now; at += tier.stepMs) {
          const cpu = wave(i, at);
          insertRollup.run(
            host,
            tier.stepMs,
            at,
            perBucket,
            cpu,
            cpu + 10,
            50,
            55,
            60,
            60,
            cpu / 50,
            cpu / 40,
          );
          rollupRows += 1;
        }
      }
    })();
  }
  for (const tier of retention.tiers) setState.run(`tier:${tier.stepMs}`, tier.keepMs);
  // What is seeded counts as rolled up: the hub's job starts from now.
  setState.run('rolled_up_received_until', now);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { hosts, historyHosts, days, rawRows, rollupRows };
}

/** Bytes on disk per table and index (SQLite's dbstat), and the file's size. */
export function storageBreakdown(file) {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all();
  const pageCount = db.pragma('page_count', { simple: true });
  const pageSize = db.pragma('page_size', { simple: true });
  db.close();
  return { byName: Object.fromEntries(rows.map((r) => [r.name, r.bytes])), fileBytes: pageCount * pageSize };
}
