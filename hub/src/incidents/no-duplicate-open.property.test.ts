import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { TECHNICIAN_ACTIONS } from './engine/actions.js';
import { runIncidentSweep } from './jobs/sweep.js';
import { applyTechnicianAction } from './technician-actions.js';
import { addHost, openCountsByKey, sendCheck } from './testing.js';

const MIN = 60_000;
const CHECKS = [
  ['fs.usage', '/'],
  ['cpu.busy', undefined],
  ['service.down', 'nginx'],
] as const;

const command = fc.oneof(
  fc.record({
    kind: fc.constant('check' as const),
    host: fc.nat(1),
    check: fc.nat(CHECKS.length - 1),
    state: fc.constantFrom('ok' as const, 'warning' as const, 'critical' as const),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3 * 24 * 60 * MIN }) }),
  fc.record({ kind: fc.constant('sweep' as const) }),
  fc.record({ kind: fc.constant('silence' as const), host: fc.nat(1), silent: fc.boolean() }),
  fc.record({
    kind: fc.constant('action' as const),
    pick: fc.nat(20),
    action: fc.constantFrom(...TECHNICIAN_ACTIONS),
  }),
);

describe('one open incident per key', () => {
  it('holds for any sequence of triggers, recoveries, sweeps, silences and technician actions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
        let now = Date.UTC(2026, 10, 25, 12, 0);
        const deps = await createTestDeps(() => now);
        const runtime = testIncidentRuntime({
          settings: { ...testIncidentRuntime().settings, hostGroupWindowMs: 0, problemThreshold: 2 },
        });
        const hosts = [
          await addHost(deps.db, { role: 'server', tags: ['production'], lastSeenAt: now, connected: true }),
          await addHost(deps.db, { lastSeenAt: now, connected: true }),
        ];
        try {
          for (const c of commands) {
            if (c.kind === 'check') {
              const [check, resource] = CHECKS[c.check] ?? CHECKS[0];
              await sendCheck(deps, runtime, hosts[c.host] ?? '', check, c.state, resource);
            } else if (c.kind === 'advance') {
              now += c.ms;
            } else if (c.kind === 'sweep') {
              await runIncidentSweep(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
            } else if (c.kind === 'silence') {
              await deps.db
                .updateTable('hosts')
                .set({ connected: c.silent ? 0 : 1, last_seen_at: now })
                .where('id', '=', hosts[c.host] ?? '')
                .execute();
            } else {
              const ids = await deps.db.selectFrom('incidents').select('id').orderBy('opened_at').execute();
              const target = ids[c.pick % Math.max(ids.length, 1)];
              if (!target) continue;
              const action =
                c.action === 'assign'
                  ? { kind: c.action, assignee: 'marie' }
                  : { kind: c.action, text: 'by hand' };
              await deps.db
                .transaction()
                .execute((trx) =>
                  applyTechnicianAction(trx, runtime, target.id, action, { user: 'marie', now }),
                );
            }
            for (const [key, n] of await openCountsByKey(deps.db)) expect(n, key).toBe(1);
            // The unique index only guards open_key: it must be set exactly when the state is open.
            const inconsistent = await deps.db
              .selectFrom('incidents')
              .select(['id', 'state', 'open_key'])
              .where((eb) =>
                eb.or([
                  eb.and([eb('state', 'in', ['resolved', 'closed']), eb('open_key', 'is not', null)]),
                  eb.and([eb('state', 'not in', ['resolved', 'closed']), eb('open_key', 'is', null)]),
                ]),
              )
              .execute();
            expect(inconsistent).toEqual([]);
          }
        } finally {
          await deps.db.destroy();
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
