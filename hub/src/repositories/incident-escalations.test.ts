import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { addHost, sendCheck } from '../incidents/testing.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { testEngine } from '../test-support/test-database.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { claimDueRuns, claimDueRunsQuery, upsertRun } from './incident-escalations.js';

const claim = (token: string, now: number) => ({ now, limit: 10, leaseMs: 60_000, claimToken: token });

describe('claiming escalation runs', () => {
  it('compiles to FOR UPDATE SKIP LOCKED on PostgreSQL', () => {
    const pg = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const { sql } = claimDueRunsQuery(pg, claim('clm_a', 0)).compile();
    expect(sql).toMatch(
      /^update "incident_escalations" set .* where "id" in \(select .* for update skip locked\) returning \*$/,
    );
  });

  it('is one UPDATE … RETURNING (locking on PostgreSQL); a second claim at the same instant gets nothing until the lease ends', async () => {
    const now = Date.UTC(2026, 10, 25, 12);
    const deps = await createTestDeps(() => now);
    const host = await addHost(deps.db);
    const { incidentId } = await sendCheck(deps, testIncidentRuntime(), host, 'cpu.busy', 'warning');
    const { sql } = claimDueRunsQuery(deps.db, claim('clm_a', now)).compile();
    if (testEngine() === 'postgres') expect(sql).toContain('for update skip locked');
    else expect(sql).not.toContain('for update');
    await upsertRun(deps.db, {
      incidentId: incidentId ?? '',
      level: 'N1',
      policyId: null,
      steps: '[]',
      startedAt: now,
      nextN: 2,
      nextAt: now,
    });
    expect(await claimDueRuns(deps.db, claim('clm_a', now))).toMatchObject([{ claim_token: 'clm_a' }]);
    expect(await claimDueRuns(deps.db, claim('clm_b', now))).toEqual([]);
    expect(await claimDueRuns(deps.db, claim('clm_c', now + 60_000))).toMatchObject([
      { claim_token: 'clm_c' },
    ]);
  });
});
