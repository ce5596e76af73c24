import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleUser, createEnrolmentToken, enrolAgent, type RunningHub, startHub } from '@vigie/hub';
import { PROTOCOL_VERSION } from '@vigie/shared';
import { pino } from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRawAgent, type RawAgent } from '../support/raw-agent.js';
import { ARTIFACTS, launchChromium } from './chromium.js';

// A real hub in this process (SQLite file in a temp dir, port 0), a hand-driven agent socket that
// reports a host with a hostile name and a failing check, and Debian's Chromium driving the console.

const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_PROCESS = '<svg onload=alert(2)>';
const PASSWORD = 'mot de passe solide';
const BOOT = 'boot_browser_01';

let dir: string;
let hub: RunningHub;
let agent: RawAgent;
let browser: { context: BrowserContext; close(): Promise<void> };
let hostId: string;
let seq = 0;
const dialogs: string[] = [];
/** The machine running the suite may be busy: wait generously, poll often. */
const PATIENT = { timeout: 20_000, interval: 100 };

/** Sign in as `name` in a browser that forgets any earlier session first. */
async function signIn(page: Page, name: string) {
  await browser.context.clearCookies();
  await page.goto(`${hub.url}/console/sign-in`);
  await page.getByLabel('Identifiant').fill(name);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/console\/queue\//);
}

