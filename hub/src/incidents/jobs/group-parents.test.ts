import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../../config/deps.js';
import { insertChannel } from '../../notify/channels/store.js';
import { createOutboxNotifier } from '../../notify/outbox-notifier.js';
import { findIncident } from '../../repositories/incidents.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps } from '../../test-support/test-hub.js';
import type { IncidentRuntime } from '../runtime.js';
import { addHost } from '../testing.js';
import { runIncidentSweep } from './sweep.js';

const MIN = 60_000;
const START = Date.UTC(2026, 10, 25, 12, 0);
const SILENCE = { graceMs: 90_000, connectedGraceMs: 10 * MIN };
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;

const heard = (ids: string[], at: number) =>
  deps.db.updateTable('hosts').set({ last_seen_at: at, connected: 1 }).where('id', 'in', ids).execute();
const siteTicket = async () => {
  const row = await deps.db
    .selectFrom('incidents')
    .selectAll()
    .where('check', '=', 'site.silent')
    .executeTakeFirst();
  if (!row) throw new Error('no site ticket');
  return row;
};
const outbox = async () =>
  (await deps.db.selectFrom('outbox').select('delivery_key').orderBy('delivery_key').execute()).map(
    (r) => r.delivery_key,
  );

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({
    notifier: createOutboxNotifier({ clock: () => now, random: deps.random }),
  });
  await insertChannel(deps.db, {
    id: 'nch_n3',
    name: 'n3',
    kind: 'webhook',
    config: { url: 'https://hooks.example.com/vigie' },
    levels: ['N3'],
    noticeKinds: ['opened', 'reopened', 'escalated', 'priority_raised', 'sla_warning'],
    enabled: true,
    createdAt: 0,
  });
});

async function siteOutage(): Promise<string[]> {
  const lastSeenAt = START - 10 * MIN;
  const hosts = [
    await addHost(deps.db, { site: 'lyon', lastSeenAt }),
    await addHost(deps.db, { site: 'lyon', lastSeenAt }),
    await addHost(deps.db, { site: 'lyon', lastSeenAt, role: 'server', tags: ['production'] }),
  ];
  await runIncidentSweep(deps.db, runtime, SILENCE, now);
  return hosts;
}

describe('a site ticket whose hosts come back', () => {
  it('stays failing while one host is still silent', async () => {
    const hosts = await siteOutage();
    now += MIN;
    await heard(hosts.slice(0, 2), now);
    await runIncidentSweep(deps.db, runtime, SILENCE, now);
    expect((await siteTicket()).recovered_at).toBeNull();
  });

  it('is recovered, announced and stops paging N3 once every host is heard again', async () => {
    const hosts = await siteOutage();
    const site = await siteTicket();
    expect(site).toMatchObject({ level: 'N3', recovered_at: null });
    now += MIN;
    await heard(hosts, now);
    const report = await runIncidentSweep(deps.db, runtime, SILENCE, now);
    expect(report.parentsRecovered).toBe(1);
    expect(Number((await siteTicket()).recovered_at)).toBe(now);
    expect(await outbox()).toContain(`${site.id}/recovered/0`);

    // The N3 escalation policy would page again within minutes: nothing more goes out.
    const before = await outbox();
    for (let i = 0; i < 10; i++) {
      now += MIN;
      await heard(hosts, now);
      await runIncidentSweep(deps.db, runtime, SILENCE, now);
    }
    expect((await outbox()).filter((key) => !before.includes(key) && !key.includes('/resolved'))).toEqual([]);
    // The quiet period (5 min by default) resolves it, as any recovered incident.
    expect((await findIncident(deps.db, site.id))?.state).not.toBe('new');
  });

  it('fails again when a host goes silent again during its quiet period', async () => {
    const hosts = await siteOutage();
    now += MIN;
    await heard(hosts, now);
    await runIncidentSweep(deps.db, runtime, SILENCE, now);
    expect((await siteTicket()).recovered_at).not.toBeNull();

    now += 2 * MIN; // the third host dropped again and is silent past the grace, inside the quiet period
    await deps.db
      .updateTable('hosts')
      .set({ connected: 0 })
      .where('id', '=', hosts[2] ?? '')
      .execute();
    await heard(hosts.slice(0, 2), now);
    await runIncidentSweep(deps.db, runtime, SILENCE, now);
    const site = await siteTicket();
    expect(site.open_key).not.toBeNull();
    expect(site.recovered_at).toBeNull();
  });
});
