import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { ALL_CLIENTS, onlyClients } from '../db/client-scope.js';
import { addHost } from '../incidents/testing.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { createMaintenanceWindow } from './service.js';
import { hostTargetNames, maintenanceTargetChoices } from './targets.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
let deps: HubDeps;

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
});

const window = (target: string) =>
  ({
    scope: 'host',
    target,
    cron: '0 22 * * 6',
    durationMinutes: 60,
    timezone: 'UTC',
    reason: 'patch',
  }) as const;

describe('maintenance targets by name', () => {
  it('takes a host by its name and keeps its id', async () => {
    const id = await addHost(deps.db, { tags: ['production'] });
    const hostname = (
      await deps.db.selectFrom('hosts').select('hostname').where('id', '=', id).executeTakeFirstOrThrow()
    ).hostname;
    const row = await createMaintenanceWindow(deps, window(hostname), 'alice');
    expect(row.target).toBe(id);
    expect((await hostTargetNames(deps.db, [row.target])).get(id)).toBe(hostname);
  });

  it('refuses a name two hosts share, and an unknown one', async () => {
    const a = await addHost(deps.db);
    const b = await addHost(deps.db);
    await deps.db.updateTable('hosts').set({ hostname: 'twin' }).where('id', 'in', [a, b]).execute();
    await expect(createMaintenanceWindow(deps, window('twin'), 'alice')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(createMaintenanceWindow(deps, window('nobody'), 'alice')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('offers hosts, sites, clients and tags the user may see', async () => {
    await addHost(deps.db, { site: 'lyon', tags: ['production', 'vip'] });
    await addHost(deps.db, { site: 'paris', tags: ['vip'] });
    const all = await maintenanceTargetChoices(deps.db, ALL_CLIENTS);
    expect(all.sites).toEqual(['acme/lyon', 'acme/paris']);
    expect(all.clients).toEqual(['acme']);
    expect(all.tags).toEqual(['production', 'vip']);
    expect(all.hosts).toHaveLength(2);
    expect((await maintenanceTargetChoices(deps.db, onlyClients(['other']))).hosts).toEqual([]);
  });
});
