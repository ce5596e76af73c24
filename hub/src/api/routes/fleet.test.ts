import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../../config/deps.js';
import { onlyClients } from '../../db/client-scope.js';
import { readFleetSummary } from '../../repositories/fleet-summary.js';
import { listHostPage } from '../../repositories/hosts.js';
import { createTestDeps, testHubServices, userToken } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

const NOW = Date.UTC(2026, 11, 7, 9, 0);
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

type HostsPage = { hosts: Array<{ id: string; hostname: string }>; total: number; nextCursor: string | null };
const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await app.request(path, { headers: { authorization: `Bearer ${admin}` } });
  return { status: res.status, body: (await res.json()) as T };
};

/** 1 000 acme hosts and 50 globex ones; hostnames repeat (the id breaks ties), a third online. */
async function seedFleet(): Promise<void> {
  const rows = [];
  for (let i = 0; i < 1_050; i++)
    rows.push({
      id: `hst_${String(i).padStart(5, '0')}`,
      hostname: `pc-${String(i % 400).padStart(3, '0')}`,
      fingerprint: `fp${i}`,
      client: i < 1_000 ? 'acme' : 'globex',
      site: `site-${i % 7}`,
      role: i % 5 === 0 ? ('server' as const) : ('workstation' as const),
      tags: '[]',
      os_platform: 'linux' as const,
      os_distro: 'Debian',
      os_release: '12',
      os_kernel: '6.1',
      os_arch: 'x64',
      agent_version: '0.1.0',
      first_seen_at: 0,
      last_seen_at: NOW,
      connected: i % 3 === 0 ? 1 : 0,
      last_sample_at: i % 2 === 0 ? NOW : null,
      cpu_pct: null,
      mem_pct: null,
      swap_pct: null,
      disk_max_pct: null,
      load1: null,
    });
  for (let i = 0; i < rows.length; i += 200)
    await deps.db
      .insertInto('hosts')
      .values(rows.slice(i, i + 200))
      .execute();
}

beforeEach(async () => {
  deps = await createTestDeps(() => NOW);
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
  await seedFleet();
});

describe('GET /api/v1/hosts, a page at a time', () => {
  it('answers 100 hosts by default with the total and a cursor to the next page', async () => {
    const { status, body } = await get<HostsPage>('/api/v1/hosts');
    expect(status).toBe(200);
    expect(body.hosts).toHaveLength(100);
    expect(body.total).toBe(1_050);
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it('walks the whole fleet by cursor, each host once, in (hostname, id) order', async () => {
    const seen: Array<{ id: string; hostname: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const { body }: { body: HostsPage } = await get<HostsPage>(`/api/v1/hosts?limit=300${query}`);
      expect(body.hosts.length).toBeLessThanOrEqual(300);
      expect(body.total).toBe(1_050);
      seen.push(...body.hosts);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(4);
    expect(new Set(seen.map((h) => h.id)).size).toBe(1_050);
    const sorted = [...seen].sort((a, b) =>
      a.hostname === b.hostname ? (a.id < b.id ? -1 : 1) : a.hostname < b.hostname ? -1 : 1,
    );
    expect(seen).toEqual(sorted);
  });

  it('keeps the filters across pages and counts what they match', async () => {
    const first = await get<HostsPage>('/api/v1/hosts?client=globex&limit=20');
    expect(first.body).toMatchObject({ total: 50 });
    const second = await get<HostsPage>(
      `/api/v1/hosts?client=globex&limit=20&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
    );
    expect(second.body.hosts).toHaveLength(20);
    expect(second.body.hosts.every((h) => Number(h.id.slice(4)) >= 1_000)).toBe(true);
    expect((await get<HostsPage>('/api/v1/hosts?search=PC-01&role=server')).body.total).toBe(
      // Case-insensitive: pc-010 … pc-019, servers only.
      Array.from({ length: 1_050 }, (_, i) => i).filter((i) => i % 400 >= 10 && i % 400 < 20 && i % 5 === 0)
        .length,
    );
    const scoped = await listHostPage(deps.db, { scope: onlyClients(['globex']), limit: 1_000 });
    expect(scoped).toMatchObject({ total: 50, next: null });
    expect(scoped.rows).toHaveLength(50);
  });

  it('refuses a page over 1 000 and a cursor it did not make', async () => {
    expect((await get('/api/v1/hosts?limit=1001')).status).toBe(400);
    expect((await get('/api/v1/hosts?cursor=not-a-cursor')).status).toBe(400);
  });
});

describe('GET /api/v1/fleet/summary', () => {
  it('counts hosts online, offline, without sample, by worst open incident, and open incidents by priority', async () => {
    const open = async (hostId: string, impact: 1 | 3 | 5, severity: 'warning' | 'critical') => {
      const res = await app.request('/api/v1/incidents', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ client: 'acme', hostId, title: 'down', impact, severity }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { incident: { priority: number } }).incident.priority;
    };
    const priorities = [
      await open('hst_00001', 5, 'critical'),
      await open('hst_00001', 1, 'warning'),
      await open('hst_00002', 3, 'warning'),
    ];
    const { status, body } = await get<{ summary: Awaited<ReturnType<typeof readFleetSummary>> }>(
      '/api/v1/fleet/summary',
    );
    expect(status).toBe(200);
    const { summary } = body;
    expect(summary.hosts).toEqual({ total: 1_050, online: 350, offline: 700, noSampleYet: 525 });
    expect(summary.openIncidents.total).toBe(3);
    for (const p of new Set(priorities))
      expect(summary.openIncidents.byPriority[p as 1]).toBe(priorities.filter((q) => q === p).length);
    const worst = Object.values(summary.health.byWorstPriority).reduce((a, b) => a + b, 0);
    expect(worst).toBe(2);
    expect(
      summary.health.byWorstPriority[Math.max(priorities[0] ?? 0, priorities[1] ?? 0) as 1],
    ).toBeGreaterThan(0);
    expect(summary.health.noOpenIncident).toBe(1_048);

    // A technician of globex sees globex's figures only.
    expect(await readFleetSummary(deps.db, onlyClients(['globex']))).toMatchObject({
      hosts: { total: 50 },
      health: { noOpenIncident: 50 },
      openIncidents: { total: 0 },
    });
  });
});
