import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time. PostgreSQL only (a no-op on SQLite): raw samples become a table partitioned by
// day of arrival (`received_at`, what retention prunes by), so retention drops a whole day as one
// partition instead of deleting its rows (docs/decisions/0015-postgresql-and-several-hubs.md).
// A partitioned table's unique key must hold the partition key: the primary key gains
// `received_at`, and a resent message stays a no-op through the committed-seq check that runs
// in the same transaction. Days are created ahead by db/sample-partitions.ts; a default partition
// takes any row outside them. The engine test is inlined (not db/dialect.ts) so live code never
// changes what this migration does.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create table samples_by_day (like samples including defaults) partition by range (received_at)`.execute(
    db,
  );
  await sql`create table samples_by_day_default partition of samples_by_day default`.execute(db);
  await sql`insert into samples_by_day select * from samples`.execute(db);
  await sql`drop table samples`.execute(db);
  await sql`alter table samples_by_day rename to samples`.execute(db);
  await sql`alter table samples_by_day_default rename to samples_default`.execute(db);
  await sql`alter table samples add constraint samples_pk primary key (host_id, boot_id, seq, idx, received_at)`.execute(
    db,
  );
  await sql`alter table samples add constraint samples_host_fk foreign key (host_id) references hosts (id) on delete cascade`.execute(
    db,
  );
  await db.schema.createIndex('samples_host_at').on('samples').columns(['host_id', 'at']).execute();
  await db.schema.createIndex('samples_received_at').on('samples').column('received_at').execute();
  // The fleet software search compares names ignoring case (SQLite does it by collation).
  await sql`create index inventory_software_lower_name on inventory_software (lower(name))`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop index inventory_software_lower_name`.execute(db);
  await sql`create table samples_flat (like samples including defaults)`.execute(db);
  await sql`insert into samples_flat select * from samples`.execute(db);
  await sql`drop table samples`.execute(db);
  await sql`alter table samples_flat rename to samples`.execute(db);
  await sql`alter table samples add constraint samples_pk primary key (host_id, boot_id, seq, idx)`.execute(
    db,
  );
  await sql`alter table samples add constraint samples_host_fk foreign key (host_id) references hosts (id) on delete cascade`.execute(
    db,
  );
  await db.schema.createIndex('samples_host_at').on('samples').columns(['host_id', 'at']).execute();
  await db.schema.createIndex('samples_received_at').on('samples').column('received_at').execute();
}
