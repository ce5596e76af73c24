import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { addHost } from '../incidents/testing.js';
import { incidentTitle } from '../incidents/text/render.js';
import { replaceHostHardware } from '../repositories/inventory-hardware.js';
import { createTestDeps, jsonRequest, testHubServices, userToken } from '../test-support/test-hub.js';

const DAY = 86_400_000;
const T0 = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

const send = (method: string, path: string, body?: unknown) => jsonRequest(app, admin, method, path, body);
const openOf = (check: string) =>
  deps.db
    .selectFrom('incidents')
    .selectAll()
    .where('check', '=', check)
    .where('open_key', 'is not', null)
    .execute();

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
});

describe('an expiring item written by an admin', () => {
  it('has its licence ticket when the create request answers, named by product and vendor in French', async () => {
    const res = await send('POST', '/api/v1/licences', {
      product: 'Office 365',
      vendor: 'Microsoft',
      namePattern: 'Microsoft Office*',
      seats: 10,
      expiresAt: T0 + 7 * DAY,
    });
    expect(res.status).toBe(201);
    const [ticket] = await openOf('licence.expiry');
    if (!ticket) throw new Error('no licence ticket opened by the request');
    const fr = incidentTitle(ticket, 'fr');
    expect(fr).toBe('Licence Office 365 (Microsoft) : expire dans 7 jours');
    expect(incidentTitle(ticket, 'en')).toBe('Licence Office 365 (Microsoft): expires in 7 days');
    expect(ticket.title).not.toMatch(/lic_|stage-/);
  });

  it('has its ticket when an edit brings the expiry into a stage', async () => {
    const created = await send('POST', '/api/v1/licences', {
      product: 'Acrobat',
      vendor: 'Adobe',
      namePattern: 'Adobe Acrobat*',
      seats: 5,
    });
    const { licence } = (await created.json()) as { licence: { id: string } };
    expect(await openOf('licence.expiry')).toHaveLength(0);
    expect((await send('PATCH', `/api/v1/licences/${licence.id}`, { expiresAt: T0 + 30 * DAY })).status).toBe(
      200,
    );
    const [ticket] = await openOf('licence.expiry');
    expect(ticket && incidentTitle(ticket, 'fr')).toBe('Licence Acrobat (Adobe) : expire dans 30 jours');
  });

  it('has its warranty ticket when the warranty is set, named by host and serial', async () => {
    const host = await addHost(deps.db, { role: 'server' });
    await replaceHostHardware(
      deps.db,
      host,
      { serial: 'SN-42', manufacturer: 'Dell', model: 'R650', memory_bytes: null },
      T0,
    );
    const put = await send('PUT', `/api/v1/hosts/${host}/warranty`, { warrantyUntil: T0 + 7 * DAY });
    expect(put.status).toBe(200);
    const [ticket] = await openOf('warranty.expiry');
    if (!ticket) throw new Error('no warranty ticket opened by the request');
    const fr = incidentTitle(ticket, 'fr');
    expect(fr).toMatch(/^Garantie de host-\d+ \(n° de série SN-42\) : expire dans 7 jours$/);
    expect(fr).not.toMatch(/hst_|stage-/);
  });
});
