import type { HostRole } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { sendCheck, timelineKinds } from '../incidents/testing.js';
import { authenticateHello } from '../ingest/authenticate-hello.js';
import { findAgent } from '../repositories/agents.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps, helloFor, TEST_OS } from '../test-support/test-hub.js';
import { createEnrolmentToken } from './create-enrolment-token.js';
import { enrolAgent } from './enrol-agent.js';
import { chooseReattachTarget, type HostCandidate, REATTACH_AFTER_SILENT_MS } from './reattach.js';

/** The fingerprint every machine cloned from one image shares (same machine-id, same product UUID). */
const IMAGE_FP = 'c0ffee'.repeat(6);
const HOUR = 3_600_000;

let now = Date.UTC(2026, 11, 1, 8, 0);
let deps: HubDeps;

async function enrol(
  client = 'acme',
  site = 'hq',
  fingerprint = IMAGE_FP,
  hostname = 'pc-01',
  role?: HostRole,
) {
  const { token } = await createEnrolmentToken(deps, { client, site, maxUses: 1, ttlMs: 24 * HOUR });
  const result = await enrolAgent(deps, { token, fingerprint, hostname, os: TEST_OS, ...(role && { role }) });
  if (!result.ok) throw new Error(result.code);
  return result;
}

/** The agent says hello (its host is then "in contact"), as a running agent would. */
async function contact(enrolled: Awaited<ReturnType<typeof enrol>>) {
  const outcome = await authenticateHello(deps, helloFor(enrolled.response, { fingerprint: IMAGE_FP }));
  return outcome.ok ? 'accepted' : outcome.close;
}

const hostCount = async () => (await deps.db.selectFrom('hosts').select('id').execute()).length;

beforeEach(async () => {
  now = Date.UTC(2026, 11, 1, 8, 0);
  deps = await createTestDeps(() => now);
});
afterEach(async () => {
  await deps.db.destroy();
});

describe('enrolAgent: cloned machines', () => {
  it('gives each clone enrolling while the others are in contact its own host and credential', async () => {
    const first = await enrol('acme', 'hq', IMAGE_FP, 'pc-01');
    expect(await contact(first)).toBe('accepted');
    now += 5 * 60_000;
    const second = await enrol('acme', 'hq', IMAGE_FP, 'pc-02');
    expect(second.reattached).toBe(false);
    expect(second.response.hostId).not.toBe(first.response.hostId);
    expect(await hostCount()).toBe(2);
    // Both credentials work: neither clone pushed the other out.
    expect(await contact(first)).toBe('accepted');
    expect(await contact(second)).toBe('accepted');
  });

  it('makes a new host for a clone of a host just enrolled that never reported yet', async () => {
    const first = await enrol();
    const second = await enrol();
    expect(second.response.hostId).not.toBe(first.response.hostId);
  });
});

