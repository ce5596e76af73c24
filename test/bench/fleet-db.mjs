// A migrated hub database (SQLite) holding a fleet: hosts with one agent and one boot each and
// `history` reports already stored, every host once per interval in arrival order. Written with
// better-sqlite3 straight into the migrated schema; for the hot-path prototypes (page-writes.mjs)
// and the socket floor (socket-floor.mjs). Build the hub first.
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { seedHostId } from './seed.mjs';
import { sampleAt } from './storage-layout.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Returns the open database, the hosts ({ hostId, agentId, bootId, seq }) and the next report's time. */
export async function seedFleetDatabase(file, { hosts: count, history, intervalMs }) {
  const { openSqlite, migrateToLatest } = await import(join(root, 'hub', 'dist', 'db', 'connect.js'));
  const kysely = openSqlite(file);
  const migrated = await migrateToLatest(kysely);
  if (migrated.error) throw migrated.error;
  await kysely.destroy();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const now = Date.now();
  const agentColumns = db
    .prepare('select name, "notnull" as nn, dflt_value from pragma_table_info(\'agents\')')
    .all();
  const extra = agentColumns.filter(
    (c) =>
      c.nn &&
      c.dflt_value === null &&
      !['id', 'host_id', 'secret_hash', 'fingerprint', 'enrolled_at'].includes(c.name),
  );
  if (extra.length > 0) throw new Error(`agents has more required columns: ${extra.map((c) => c.name)}`);
  const insertHost = db.prepare(`insert into hosts (id, hostname, fingerprint, client, site, role, tags,
    os_platform, os_distro, os_release, os_kernel, os_arch, agent_version, first_seen_at, last_seen_at,
    connected) values (?, ?, ?, 'seed', 'paris', 'server', '[]', 'linux', 'Debian', '12', '6.1', 'x64', '0.1.0', ?, ?, 1)`);
  const insertAgent = db.prepare(
    'insert into agents (id, host_id, secret_hash, fingerprint, enrolled_at) values (?, ?, ?, ?, ?)',
  );
  const insertBoot = db.prepare(
    'insert into agent_boots (agent_id, boot_id, committed_seq, started_at, updated_at) values (?, ?, ?, ?, ?)',
  );
  const insertSample = db.prepare(`insert into samples (host_id, boot_id, seq, idx, at, received_at, cpu_pct,
    mem_pct, swap_pct, disk_max_pct, load1, payload) values (?, ?, ?, 0, ?, ?, 1, 2, 3, 4, 5, ?)`);
  const hosts = [];
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const hostId = seedHostId(i);
      const agentId = `agt_${randomUUID()}`;
      const bootId = randomUUID();
      insertHost.run(hostId, `h${i}`, `fp${i}`, now, now);
      insertAgent.run(agentId, hostId, 'x', `fp${i}`, now);
      insertBoot.run(agentId, bootId, history, now, now);
      hosts.push({ hostId, agentId, bootId, seq: history });
    }
  })();
  // History in arrival order: every host once per interval.
  const payload = JSON.stringify(sampleAt(now, 1));
  for (let r = 1; r <= history; r += 1) {
    db.transaction(() => {
      for (const h of hosts)
        insertSample.run(h.hostId, h.bootId, r, now + r * intervalMs, now + r * intervalMs, payload);
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { db, hosts, start: now + (history + 1) * intervalMs };
}
