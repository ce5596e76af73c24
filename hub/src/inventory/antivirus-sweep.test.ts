import type { InventoryMessage } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { addHost } from '../incidents/testing.js';
import { storeInventory } from '../ingest/handlers/store-inventory.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { antivirusFault, sweepAntivirus } from './antivirus-sweep.js';

const DAY = 86_400_000;
const T0 = 1_764_000_000_000;
let deps: HubDeps;

async function report(hostId: string, antivirus: InventoryMessage['antivirus'], hash: string) {
  const message: InventoryMessage = {
    type: 'inventory',
    bootId: 'boot-0001',
    seq: 1,
    at: T0,
    hash,
    chunk: 0,
    chunks: 1,
    hardware: {},
    antivirus,
  };
  await deps.db
    .transaction()
    .execute((trx) => storeInventory(trx, { agentId: 'agt_1', hostId }, message, T0));
}

const tickets = () =>
  deps.db.selectFrom('incidents').selectAll().where('check', '=', 'antivirus.stale').execute();

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
});

describe('antivirusFault', () => {
  it.each([
    [{ enabled: 1, signatures_at: T0 - DAY, up_to_date: null }, undefined],
    [{ enabled: 1, signatures_at: T0 - 9 * DAY, up_to_date: null }, 'signatures 9 day(s) old'],
    [{ enabled: 0, signatures_at: null, up_to_date: 1 }, 'antivirus off or expired'],
    [{ enabled: 1, signatures_at: null, up_to_date: 0 }, 'antivirus reports its signatures out of date'],
  ])('%j → %s', (av, fault) => {
    expect(antivirusFault(av, T0, 7 * DAY)).toBe(fault);
  });
});

describe('sweepAntivirus', () => {
  it('opens a critical ticket for stale signatures on a server, a warning on a workstation, once', async () => {
    const server = await addHost(deps.db, { role: 'server' });
    const workstation = await addHost(deps.db);
    const fresh = await addHost(deps.db);
    await report(server, { product: 'ClamAV', enabled: true, signaturesAt: T0 - 10 * DAY }, 'hash-000s');
    await report(workstation, { product: 'ClamAV', enabled: true, signaturesAt: T0 - 10 * DAY }, 'hash-000w');
    await report(fresh, { product: 'ClamAV', enabled: true, signaturesAt: T0 - DAY }, 'hash-000f');
    const runtime = testIncidentRuntime();
    await sweepAntivirus(deps.db, runtime, T0);
    await sweepAntivirus(deps.db, runtime, T0 + 3_600_000);
    const rows = await tickets();
    expect(rows.map((r) => [r.host_id, r.severity]).sort()).toEqual(
      [
        [server, 'critical'],
        [workstation, 'warning'],
      ].sort(),
    );
    const [serverTicket] = rows.filter((r) => r.host_id === server);
    const [workstationTicket] = rows.filter((r) => r.host_id === workstation);
    expect(Number(serverTicket?.priority)).toBeGreaterThan(Number(workstationTicket?.priority));
  });
});
