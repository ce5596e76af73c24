import { type Kysely, Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { MIGRATIONS } from '../db/migrations/index.js';

let db: Kysely<Database>;
afterEach(async () => {
  await db.destroy();
});

const host = (id: string, client: string, site: string) => ({
  id,
  hostname: id,
  fingerprint: `fp-${id}`,
  client,
  site,
  role: 'server',
  tags: '[]',
  os_platform: 'linux',
  os_distro: 'Debian',
  os_release: '12',
  os_kernel: '6.1',
  os_arch: 'x64',
  agent_version: '',
  first_seen_at: 1,
  last_seen_at: null,
  connected: 0,
});

const token = (id: string, client: string, site: string) => ({
  id,
  token_hash: `hash-${id}`,
  client,
  site,
  role: null,
  max_uses: 1,
  uses: 0,
  expires_at: 9e12,
  revoked_at: null,
  created_at: 1,
  created_by: null,
  note: '',
});

describe('migration 2026-12-01-policies', () => {
  it('makes clients and sites of the names hosts and tokens already carry, and links the tokens', async () => {
    db = openSqlite(':memory:');
    const before = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
    const names = Object.keys(MIGRATIONS).sort();
    const previous = names[names.indexOf('2026-12-01-policies') - 1] ?? '';
    const upTo = await before.migrateTo(previous);
    expect(upTo.error).toBeUndefined();
    // biome-ignore lint/suspicious/noExplicitAny: rows as the schema was before the migration
    const raw = db as unknown as Kysely<any>;
    await raw
      .insertInto('hosts')
      .values([host('h1', 'acme', 'paris'), host('h2', 'acme', 'lyon')])
      .execute();
    await raw
      .insertInto('hosts')
      .values(host('h3', 'Globex «SA»', 'hq'))
      .execute();
    await raw
      .insertInto('enrolment_tokens')
      .values([token('t1', 'acme', 'paris'), token('t2', 'initech', 'remote')])
      .execute();

    const migrated = await migrateToLatest(db);
    expect(migrated.ok).toBe(true);

    const clients = await db.selectFrom('clients').select(['id', 'name']).orderBy('name').execute();
    // Names are kept verbatim, whatever characters they hold.
    expect(clients.map((c) => c.name)).toEqual(['Globex «SA»', 'acme', 'initech'].sort());
    const sites = await db
      .selectFrom('sites')
      .innerJoin('clients', 'clients.id', 'sites.client_id')
      .select(['clients.name as client', 'sites.name as site'])
      .orderBy('clients.name')
      .orderBy('sites.name')
      .execute();
    expect(sites).toEqual(
      [
        { client: 'Globex «SA»', site: 'hq' },
        { client: 'acme', site: 'lyon' },
        { client: 'acme', site: 'paris' },
        { client: 'initech', site: 'remote' },
      ].sort((a, b) => (a.client + a.site < b.client + b.site ? -1 : 1)),
    );
    const tokens = await db
      .selectFrom('enrolment_tokens')
      .innerJoin('clients', 'clients.id', 'enrolment_tokens.client_id')
      .innerJoin('sites', 'sites.id', 'enrolment_tokens.site_id')
      .select(['enrolment_tokens.id', 'clients.name as client', 'sites.name as site'])
      .orderBy('enrolment_tokens.id')
      .execute();
    expect(tokens).toEqual([
      { id: 't1', client: 'acme', site: 'paris' },
      { id: 't2', client: 'initech', site: 'remote' },
    ]);
    // Existing users stay unscoped.
    expect(await db.selectFrom('user_clients').selectAll().execute()).toEqual([]);
  });
});
