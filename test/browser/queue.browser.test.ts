import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.js';
import {
  BIDI_HOST,
  MACHINE_TEXT,
  PATIENT,
  type QueueFixture,
  signIn,
  startQueueFixture,
} from './queue-fixture.js';

// Issue 17 as a technician reads it, in Debian's Chromium: French with no machine text, a site
// outage folded into one row, acknowledging assigns, bulk actions, a ticket opened by hand, the
// phone at 390 px, names that cannot deceive, and times in the reader's chosen zone.

const SCREENSHOTS = join(import.meta.dirname, '../../docs/screenshots');
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
/** Visible links, buttons and fields of the header and the page shorter than 44 px (as their HTML). */
const SMALL_TARGETS = `[...document.querySelectorAll('header a, header summary, main button, main a, main input, main select')]
  .filter((el) => el.offsetParent !== null && el.getAttribute('type') !== 'hidden')
  .filter((el) => el.getBoundingClientRect().height < 44)
  .map((el) => el.outerHTML.slice(0, 80))`;
let fixture: QueueFixture;
let url: string;
let browser: { context: BrowserContext; close(): Promise<void> };

// biome-ignore lint/performance/useDomNodeTextContent: what a person sees (rendered text) is the point
const visibleText = (page: Page) => page.locator('body').innerText();

function expectNoMachineText(text: string) {
  for (const pattern of MACHINE_TEXT) expect(text, String(pattern)).not.toMatch(pattern);
}

const siteTicket = () =>
  fixture.hub.deps.db
    .selectFrom('incidents')
    .selectAll()
    .where('check', '=', 'site.silent')
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  fixture = await startQueueFixture();
  url = fixture.hub.url;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe('the queues', () => {
  it('fold a site outage into one row whose children unfold, in French with no machine text', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, url, 'nadia');
    await page.goto(`${url}/console/queue/N3`);
    const rows = page.locator('#queue-rows tr[data-incident]');
    expect(await rows.count()).toBe(1);
    const folded = rows.first().locator('details.children');
    expect(await folded.getAttribute('data-children')).toBe('3');
    await folded.locator('summary').click();
    expect(await folded.locator('li a').count()).toBe(3);
    const text = await visibleText(page);
    expect(text).toContain('Plusieurs machines');
    expect(text).toMatch(/échéance \d{2}:\d{2} · (reste|dépassée de)/);
    expectNoMachineText(text);
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-desktop.png') });
    await page.close();
  });

  it('show a banner when a ticket escalated and no channel pages anyone', async () => {
    const page = await browser.context.newPage();
    await signIn(page, url, 'nadia');
    await page.goto(`${url}/console/queue/N2`);
    await expect.poll(() => page.locator('[data-unpaged]').innerText()).toContain('personne n’est appelé');
    expectNoMachineText(await visibleText(page));
    await page.close();
  });

  it('show a name with a right-to-left override escaped, never reversed', async () => {
    const page = await browser.context.newPage();
    await signIn(page, url, 'bruno');
    await page.goto(`${url}/console/queue/N1`);
    const text = await visibleText(page);
    expect(text).toContain('poste-⟦U+202E⟧gnp.exe');
    expect(text).not.toContain(BIDI_HOST);
    expect(await page.content()).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    await page.close();
  });

  it('fit a phone: no sideways scroll, the first ticket above the fold, 44 px touch targets', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(PHONE);
    await signIn(page, url, 'nadia');
    for (const level of ['N1', 'N2', 'N3']) {
      await page.goto(`${url}/console/queue/${level}`);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      const first = await page.locator('#queue-rows tr[data-incident]').first().boundingBox();
      expect(first?.y ?? Number.POSITIVE_INFINITY).toBeLessThan(844 - 100);
      const small = await page.evaluate<string[]>(SMALL_TARGETS);
      expect(small).toEqual([]);
      if (level === 'N3') await page.screenshot({ path: join(SCREENSHOTS, 'queue-phone.png') });
    }
    await page.close();
  });

  it('acknowledge several tickets at once, each assigned to whoever acknowledged it', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, url, 'bruno');
    await page.goto(`${url}/console/queue/N1`);
    const boxes = page.locator('#queue-rows input[type=checkbox]');
    const count = await boxes.count();
    expect(count).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < count; i += 1) await boxes.nth(i).check();
    await page.getByRole('button', { name: 'Prendre en compte' }).click();
    await expect
      .poll(() => page.locator('[role=status]').innerText())
      .toContain(`${count} ticket(s) traité(s)`);
    const assignees = await fixture.hub.deps.db
      .selectFrom('incidents')
      .select(['assignee', 'state'])
      .where('level', '=', 'N1')
      .where('open_key', 'is not', null)
      .where('parent_id', 'is', null)
      .execute();
    expect(assignees.every((a) => a.assignee === 'bruno' && a.state === 'acknowledged')).toBe(true);
    await page.close();
  });
});

