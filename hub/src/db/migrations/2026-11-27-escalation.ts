import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types, JSON as text.
// SLA clocks keep their due times on the incident (the incidents migration made room for them);
// this adds what a second clock and the 75 % warning need, the calendars they run on, escalation
// policies and their runs, on-call schedules, and an e-mail per user.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // SQLite adds one column per ALTER TABLE.
  for (const column of [
    'sla_own_target_ms',
    'sla_resolve_target_ms',
    'sla_own_warn_at',
    'sla_resolve_warn_at',
    'sla_resolve_warned_at',
    'sla_own_breached_at',
    'sla_resolve_breached_at',
  ]) {
    await db.schema.alterTable('incidents').addColumn(column, 'bigint').execute();
  }

  // client '' = every client; site '' = the whole client. One calendar per (client, site).
  await db.schema
    .createTable('business_calendars')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('hours', 'text', (c) => c.notNull())
    .addColumn('holidays', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('business_calendars_scope')
    .on('business_calendars')
    .columns(['client', 'site'])
    .unique()
    .execute();

  // client '' = the policy of the level for every client without its own.
  await db.schema
    .createTable('escalation_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('escalation_policies_scope')
    .on('escalation_policies')
    .columns(['level', 'client'])
    .unique()
    .execute();

  // One run per (incident, level), id `incident/level` like its first delivery key. The steps are
  // copied at start, so editing a policy never renumbers the notices of a run in flight.
  await db.schema
    .createTable('incident_escalations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text')
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('next_n', 'integer', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_escalations_due')
    .on('incident_escalations')
    .columns(['state', 'next_at'])
    .execute();
  await db.schema
    .createIndex('incident_escalations_incident')
    .on('incident_escalations')
    .column('incident_id')
    .execute();

  await db.schema
    .createTable('user_contacts')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oncall_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('rotation', 'text', (c) => c.notNull())
    .addColumn('hours', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oncall_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) =>
      c.notNull().references('oncall_schedules.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oncall_overrides_schedule')
    .on('oncall_overrides')
    .columns(['schedule_id', 'ends_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'oncall_overrides',
    'oncall_schedules',
    'user_contacts',
    'incident_escalations',
    'escalation_policies',
    'business_calendars',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  for (const column of [
    'sla_own_target_ms',
    'sla_resolve_target_ms',
    'sla_own_warn_at',
    'sla_resolve_warn_at',
    'sla_resolve_warned_at',
    'sla_own_breached_at',
    'sla_resolve_breached_at',
  ]) {
    await db.schema.alterTable('incidents').dropColumn(column).execute();
  }
}
