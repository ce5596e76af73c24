import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { HubDeps } from '../../config/deps.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../../test-support/test-hub.js';
import { createConsoleUser } from '../security/accounts.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
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

const get = async (path: string) => (await app.request(path, { headers: { cookie: admin.cookie } })).text();
beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  app = createApp(testHubServices(deps));
  admin = await signInAdmin();
});

describe('the fleet pages', () => {
  it('answer a mangled query with the default view instead of an error', async () => {
    const { hostId } = await enrolTestAgent(deps);
    for (const path of [
      `/console/hosts?q=${'x'.repeat(300)}`,
      '/console/hosts?state=bogus&sort=nope&page=-3&role=robot',
      `/console/hosts/${hostId}?range=year&swpage=abc&sw=${'y'.repeat(300)}`,
    ]) {
      const res = await app.request(path, { headers: { cookie: admin.cookie } });
      expect(res.status, path).toBe(200);
    }
  });

  it('refetches the list and counters alone as the live fragment', async () => {
    await enrolTestAgent(deps);
    const fragment = await get('/console/hosts?fragment=fleet');
    expect(fragment).toContain('class="counters"');
    expect(fragment).not.toContain('<html');
  });
});
