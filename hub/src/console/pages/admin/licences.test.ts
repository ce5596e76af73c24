import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/app.js';
import type { HubDeps } from '../../../config/deps.js';
import { createTestDeps, testHubServices } from '../../../test-support/test-hub.js';
import { createConsoleUser } from '../../security/accounts.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const PASSWORD = 'correct horse battery';
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: { cookie: string; csrf: string };

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

async function signInAdmin() {
  const created = await createConsoleUser(deps, { name: 'root', role: 'admin', password: PASSWORD });
  if (!created.ok) throw new Error(created.code);
  const form = await app.request('/console/sign-in');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await app.request('/console/sign-in', {
    method: 'POST',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'root', password: PASSWORD, _csrf: token }).toString(),
  });
  const cookie = cookiesOf(res)
    .split('; ')
    .filter((c) => c.startsWith('vigie_session='))
    .join('; ');
  const page = await app.request('/console/admin/licences', { headers: { cookie } });
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '' };
}

const post = (path: string, fields: Record<string, string>) =>
  app.request(path, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: admin.csrf, ...fields }).toString(),
  });
const get = async (path: string) => (await app.request(path, { headers: { cookie: admin.cookie } })).text();
const licences = () => deps.db.selectFrom('licences').selectAll().execute();

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  app = createApp(testHubServices(deps));
  admin = await signInAdmin();
});

describe('licences managed from the console', () => {
  it('creates a licence from the form, shows it escaped with days left and the key masked', async () => {
    const res = await post('/console/admin/licences', {
      product: '<b>Office</b>',
      namePattern: 'Office*',
      seats: '5',
      key: 'ABCDE-FGHIJ-KLMNO',
      expiresAt: '2026-12-31',
      cost: '99,90',
      currency: 'eur',
    });
    expect(res.status).toBe(303);
    const [row] = await licences();
    expect(row).toMatchObject({
      product: '<b>Office</b>',
      seats: 5,
      licence_key: 'ABCDE-FGHIJ-KLMNO',
      currency: 'EUR',
      cost: 99.9,
    });
    const page = await get('/console/admin/licences');
    expect(page).toContain('&lt;b&gt;Office&lt;/b&gt;');
    expect(page).toContain('30 j restants');
    expect(page).toContain('****LMNO');
    expect(page).not.toContain('ABCDE');
  });

  it('refuses a form without seats and names the field in French, writing nothing', async () => {
    const res = await post('/console/admin/licences', {
      product: 'Office',
      namePattern: 'Office*',
      seats: '',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Licence refusée : Postes achetés');
    expect(await licences()).toHaveLength(0);
  });

  it('edits a licence, keeps its key when the field is empty, and shows an expired one overdue', async () => {
    await post('/console/admin/licences', {
      product: 'Office',
      namePattern: 'Office*',
      seats: '5',
      key: 'ABCDE-FGHIJ-KLMNO',
    });
    const [row] = await licences();
    const id = row?.id ?? '';
    const res = await post(`/console/admin/licences/${id}`, {
      product: 'Office',
      namePattern: 'Office*',
      seats: '7',
      expiresAt: '2026-11-21',
    });
    expect(res.status).toBe(303);
    expect(await licences()).toMatchObject([
      { seats: 7, licence_key: 'ABCDE-FGHIJ-KLMNO', expires_at: T0 - 10 * DAY },
    ]);
    expect(await get('/console/admin/licences')).toContain('expirée depuis 10 j');
  });

  it('retires only after the confirmation step', async () => {
    await post('/console/admin/licences', { product: 'Office', namePattern: 'Office*', seats: '5' });
    const id = (await licences())[0]?.id ?? '';
    const asked = await post(`/console/admin/licences/${id}/retire`, {});
    expect(asked.status).toBe(400);
    expect(await licences()).toHaveLength(1);
    expect((await post(`/console/admin/licences/${id}/retire`, { confirm: 'yes' })).status).toBe(303);
    expect(await licences()).toHaveLength(0);
    const audit = await deps.db.selectFrom('licence_audit').select('action').orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['created', 'deleted']);
  });
});
