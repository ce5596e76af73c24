import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { addHost } from '../incidents/testing.js';
import { replaceHostHardware } from '../repositories/inventory-hardware.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { importWarranties } from './warranty-import.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
let deps: HubDeps;

async function hostWithSerial(serial: string): Promise<string> {
  const host = await addHost(deps.db);
  await replaceHostHardware(
    deps.db,
    host,
    { serial, manufacturer: 'ACME', model: 'Box', memory_bytes: null },
    T0,
  );
  return host;
}

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
});

describe('importWarranties', () => {
  it.each(['To be filled by O.E.M.', ' n/a ', '-', 'Default string', 'System Serial Number', '0'])(
    'refuses the placeholder serial %j even when a host reports it, and writes nothing',
    async (placeholder) => {
      await hostWithSerial(placeholder.trim());
      await hostWithSerial('SN-REAL');
      const result = await importWarranties(
        deps,
        `serial,vendor,end_date\nSN-REAL,ACME,2027-01-31\n"${placeholder}",ACME,2027-01-31\n`,
        'alice',
      );
      expect(result).toMatchObject({ ok: false, errors: [{ line: 3, code: 'PLACEHOLDER_SERIAL' }] });
      expect(await deps.db.selectFrom('host_warranties').selectAll().execute()).toHaveLength(0);
    },
  );

  it('imports a real serial', async () => {
    const host = await hostWithSerial('SN-REAL');
    const result = await importWarranties(deps, 'serial,end_date\nSN-REAL,2027-01-31\n', 'alice');
    expect(result.ok).toBe(true);
    const rows = await deps.db.selectFrom('host_warranties').selectAll().execute();
    expect(rows.map((r) => r.host_id)).toEqual([host]);
  });
});
