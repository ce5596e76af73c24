import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testEngine } from '../test-support/test-database.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import {
  engineOf,
  engineOfUrl,
  equalsIgnoringCase,
  likeIgnoringCase,
  redactDatabaseUrl,
  retryTransient,
} from './dialect.js';

describe('dialect adapter', () => {
  it('picks PostgreSQL for postgres:// URLs and SQLite for a path or :memory:', () => {
    expect(engineOfUrl('postgres://vigie@db:5432/vigie')).toBe('postgres');
    expect(engineOfUrl('postgresql://db/vigie')).toBe('postgres');
    expect(engineOfUrl('./var/vigie-hub.db')).toBe('sqlite');
    expect(engineOfUrl(':memory:')).toBe('sqlite');
    expect(redactDatabaseUrl('postgres://vigie:s3cret@db:5432/vigie')).toBe(
      'postgres://vigie:***@db:5432/vigie',
    );
    expect(redactDatabaseUrl('postgres://vigie@db/vigie')).toBe('postgres://vigie@db/vigie');
    expect(redactDatabaseUrl('./var/vigie-hub.db')).toBe('./var/vigie-hub.db');
  });

  it('compares ignoring ASCII case the same way on both engines', async () => {
    const deps = await createTestDeps();
    expect(engineOf(deps.db)).toBe(testEngine());
    const { hostId } = await enrolTestAgent(deps);
    await deps.db
      .insertInto('inventory_software')
      .values({
        host_id: hostId,
        name: 'OpenSSL',
        version: '3.0',
        publisher: null,
        source: 'dpkg',
        installed_at: null,
      })
      .execute();
    const count = async (condition: ReturnType<typeof likeIgnoringCase>) =>
      (await deps.db.selectFrom('inventory_software').select('name').where(condition).execute()).length;
    expect(await count(equalsIgnoringCase(deps.db, sql.ref('name'), 'OPENSSL'))).toBe(1);
    expect(await count(likeIgnoringCase(deps.db, sql.ref('name'), 'open%'))).toBe(1);
    expect(await count(likeIgnoringCase(deps.db, sql.ref('name'), 'open\\_%'))).toBe(0);
    await deps.db.destroy();
  });

  it('runs a transaction again only when PostgreSQL broke a deadlock or a serialization conflict', async () => {
    const failing = (codes: string[]) => {
      let calls = 0;
      return {
        run: async () => {
          const code = codes[calls++];
          if (code !== undefined) throw Object.assign(new Error(code), { code });
          return calls;
        },
        calls: () => calls,
      };
    };
    const deadlocked = failing(['40P01', '40001']);
    expect(await retryTransient(deadlocked.run)).toBe(3);
    const unique = failing(['23505']);
    await expect(retryTransient(unique.run)).rejects.toThrow('23505');
    expect(unique.calls()).toBe(1);
    const forever = failing(['40P01', '40P01', '40P01', '40P01']);
    await expect(retryTransient(forever.run)).rejects.toThrow('40P01');
    expect(forever.calls()).toBe(3);
  });
});