describe('enrolAgent: a re-installed machine', () => {
  it('gets its host (and history) back when its old credential was revoked', async () => {
    const first = await enrol('acme', 'hq');
    expect(await contact(first)).toBe('accepted');
    await deps.db
      .updateTable('agents')
      .set({ revoked_at: now })
      .where('id', '=', first.response.agentId)
      .execute();
    await deps.db.updateTable('hosts').set({ role: 'server', tags: '["production"]' }).execute();
    now += 60_000;
    const again = await enrol('acme', 'annex');
    expect(again.reattached).toBe(true);
    expect(again.response.hostId).toBe(first.response.hostId);
    expect(again.response.agentId).not.toBe(first.response.agentId);
    expect(await hostCount()).toBe(1);
    const host = await deps.db.selectFrom('hosts').selectAll().executeTakeFirstOrThrow();
    // Admin settings stay, the site follows the new token, first contact is the original one.
    expect(host).toMatchObject({ role: 'server', tags: '["production"]', site: 'annex' });
    expect(Number(host.first_seen_at)).toBe(Date.UTC(2026, 11, 1, 8, 0));
    expect(await contact(again)).toBe('accepted');
  });

  it('gets its host back after an hour of silence, and its old credential is revoked', async () => {
    const first = await enrol();
    expect(await contact(first)).toBe('accepted');
    await deps.db.updateTable('hosts').set({ connected: 0, last_seen_at: now }).execute();
    now += REATTACH_AFTER_SILENT_MS;
    const again = await enrol();
    expect(again).toMatchObject({ reattached: true, revokedAgents: [first.response.agentId] });
    expect(again.response.hostId).toBe(first.response.hostId);
    expect((await findAgent(deps.db, first.response.agentId))?.revoked_at).toBe(now);
    expect(await contact(first)).toBe('CREDENTIAL_REVOKED');
    expect(await contact(again)).toBe('accepted');
  });

  it('re-grades the open tickets of its host when it comes back declaring another role', async () => {
    const first = await enrol();
    await deps.db.updateTable('hosts').set({ tags: '["production"]' }).execute();
    const runtime = testIncidentRuntime();
    const { incidentId } = await sendCheck(
      deps,
      runtime,
      first.response.hostId,
      'service.down',
      'critical',
      'nginx',
    );
    const before = await findIncident(deps.db, incidentId ?? '');
    expect(before).toMatchObject({ level: 'N3' });
    now += REATTACH_AFTER_SILENT_MS;
    const again = await enrol('acme', 'hq', IMAGE_FP, 'pc-01', 'workstation');
    expect(again.response.hostId).toBe(first.response.hostId);
    const after = await findIncident(deps.db, incidentId ?? '');
    expect(Number(after?.priority)).toBeLessThan(Number(before?.priority));
    expect(after?.level).not.toBe('N3');
    expect(await timelineKinds(deps.db, incidentId ?? '')).toContain('regraded');
  });

  it('is taken for a clone while its old host was in contact less than an hour ago', async () => {
    const first = await enrol();
    await contact(first);
    await deps.db.updateTable('hosts').set({ connected: 0, last_seen_at: now }).execute();
    now += REATTACH_AFTER_SILENT_MS - 60_000;
    expect((await enrol()).reattached).toBe(false);
    expect(await contact(first)).toBe('accepted');
  });

  it('never takes over a host of another client, even a retired one', async () => {
    const first = await enrol('acme');
    await deps.db.updateTable('agents').set({ revoked_at: now }).execute();
    const other = await enrol('globex');
    expect(other.reattached).toBe(false);
    expect(other.response.hostId).not.toBe(first.response.hostId);
  });
});

describe('chooseReattachTarget', () => {
  const host = (over: Partial<HostCandidate>): HostCandidate => ({
    id: 'hst_a',
    connected: 0,
    lastSeenAt: 0,
    firstSeenAt: 0,
    liveAgents: 1,
    ...over,
  });
  const t = 10 * HOUR;
  const rows: Array<[string, HostCandidate[], string | undefined]> = [
    ['no candidate', [], undefined],
    ['connected right now (a clone)', [host({ connected: 1, lastSeenAt: 0 })], undefined],
    ['seen 10 minutes ago (a clone)', [host({ lastSeenAt: t - 10 * 60_000 })], undefined],
    ['silent for an hour', [host({ lastSeenAt: t - HOUR })], 'hst_a'],
    ['never seen, enrolled two hours ago', [host({ lastSeenAt: null, firstSeenAt: t - 2 * HOUR })], 'hst_a'],
    ['retired (no live credential) even if seen just now', [host({ liveAgents: 0, lastSeenAt: t })], 'hst_a'],
    [
      'of two retired, the one seen last',
      [
        host({ id: 'hst_old', liveAgents: 0, lastSeenAt: 1 }),
        host({ id: 'hst_new', liveAgents: 0, lastSeenAt: 5 }),
      ],
      'hst_new',
    ],
  ];
  for (const [name, candidates, expected] of rows) {
    it(name, () => {
      expect(chooseReattachTarget(candidates, t)?.id).toBe(expected);
    });
  }
});
