import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { addHost } from '../incidents/testing.js';
import { replaceHostHardware } from '../repositories/inventory-hardware.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps, testHubServices, userToken } from '../test-support/test-hub.js';
import { sweepLicences } from './sweep.js';
import { csvRecords, MAX_WARRANTY_LINES, parseWarrantyCsv } from './warranty-csv.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');
let now = T0;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

interface ImportAnswer {
  imported?: number;
  warranties?: { line: number; hostId: string; vendor: string | null; warrantyUntil: number }[];
  error?: { code: string; details: { errors: { line: number; code: string }[]; count: number } };
}

const importCsv = async (csv: string, token = admin) => {
  const res = await app.request('/api/v1/warranties/import', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as ImportAnswer };
};

async function hostWithSerial(serial: string): Promise<string> {
  const host = await addHost(deps.db);
  await replaceHostHardware(
    deps.db,
    host,
    { serial, manufacturer: 'Dell Inc.', model: 'OptiPlex', memory_bytes: null },
    now,
  );
  return host;
}

const warrantyRows = () => deps.db.selectFrom('host_warranties').selectAll().orderBy('host_id').execute();

beforeEach(async () => {
  now = T0;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
});

describe('POST /api/v1/warranties/import', () => {
  it('sets each host’s warranty end, purchase date and vendor from its serial', async () => {
    const a = await hostWithSerial('SN-A1');
    const b = await hostWithSerial('SN-B2');
    const { status, body } = await importCsv(
      'Serial,Vendor,End_Date,Purchase_Date\r\nSN-A1,Dell,2027-03-31,2024-03-31\r\n"SN-B2","Lenovo, Inc.",2026-12-21,\r\n',
    );
    expect(status).toBe(200);
    expect(body.imported).toBe(2);
    const rows = await warrantyRows();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.host_id === a)).toMatchObject({
      vendor: 'Dell',
      warranty_until: Date.parse('2027-03-31'),
      purchased_at: Date.parse('2024-03-31'),
      source: 'csv',
    });
    expect(rows.find((r) => r.host_id === b)).toMatchObject({ vendor: 'Lenovo, Inc.', purchased_at: null });

    // B's warranty ends in 20 days: the 30-day stage ticket, for N2.
    await sweepLicences(deps.db, testIncidentRuntime(), now);
    const tickets = await deps.db
      .selectFrom('incidents')
      .selectAll()
      .where('check', '=', 'warranty.expiry')
      .execute();
    expect(tickets).toMatchObject([{ host_id: null, level: 'N2', resource: 'stage-30' }]);
  });

  it('imports nothing from a file with a bad line, and lists every bad line with its code', async () => {
    await hostWithSerial('SN-A1');
    await hostWithSerial('SN-DUP');
    await hostWithSerial('SN-DUP');
    const { status, body } = await importCsv(
      [
        'serial,vendor,end_date',
        'SN-A1,Dell,2027-03-31',
        'SN-NOPE,Dell,2027-03-31',
        'SN-DUP,Dell,2027-03-31',
        ',Dell,2027-03-31',
        'SN-A1,Dell,2027-02-30',
        'SN-A1,Dell,31/03/2027',
        'SN-A1,Dell,2027-04-01',
        `${'x'.repeat(300)},Dell,2027-03-31`,
      ].join('\n'),
    );
    expect(status).toBe(422);
    expect(body.error?.code).toBe('IMPORT_REJECTED');
    expect(body.error?.details.errors.map((e) => `${e.line}:${e.code}`)).toEqual([
      '3:UNKNOWN_SERIAL',
      '4:AMBIGUOUS_SERIAL',
      '5:MISSING_FIELD',
      '6:BAD_DATE',
      '7:BAD_DATE',
      '8:DUPLICATE_SERIAL',
      '9:FIELD_TOO_LONG',
    ]);
    expect(await warrantyRows()).toEqual([]);
  });

  it('refuses a file without the header, over the line bound, or not sent as CSV', async () => {
    await hostWithSerial('SN-A1');
    expect((await importCsv('SN-A1,Dell,2027-03-31\n')).body.error?.details.errors).toMatchObject([
      { line: 1, code: 'NO_HEADER' },
    ]);
    const res = await app.request('/api/v1/warranties/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    const many = parseWarrantyCsv(
      `serial,end_date\n${Array.from({ length: MAX_WARRANTY_LINES + 1 }, (_, i) => `S${i},2027-01-01`).join('\n')}`,
    );
    expect(many.errors).toMatchObject([{ line: 0, code: 'TOO_MANY_LINES' }]);
    expect(await warrantyRows()).toEqual([]);
  });

  it('is for admins only', async () => {
    const tech = await createUserWithToken(deps, { name: 'tech', role: 'n1' });
    if (!tech.ok) throw new Error('tech');
    expect((await importCsv('serial,end_date\n', tech.token)).status).toBe(403);
  });

  it('keeps a host’s own expiry stages when its warranty is imported again', async () => {
    const host = await hostWithSerial('SN-A1');
    const put = await app.request(`/api/v1/hosts/${host}/warranty`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ warrantyUntil: T0 + 400 * DAY, expiryStages: [180, 0] }),
    });
    expect(put.status).toBe(200);
    expect((await importCsv('serial,end_date\nSN-A1,2027-06-30\n')).status).toBe(200);
    const body = (await (
      await app.request(`/api/v1/hosts/${host}/warranty`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { warranty: Record<string, unknown> };
    expect(body.warranty).toMatchObject({
      warrantyUntil: Date.parse('2027-06-30'),
      expiryStages: [180, 0],
      source: 'csv',
    });
  });
});

describe('csvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and a BOM', () => {
    expect(csvRecords('\uFEFFa,"b,c","say ""hi"""\r\n"multi\nline",x').records).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['multi\nline', 'x'],
    ]);
    expect(csvRecords('a,"open\n').badQuoteLine).toBe(2);
  });
});
