import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { ALL_CLIENTS, onlyClients } from '../db/client-scope.js';
import { addHost } from '../incidents/testing.js';
import { revokeHostAgents } from '../repositories/agents.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { fleetSummary, isHostRevoked, listFleet } from './fleet-query.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
let deps: HubDeps;

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
});

const page = (filter: Partial<Parameters<typeof listFleet>[1]> = {}) =>
  listFleet(deps.db, { sort: 'hostname', desc: false, offset: 0, limit: 50, scope: ALL_CLIENTS, ...filter });

describe('the fleet query', () => {
  it('keeps a host whose agent was revoked, marked revoked, out of "down" and counted apart', async () => {
    const { hostId } = await enrolTestAgent(deps);
    const other = await addHost(deps.db, { connected: false });
    expect(await isHostRevoked(deps.db, hostId)).toBe(false);
    await revokeHostAgents(deps.db, hostId, T0);
    expect(await isHostRevoked(deps.db, hostId)).toBe(true);
    const { rows } = await page();
    expect(rows.find((r) => r.id === hostId)?.revoked).toBe(true);
    expect(rows.find((r) => r.id === other)?.revoked).toBe(false);
    expect((await page({ state: 'revoked' })).rows.map((r) => r.id)).toEqual([hostId]);
    expect((await page({ state: 'down' })).rows.map((r) => r.id)).toEqual([other]);
    const [acme] = await fleetSummary(deps.db, ALL_CLIENTS);
    expect(acme).toMatchObject({ total: 2, revoked: 1, down: 1, up: 0 });
  });

  it('sorts by disk fullest first with hosts without a sample last, and filters by site and role', async () => {
    const full = await addHost(deps.db, { site: 'lyon', role: 'server' });
    const empty = await addHost(deps.db, { site: 'lyon' });
    const none = await addHost(deps.db, { site: 'paris' });
    await deps.db.updateTable('hosts').set({ disk_max_pct: 97 }).where('id', '=', full).execute();
    await deps.db.updateTable('hosts').set({ disk_max_pct: 12 }).where('id', '=', empty).execute();
    expect((await page({ sort: 'disk', desc: true })).rows.map((r) => r.id)).toEqual([full, empty, none]);
    expect((await page({ site: 'lyon', role: 'workstation' })).rows.map((r) => r.id)).toEqual([empty]);
  });

  it('shows a client-scoped user only its clients', async () => {
    await addHost(deps.db);
    expect((await page({ scope: onlyClients(['other']) })).rows).toEqual([]);
    expect(await fleetSummary(deps.db, onlyClients(['other']))).toEqual([]);
  });
});
