import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time. SQLite only (a no-op on PostgreSQL): raw samples keep ONE index led by the host
// instead of two (docs/decisions/0036-one-sample-index-per-host.md). The primary key (host_id,
// boot_id, seq, idx) and the series index (host_id, at) each put every report's row on a leaf of
// its own host, so at 10 000 hosts each report dirtied two index pages of its own. One unique
// index (host_id, at, boot_id, seq, idx) serves both: series reads seek its (host_id, at) prefix,
// and a resent sample (same host, boot, seq, idx and the same `at`, the agent resends the message
// as it was) is still a conflict, so `insert … on conflict do nothing` stays a no-op. SQLite cannot
// drop a primary key in place: the table is rebuilt (raw samples are kept 2 h, so the copy is
// bounded). PostgreSQL keeps its key, which also holds the partition column and guards hubs that
// race on one message (docs/several-hubs.md). The engine test is inlined (not db/dialect.ts).

const COLUMNS = `"host_id" text not null references "hosts" ("id") on delete cascade, "boot_id" text not null,
  "seq" bigint not null, "idx" integer not null, "at" bigint not null, "received_at" bigint not null,
  "cpu_pct" double precision, "mem_pct" double precision, "swap_pct" double precision,
  "disk_max_pct" double precision, "load1" double precision, "payload" text not null`;

const ALL =
  'host_id, boot_id, seq, idx, at, received_at, cpu_pct, mem_pct, swap_pct, disk_max_pct, load1, payload';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
async function rebuild(db: Kysely<any>, key: string, indexes: readonly string[]): Promise<void> {
  await sql.raw(`create table samples_rebuilt (${COLUMNS}${key})`).execute(db);
  await sql.raw(`insert into samples_rebuilt (${ALL}) select ${ALL} from samples`).execute(db);
  await sql`drop table samples`.execute(db);
  await sql`alter table samples_rebuilt rename to samples`.execute(db);
  for (const index of indexes) await sql.raw(index).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await rebuild(db, '', [
    'create unique index samples_host_at_key on samples (host_id, at, boot_id, seq, idx)',
    'create index samples_received_at on samples (received_at)',
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await rebuild(db, ', constraint "samples_pk" primary key ("host_id", "boot_id", "seq", "idx")', [
    'create index samples_host_at on samples (host_id, at)',
    'create index samples_received_at on samples (received_at)',
  ]);
}
