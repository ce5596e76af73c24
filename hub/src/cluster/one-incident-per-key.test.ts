import { describe, expect, it } from 'vitest';
import { addHost, sendCheck } from '../incidents/testing.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';

// On PostgreSQL (the hub-pg project) these transactions really run at once on several pooled
// connections, as they would from several hub instances.
describe('one open incident per dedup key under concurrency', () => {
  it('turns 50 identical critical signals committed at once into one incident with 50 occurrences', async () => {
    const now = Date.UTC(2026, 11, 5, 12);
    const deps = await createTestDeps(() => now);
    const runtime = testIncidentRuntime();
    const host = await addHost(deps.db, { role: 'server' });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => sendCheck(deps, runtime, host, 'disk.smart', 'critical')),
    );
    const incidents = await deps.db.selectFrom('incidents').selectAll().where('host_id', '=', host).execute();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ occurrences: 50, state: 'new' });
    expect(outcomes.filter((o) => o.decision === 'open')).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.incidentId))).toEqual(new Set([incidents[0]?.id]));
    await deps.db.destroy();
  });
});
