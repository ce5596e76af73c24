import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types only.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // What a licence record lacked: who sells it, how seats are counted, the key (never shown
  // whole outside the audited reveal), what it cost, when it was bought, its own expiry stages.
  for (const [column, type] of [
    ['vendor', 'text'],
    ['licence_key', 'text'],
    ['cost', 'double precision'],
    ['currency', 'text'],
    ['purchased_at', 'bigint'],
    // JSON array of days, e.g. [60,14,0]; null: the hub's defaults.
    ['expiry_stages', 'text'],
  ] as const)
    await db.schema.alterTable('licences').addColumn(column, type).execute();
  await db.schema
    .alterTable('licences')
    .addColumn('model', 'text', (c) => c.notNull().defaultTo('per_device'))
    .execute();

  for (const column of ['vendor', 'expiry_stages', 'source'] as const)
    await db.schema.alterTable('host_warranties').addColumn(column, 'text').execute();

  // Who did what to a licence, above all who saw its key; kept after the licence is deleted.
  await db.schema
    .createTable('licence_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('licence_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('licence_audit_licence')
    .on('licence_audit')
    .columns(['licence_id', 'at'])
    .execute();

  // The few hardware facts the fleet is searched by (RAM below N GB, a serial from a warranty
  // file), one row per host, kept from its current snapshot.
  await db.schema
    .createTable('inventory_hardware')
    .addColumn('host_id', 'text', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('serial', 'text')
    .addColumn('manufacturer', 'text')
    .addColumn('model', 'text')
    .addColumn('memory_bytes', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('inventory_hardware_serial')
    .on('inventory_hardware')
    .column('serial')
    .execute();
  await db.schema
    .createIndex('inventory_hardware_memory')
    .on('inventory_hardware')
    .column('memory_bytes')
    .execute();
  await backfillHardware(db);
}

// Hosts whose snapshot is already stored get their row now rather than at their next change.
// biome-ignore lint/suspicious/noExplicitAny: see up()
async function backfillHardware(db: Kysely<any>): Promise<void> {
  const rows: { host_id: string; payload: string; received_at: number }[] = await db
    .selectFrom('inventories')
    .select(['host_id', 'payload', 'received_at'])
    .execute();
  for (const row of rows) {
    let snapshot: Record<string, unknown>;
    try {
      snapshot = JSON.parse(row.payload) as Record<string, unknown>;
    } catch {
      continue;
    }
    const hardware = (snapshot.hardware ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
    const modules = Array.isArray(snapshot.memoryModules) ? snapshot.memoryModules : [];
    const installed = modules.reduce(
      (sum: number, m: { size?: unknown }) => sum + (typeof m?.size === 'number' ? m.size : 0),
      0,
    );
    await db
      .insertInto('inventory_hardware')
      .values({
        host_id: row.host_id,
        serial: text(hardware.serial),
        manufacturer: text(hardware.manufacturer),
        model: text(hardware.model),
        memory_bytes: Math.round(installed) > 0 ? Math.round(installed) : null,
        updated_at: Number(row.received_at),
      })
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inventory_hardware').execute();
  await db.schema.dropTable('licence_audit').execute();
  for (const column of ['vendor', 'expiry_stages', 'source'])
    await db.schema.alterTable('host_warranties').dropColumn(column).execute();
  for (const column of [
    'vendor',
    'licence_key',
    'cost',
    'currency',
    'purchased_at',
    'expiry_stages',
    'model',
  ])
    await db.schema.alterTable('licences').dropColumn(column).execute();
}
