import type { Kysely } from 'kysely';
import { KB_SEED } from './2026-11-25-incidents-kb-seed.js';

// Frozen in time, like the foundation: Kysely<any>, bigint milliseconds, text ids and JSON.
//
// One open incident per dedup key is held by a nullable `open_key` column (= dedup_key while the
// incident is open, NULL once resolved) under a plain unique index, rather than a partial unique
// index. Both databases treat NULLs as distinct in a unique index, so closed history never
// collides; `ON CONFLICT (open_key) DO NOTHING` needs no WHERE clause, so there is no predicate to
// repeat literally (SQLite refuses bound parameters there, PostgreSQL must prove the WHERE implies
// the index predicate), and the set of open states can change without a migration.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('problems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('open_key', 'text', (c) => c.unique())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.references('hosts.id').onDelete('set null'))
    .addColumn('check', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('incident_count', 'integer', (c) => c.notNull())
    .addColumn('first_incident_at', 'bigint', (c) => c.notNull())
    .addColumn('last_incident_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('note', 'text')
    .execute();

  await db.schema
    .createTable('kb_articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('check', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('body_en', 'text', (c) => c.notNull())
    .addColumn('title_fr', 'text', (c) => c.notNull())
    .addColumn('body_fr', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kb_articles_check').on('kb_articles').column('check').execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('open_key', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.references('hosts.id').onDelete('set null'))
    .addColumn('check', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('urgency', 'integer', (c) => c.notNull())
    .addColumn('impact', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('priority_manual', 'integer', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('flapping', 'integer', (c) => c.notNull())
    .addColumn('flaps', 'integer', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('group_kind', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('previous_id', 'text', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('problem_id', 'text', (c) => c.references('problems.id').onDelete('set null'))
    .addColumn('kb_article_id', 'text', (c) => c.references('kb_articles.id').onDelete('set null'))
    .addColumn('occurrences', 'integer', (c) => c.notNull())
    .addColumn('first_occurrence_at', 'bigint', (c) => c.notNull())
    .addColumn('last_occurrence_at', 'bigint', (c) => c.notNull())
    .addColumn('recovered_at', 'bigint')
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('assignee', 'text')
    .addColumn('resolved_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // SLA and escalation (next step): due times, pause bookkeeping, last warning and escalation.
    .addColumn('sla_own_due_at', 'bigint')
    .addColumn('sla_resolve_due_at', 'bigint')
    .addColumn('sla_paused_since', 'bigint')
    .addColumn('sla_paused_ms', 'bigint', (c) => c.notNull())
    .addColumn('sla_warned_at', 'bigint')
    .addColumn('escalated_at', 'bigint')
    .execute();
  await db.schema.createIndex('incidents_open_key').on('incidents').column('open_key').unique().execute();
  await db.schema
    .createIndex('incidents_key_opened')
    .on('incidents')
    .columns(['dedup_key', 'opened_at'])
    .execute();
  await db.schema.createIndex('incidents_state').on('incidents').columns(['state', 'priority']).execute();
  await db.schema.createIndex('incidents_host').on('incidents').columns(['host_id', 'opened_at']).execute();
  await db.schema.createIndex('incidents_parent').on('incidents').column('parent_id').execute();
  await db.schema
    .createIndex('incidents_check_opened')
    .on('incidents')
    .columns(['client', 'check', 'opened_at'])
    .execute();

  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // NULL while a signal is held (maintenance, inhibition): the record exists before its ticket.
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id').onDelete('cascade'))
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_events_incident')
    .on('incident_events')
    .columns(['incident_id', 'at'])
    .execute();
  await db.schema
    .createIndex('incident_events_key')
    .on('incident_events')
    .columns(['dedup_key', 'at'])
    .execute();

  await db.schema
    .createTable('held_signals')
    .addColumn('dedup_key', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('reason_ref', 'text')
    .addColumn('host_id', 'text', (c) => c.references('hosts.id').onDelete('cascade'))
    .addColumn('held_since', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('signal', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  if (KB_SEED.length > 0) {
    await db
      .insertInto('kb_articles')
      .values(KB_SEED.map((article) => ({ ...article, updated_at: 0 })))
      .execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'maintenance_windows',
    'held_signals',
    'incident_events',
    'incidents',
    'kb_articles',
    'problems',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