function newPage(): Promise<Page> {
  return browser.context.newPage().then((page) => {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-browser-'));
  const started = await startHub(
    {
      host: '127.0.0.1',
      port: 0,
      db: join(dir, 'hub.db'),
      logLevel: 'silent',
      heartbeatIntervalSec: 30,
      helloTimeoutSec: 5,
      metricsIntervalSec: 10,
    },
    { log: pino({ level: 'silent' }) },
  );
  if (!started.ok) throw started.error;
  hub = started.hub;
  for (const [name, role] of [
    ['alice', 'n1'],
    ['admin', 'admin'],
  ] as const) {
    const created = await createConsoleUser(hub.deps, { name, role, password: PASSWORD });
    if (!created.ok) throw new Error(created.code);
  }

  // The agent's word for its hostname is stored verbatim: here, markup that would run if unescaped.
  const { token } = await createEnrolmentToken(hub.deps, {
    client: 'acme',
    site: 'lyon',
    maxUses: 1,
    ttlMs: 3_600_000,
  });
  const os = {
    platform: 'win32',
    distro: 'Microsoft Windows 11 Pro',
    release: '10.0.22631',
    kernel: '10.0.22631',
    arch: 'x64',
  } as const;
  const fingerprint = 'b1b2b3b4b5b6b7b8b9b0c1c2c3c4c5c6';
  const enrolled = await enrolAgent(hub.deps, { token, fingerprint, hostname: HOSTILE, os });
  if (!enrolled.ok) throw new Error(enrolled.code);
  hostId = enrolled.response.hostId;
  agent = await openRawAgent(hub.url);
  agent.send({
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    bootId: BOOT,
    credential: { agentId: enrolled.response.agentId, secret: enrolled.response.secret },
    fingerprint,
    agentVersion: '0.1.0-browser',
    hostname: HOSTILE,
    os,
  });
  await agent.next('welcome');
  // A few minutes of history for the charts: the disk filling up.
  const now = Date.now();
  const samples = Array.from({ length: 30 }, (_, i) => ({
    at: now - (30 - i) * 10_000,
    cpu: { usagePct: 10 + i, perCorePct: [10 + i] },
    ...(i === 29
      ? {
          processes: {
            total: 120,
            running: 2,
            topByCpu: [
              { pid: 4242, name: HOSTILE_PROCESS, user: 'SYSTEM', cpuPct: 87.5, memBytes: 512 * 1_048_576 },
            ],
          },
        }
      : {}),
    filesystems: [
      {
        mount: 'C:\\',
        device: 'C:',
        fsType: 'NTFS',
        sizeBytes: 100e9,
        usedBytes: (80 + i / 2) * 1e9,
        freeBytes: (20 - i / 2) * 1e9,
        usedPct: 80 + i / 2,
      },
    ],
  }));
  seq += 1;
  agent.send({ type: 'metrics', bootId: BOOT, seq, samples });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  agent?.ws.close();
  await hub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the web console in Chromium', () => {
  it('signs in, shows an auto-opened incident live in the N1 queue, acknowledges it, and the timeline says so', async () => {
    const page = await newPage();
    await signIn(page, 'alice');
    expect(page.url()).toMatch(/\/console\/queue\/N1$/);
    await expect.poll(() => page.locator('body').getAttribute('data-live'), PATIENT).toBe('on');
    // Marks this very document: a reload or a navigation would lose it.
    await page.evaluate(() => {
      (globalThis as unknown as { stillHere: boolean }).stillHere = true;
    });

    seq += 1;
    agent.send({
      type: 'checkState',
      bootId: BOOT,
      seq,
      at: Date.now(),
      check: 'fs.usage',
      resource: 'C:\\',
      state: 'warning',
      previous: 'ok',
      value: 94.5,
      threshold: 90,
    });
    await agent.next('ack');
    const row = page.locator('#queue-rows tr[data-incident]');
    await row.first().waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere)).toBe(
      true,
    );
    await expect.poll(() => row.count(), PATIENT).toBe(1);
    await expect.poll(() => row.first().textContent(), PATIENT).toContain(HOSTILE);
    await page.screenshot({ path: join(ARTIFACTS, 'queue-n1-live.png'), fullPage: true });

    await row.first().getByRole('link').click();
    await page.waitForURL(/\/console\/incidents\//);
    await page.getByRole('button', { name: 'Prendre en compte' }).click();
    await page.waitForURL(/\/console\/incidents\/[^?]+$/);
    const timeline = page.locator('ol.timeline');
    await timeline.locator('li[data-kind="acknowledged"]').waitFor();
    // Who did it, by name: the actor is rendered, never the raw `user:alice` (0027).
    await expect
      .poll(() => timeline.locator('li[data-kind="acknowledged"]').textContent(), PATIENT)
      .toContain('Par alice');
    expect(await timeline.textContent()).not.toContain('user:alice');
    expect(await page.locator('dd[data-state]').getAttribute('data-state')).toBe('acknowledged');
    // What ran at the time, from the sample nearest the fault; its name is text too.
    await expect
      .poll(() => page.locator('table.processes').first().textContent(), PATIENT)
      .toContain(HOSTILE_PROCESS);
    // The chart around the fault is drawn from the host's samples, with the threshold.
    await expect
      .poll(() => page.locator('[data-chart]').first().getAttribute('data-drawn'), PATIENT)
      .not.toBeNull();
    await page.screenshot({ path: join(ARTIFACTS, 'incident-acknowledged.png'), fullPage: true });
    await page.close();
  });

  it('shows a hostname made of markup as text, and no script of it runs', async () => {
    const page = await newPage();
    await signIn(page, 'alice');
    await page.goto(`${hub.url}/console/hosts`);
    await expect.poll(() => page.locator('[data-hostname]').first().textContent(), PATIENT).toBe(HOSTILE);
    await page.goto(`${hub.url}/console/hosts/${hostId}`);
    await expect.poll(() => page.locator('h1').textContent(), PATIENT).toBe(HOSTILE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'host-hostile-name.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('refuses admin pages to an N1 technician and shows them to an admin', async () => {
    const page = await newPage();
    await signIn(page, 'alice');
    for (const path of ['/console/admin/users', '/console/admin/enrolment', '/console/admin/inventory']) {
      const res = await page.goto(`${hub.url}${path}`);
      expect(res?.status(), path).toBe(403);
    }
    await expect.poll(() => page.locator('h1').textContent(), PATIENT).toBe('Accès refusé');
    await page.close();

    const admin = await newPage();
    await signIn(admin, 'admin');
    const res = await admin.goto(`${hub.url}/console/admin/enrolment`);
    expect(res?.status()).toBe(200);
    // The form is not pre-filled with "default" (issue 17): the admin names client and site.
    await admin.getByLabel('Client', { exact: true }).fill('acme');
    await admin.getByLabel('Site', { exact: true }).fill('lyon');
    await admin.getByRole('button', { name: 'Créer un jeton' }).click();
    await expect
      .poll(() => admin.locator('#cmd-linux').textContent(), PATIENT)
      .toMatch(/install\.sh'? \| sudo sh -s -- --token '?vge_/);
    await admin.screenshot({ path: join(ARTIFACTS, 'admin-enrolment.png'), fullPage: true });

    // Rules and thresholds: a warning threshold edited in the global layer reaches the agent.
    await admin.goto(`${hub.url}/console/admin/policies`);
    await admin.getByRole('link', { name: 'Globale', exact: true }).click();
    await admin.getByLabel('cpu.busy Avertissement déclenche').fill('72');
    await admin.getByLabel('cpu.busy Avertissement retombe').fill('65');
    const pushed = agent.next('policy', 20_000);
    await admin.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => admin.locator('[role=status]').textContent(), PATIENT).toContain('1 agent');
    const policy = (await pushed).policy as { checks: Array<{ kind: string; warning: { trigger: number } }> };
    expect(policy.checks.find((rule) => rule.kind === 'cpu.busy')?.warning.trigger).toBe(72);
    await admin.screenshot({ path: join(ARTIFACTS, 'admin-policy-layer.png'), fullPage: true });
    await admin.close();
  });

  it('switches to English and keeps it', async () => {
    const page = await newPage();
    await signIn(page, 'alice');
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), PATIENT).toBe('en');
    await expect.poll(() => page.locator('h1').textContent(), PATIENT).toBe('N1 queue');
    await page.getByRole('link', { name: 'Fleet' }).click();
    await expect.poll(() => page.locator('h1').textContent(), PATIENT).toBe('Fleet');
    await page.screenshot({ path: join(ARTIFACTS, 'fleet-english.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('works from the keyboard alone: sign-in fields in order, a skip link first on every page', async () => {
    const page = await newPage();
    await browser.context.clearCookies();
    await page.goto(`${hub.url}/console/sign-in`);
    // The username field has the focus on arrival; Tab goes to the password, Enter submits.
    const focusedId = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement
            .id,
      );
    await expect.poll(focusedId, PATIENT).toBe('username');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await expect.poll(focusedId, PATIENT).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/queue\/N1$/);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = (
        globalThis as unknown as {
          document: { activeElement: { textContent: string; getAttribute(n: string): string } };
        }
      ).document.activeElement;
      return { text: el.textContent, href: el.getAttribute('href') };
    });
    expect(focused).toEqual({ text: 'Aller au contenu', href: '#main' });
    await page.close();
  });
});
