import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createConsoleUser,
  createEnrolmentToken,
  createUserWithToken,
  enrolAgent,
  type RunningHub,
  startHub,
} from '@vigie/hub';
import { PROTOCOL_VERSION } from '@vigie/shared';
import { pino } from 'pino';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawAgent } from '../support/raw-agent.js';
import { ARTIFACTS, launchChromium } from './chromium.js';

// The French console shows engine text in French: a licence ticket, a silent server and an
// escalated ticket opened by the real hub, read by Debian's Chromium — no English engine phrases,
// no epochs, no internal ids in what a technician sees.

const PASSWORD = 'mot de passe solide';
const DAY = 86_400_000;
const PATIENT = { timeout: 30_000, interval: 200 };
let dir: string;
let hub: RunningHub;
let browser: { context: BrowserContext; close(): Promise<void> };
let techToken: string;
let adminToken: string;

const api = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const openIncidents = () =>
  hub.deps.db
    .selectFrom('incidents')
    .select(['id', 'check', 'level'])
    .where('open_key', 'is not', null)
    .execute();

/** What a technician must never read on a French page. */
function expectFrenchEngineText(text: string) {
  for (const english of [
    'Host silent on',
    'observedAt',
    'route: default',
    'priority_raised',
    'expires in',
    'stage-',
  ])
    expect(text).not.toContain(english);
  expect(text).not.toMatch(/\b\d{13}\b/);
  expect(text).not.toMatch(/\b(hst|lic|prb|inc)_[A-Za-z0-9]/);
  expect(text).not.toMatch(/\{"/);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-engine-text-'));
  const started = await startHub(
    {
      host: '127.0.0.1',
      port: 0,
      db: join(dir, 'hub.db'),
      logLevel: 'silent',
      heartbeatIntervalSec: 30,
      helloTimeoutSec: 5,
      incidentSweepIntervalSec: 0.5,
      hostSilentGraceSec: 1,
      metricsIntervalSec: 10,
    },
    { log: pino({ level: 'silent' }) },
  );
  if (!started.ok) throw started.error;
  hub = started.hub;
  const consoleUser = await createConsoleUser(hub.deps, { name: 'alice', role: 'n3', password: PASSWORD });
  if (!consoleUser.ok) throw new Error(consoleUser.code);
  const admin = await createUserWithToken(hub.deps, { name: 'api-admin', role: 'admin' });
  const tech = await createUserWithToken(hub.deps, { name: 'api-tech', role: 'n2' });
  if (!admin.ok || !tech.ok) throw new Error('api users');
  adminToken = admin.token;
  techToken = tech.token;

  // A licence ending in a week: its ticket comes with the request.
  const licence = await api(adminToken, 'POST', '/api/v1/licences', {
    product: 'Office 365',
    vendor: 'Microsoft',
    namePattern: 'Microsoft Office*',
    seats: 10,
    expiresAt: Date.now() + 7 * DAY - 60_000,
  });
  expect(licence.status).toBe(201);

  // A production server that says hello, then goes quiet: host.silent from the hub's sweep.
  const { token } = await createEnrolmentToken(hub.deps, {
    client: 'acme',
    site: 'lyon',
    maxUses: 1,
    ttlMs: 3_600_000,
  });
  const os = { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' } as const;
  const fingerprint = 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6';
  const enrolled = await enrolAgent(hub.deps, {
    token,
    fingerprint,
    hostname: 'srv-paie-01',
    os,
    role: 'server',
  });
  if (!enrolled.ok) throw new Error(enrolled.code);
  const agent = await openRawAgent(hub.url);
  agent.send({
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    bootId: 'boot_engine_text',
    credential: { agentId: enrolled.response.agentId, secret: enrolled.response.secret },
    fingerprint,
    agentVersion: '0.1.0-browser',
    hostname: 'srv-paie-01',
    os,
  });
  await agent.next('welcome');
  agent.ws.close();
  for (let waited = 0; !(await openIncidents()).some((i) => i.check === 'host.silent'); waited += 200) {
    if (waited > PATIENT.timeout) throw new Error('no host.silent ticket');
    await new Promise((resolve) => setTimeout(resolve, PATIENT.interval));
  }

  // A ticket opened by hand at N1, escalated and commented by a technician.
  const manual = await api(techToken, 'POST', '/api/v1/incidents', {
    client: 'acme',
    site: 'lyon',
    title: 'Imprimante du 2e étage bloquée',
  });
  expect(manual.status).toBe(201);
  const { incident } = (await manual.json()) as { incident: { id: string } };
  expect((await api(techToken, 'POST', `/api/v1/incidents/${incident.id}/escalate`, {})).status).toBe(200);
  expect(
    (await api(techToken, 'POST', `/api/v1/incidents/${incident.id}/comment`, { text: 'Bourrage papier' }))
      .status,
  ).toBe(200);

  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('engine text in the French console', () => {
  it('names every ticket in French in the queues and on its page, with no English, epoch or id', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${hub.url}/console/sign-in`);
    await page.getByLabel('Identifiant').fill('alice');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/console\/queue\//);

    let queues = '';
    for (const level of ['N1', 'N2', 'N3']) {
      await page.goto(`${hub.url}/console/queue/${level}`);
      // biome-ignore lint/performance/useDomNodeTextContent: what a technician sees (rendered text) is the point
      queues += await page.locator('body').innerText();
    }
    await page.screenshot({ path: join(ARTIFACTS, 'engine-text-queue.png'), fullPage: true });
    expect(queues).toContain('Licence Office 365 (Microsoft) : expire dans 7 jours');
    expect(queues).toContain('Machine silencieuse sur srv-paie-01');
    expect(queues).toContain('Imprimante du 2e étage bloquée');
    expectFrenchEngineText(queues);

    const incidents = await openIncidents();
    expect(incidents.map((i) => i.check).sort()).toEqual(['host.silent', 'licence.expiry', 'manual']);
    for (const incident of incidents) {
      await page.goto(`${hub.url}/console/incidents/${incident.id}`);
      // biome-ignore lint/performance/useDomNodeTextContent: what a technician sees (rendered text) is the point
      const text = await page.locator('main').innerText();
      expectFrenchEngineText(text);
      if (incident.check === 'manual') {
        expect(text).toContain('Niveau : N1 → N2');
        expect(text).toContain('Bourrage papier');
      }
      if (incident.check === 'host.silent') expect(text).toMatch(/Constaté le|Routage/);
      if (incident.check === 'licence.expiry') {
        await page.screenshot({ path: join(ARTIFACTS, 'engine-text-licence.png'), fullPage: true });
        expect(text).toContain('Licence arrivant à échéance');
      }
    }
    await page.close();
  });
});
