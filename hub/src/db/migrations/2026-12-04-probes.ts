import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // Devices (firewall, switch, NAS, printer, internet link) are hosts without an agent, probed by
  // the agents of their site; `behind` names the device in front of a host (its faults are
  // inhibited while that device is down).
  await db.schema
    .alterTable('hosts')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('agent'))
    .execute();
  await db.schema.alterTable('hosts').addColumn('behind', 'text').execute();

  // Each site's allowlist: the only networks and hosts its agents may probe.
  await db.schema
    .createTable('probe_sites')
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('allow', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('probe_sites_pk', ['client', 'site'])
    .execute();

  // One probe of one device, with the state last signalled to the incident engine.
  await db.schema
    .createTable('probes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('device_host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('down_state', 'text', (c) => c.notNull())
    .addColumn('latency_state', 'text', (c) => c.notNull())
    .addColumn('signalled_at', 'bigint')
    .addColumn('cert_not_after', 'bigint')
    .addColumn('cert_seen_at', 'bigint')
    .execute();
  await db.schema.createIndex('probes_device').on('probes').column('device_host_id').execute();
  await db.schema.createIndex('probes_site').on('probes').columns(['client', 'site']).execute();

  // Which agents' hosts run a probe, and what each of them last saw (the rule states fold its
  // results with trigger/clear durations; agreement is judged across these rows).
  await db.schema
    .createTable('probe_agents')
    .addColumn('probe_id', 'text', (c) => c.notNull().references('probes.id').onDelete('cascade'))
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('down_rule', 'text')
    .addColumn('latency_rule', 'text')
    .addColumn('last_at', 'bigint')
    .addColumn('last_received_at', 'bigint')
    .addColumn('last_outcome', 'text')
    .addColumn('last_latency_ms', 'double precision')
    .addColumn('last_loss_pct', 'double precision')
    .addColumn('last_error', 'text')
    .addPrimaryKeyConstraint('probe_agents_pk', ['probe_id', 'host_id'])
    .execute();
  await db.schema.createIndex('probe_agents_host').on('probe_agents').column('host_id').execute();

  // Every result as received: latency and loss history, and the record behind each decision.
  await db.schema
    .createTable('probe_results')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('probe_id', 'text', (c) => c.notNull().references('probes.id').onDelete('cascade'))
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision')
    .addColumn('loss_pct', 'double precision', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('cert_not_after', 'bigint')
    .addColumn('error', 'text')
    .addColumn('message', 'text')
    .addColumn('addresses', 'text')
    .addPrimaryKeyConstraint('probe_results_pk', ['agent_id', 'boot_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('probe_results_probe_at')
    .on('probe_results')
    .columns(['probe_id', 'at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('probe_results').execute();
  await db.schema.dropTable('probe_agents').execute();
  await db.schema.dropTable('probes').execute();
  await db.schema.dropTable('probe_sites').execute();
  await db.schema.alterTable('hosts').dropColumn('behind').execute();
  await db.schema.alterTable('hosts').dropColumn('kind').execute();
}