describe('the incident page', () => {
  it('acknowledging from the page assigns the ticket to the acknowledger; parent and children are links', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, url, 'nadia');
    const site = await siteTicket();
    await page.goto(`${url}/console/incidents/${site.id}`);
    expect(await page.locator('[data-child] a').count()).toBe(3);
    await page.getByRole('button', { name: 'Prendre en compte' }).click();
    await page.waitForURL(new RegExp(`/incidents/${site.id}$`));
    expect((await siteTicket()).assignee).toBe('nadia');
    const text = await visibleText(page);
    expect(text).toContain('nadia');
    expectNoMachineText(text);
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-desktop.png'), fullPage: false });
    await page.locator('[data-child] a').first().click();
    await expect.poll(() => page.locator('[data-parent] a').count()).toBe(1);
    expectNoMachineText(await visibleText(page));
    await page.close();
  });

  it('fits a phone with no sideways scroll', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(PHONE);
    await signIn(page, url, 'nadia');
    const site = await siteTicket();
    await page.goto(`${url}/console/incidents/${site.id}`);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const buttons = await page
      .locator('.actions button')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    expect(buttons.length).toBeGreaterThan(0);
    expect(Math.min(...buttons)).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: join(SCREENSHOTS, 'incident-phone.png') });
    await page.screenshot({ path: '/tmp/dbg-incident-full.png', fullPage: true });
    await page.close();
  });

  it('opens a ticket by hand with the host picker, shows follow-ups with their author', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, url, 'bruno');
    await page.getByRole('link', { name: 'Ouvrir un ticket' }).click();
    await page.getByLabel('Chercher une machine').fill('srv-paie');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.getByLabel(/Machine concernée/).selectOption({ label: 'lyon-srv-paie — acme / lyon' });
    await page.getByLabel('Titre').fill('Lenteurs signalées par la comptabilité');
    await page.getByRole('button', { name: 'Ouvrir le ticket' }).click();
    await page.waitForURL(/\/console\/incidents\/(?!new)/);
    const text = await visibleText(page);
    expect(text).toContain('Lenteurs signalées par la comptabilité');
    expect(await page.locator('main a', { hasText: 'lyon-srv-paie' }).count()).toBeGreaterThan(0);
    await page.getByLabel('Commentaire ou solution').fill('Redémarrage du service de paie');
    await page.getByRole('button', { name: 'Résoudre' }).click();
    await expect
      .poll(() => page.locator('[data-followup="solution"]').innerText())
      .toContain('Redémarrage du service de paie');
    expect(await page.locator('[data-followup="solution"]').innerText()).toContain('bruno');
    expectNoMachineText(await visibleText(page));
    await page.close();
  });

  it(
    'writes times in the zone the reader chose',
    async () => {
      const page = await browser.context.newPage();
      await signIn(page, url, 'nadia');
      await page.goto(`${url}/console/preferences`);
      await page.getByLabel('Fuseau horaire').selectOption('Pacific/Auckland');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await expect
        .poll(() => page.locator('[data-time-zone]').first().getAttribute('data-time-zone'))
        .toBe('Pacific/Auckland');
      const site = await siteTicket();
      await page.goto(`${url}/console/incidents/${site.id}`);
      const since = page.locator('.facts time').first();
      const iso = (await since.getAttribute('datetime')) ?? '';
      const expected = new Intl.DateTimeFormat('fr-FR', {
        dateStyle: 'short',
        timeStyle: 'medium',
        timeZone: 'Pacific/Auckland',
      }).format(new Date(iso));
      expect(await since.innerText()).toBe(expected);
      await page.close();
    },
    PATIENT.timeout,
  );
});

describe('the policy editor', () => {
  it('shows the rules table whole at 1366 px and never widens a phone page', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize(DESKTOP);
    await signIn(page, url, 'admin');
    await page.goto(`${url}/console/admin/policies/layer?scope=global`);
    const table = page.locator('table.policy-checks');
    const box = await table.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(1366);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
    await page.setViewportSize(PHONE);
    await page.reload();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.close();
  });
});
