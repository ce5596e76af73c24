import { join } from 'node:path';
import { createEnrolmentToken, enrolAgent } from '@vigie/hub';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from './chromium.js';
import { type Fleet, seedFleet, sidewaysOverflow, signIn, smallTargets, visibleLeaks } from './fleet-seed.js';

// Issue 17 items 6 and 7 in Chromium: licences created, edited and retired from the console,
// warranties imported from a CSV (a placeholder serial matches no host), enrolment token states.

const PATIENT = { timeout: 20_000, interval: 100 };
const PHONE = { width: 390, height: 844 };
const DAY = 86_400_000;

let fleet: Fleet;
let browser: { context: BrowserContext; close(): Promise<void> };

async function adminPage(viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  await signIn(page, fleet.hub.url);
  return page;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  fleet = await seedFleet();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.hub.close();
});

describe('licences, warranties and enrolment from the console', () => {
  it('creates a licence with days left, shows an over-deployed one in red with the hosts in excess, edits and retires', async () => {
    const page = await adminPage();
    await page.goto(`${fleet.hub.url}/console/admin/licences`);
    const form = page.locator('form.licence-form');
    await form
      .getByLabel('Produit')
      .fill('Microsoft 365 Business Standard — abonnement annuel pour toute l’équipe comptable');
    await form.getByLabel('Éditeur', { exact: true }).fill('Microsoft');
    await form.getByLabel('Logiciel compté').fill('Microsoft 365*');
    await form.getByLabel('Postes achetés').fill('10');
    await form.getByLabel('Clé').fill('ABCDE-FGHIJ-KLMNO-PQRST');
    await form.getByLabel('Coût').fill('1250,50');
    await form.getByLabel('Devise').fill('EUR');
    await form.getByLabel("Date d'expiration").fill(isoDay(Date.now() + 45 * DAY));
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/saved=1/);
    const row = page.locator('table.licences tbody tr', { hasText: 'Microsoft 365' });
    await expect.poll(() => row.textContent(), PATIENT).toMatch(/4[56] j restants/);
    expect(await row.textContent()).toContain('****QRST');
    expect(await row.textContent()).not.toContain('ABCDE');

    // One seat of Acrobat Reader, installed on three hosts: two in excess, named.
    await form.getByLabel('Produit').fill('Acrobat Reader');
    await form.getByLabel('Logiciel compté').fill('Acrobat Reader');
    await form.getByLabel('Postes achetés').fill('1');
    await form.getByLabel("Date d'expiration").fill(isoDay(Date.now() - 10 * DAY));
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/saved=1/);
    const acrobat = page.locator('table.licences tbody tr', { hasText: 'Acrobat Reader' });
    expect(await acrobat.locator('.error').textContent()).toContain('Dépassement (+2)');
    expect(await acrobat.locator('.excess li').count()).toBe(2);
    expect(await acrobat.textContent()).toMatch(/expirée depuis (9|10) j/);
    expect(await visibleLeaks(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'licences-desktop.png'), fullPage: true });

    // Edit: three seats; the key stays when the field is left empty.
    await acrobat.getByRole('link', { name: 'Modifier' }).click();
    await page.getByLabel('Postes achetés').fill('3');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/saved=1/);
    expect(
      await page.locator('table.licences tbody tr', { hasText: 'Acrobat Reader' }).textContent(),
    ).toContain('Conforme');
    expect(
      await page.locator('table.licences tbody tr', { hasText: 'Microsoft 365' }).textContent(),
    ).toContain('****QRST');

    // Retire asks first.
    await page
      .locator('table.licences tbody tr', { hasText: 'Acrobat Reader' })
      .getByRole('link', { name: 'Retirer' })
      .click();
    await page.waitForURL(/\/retire$/);
    expect(await page.locator('main').textContent()).toContain('Acrobat Reader');
    await page.getByRole('button', { name: 'Retirer' }).click();
    await page.waitForURL(/saved=retired/);
    expect(await page.locator('table.licences tbody tr', { hasText: 'Acrobat Reader' }).count()).toBe(0);

    await page.setViewportSize(PHONE);
    await page.reload();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    expect(await smallTargets(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'licences-phone.png'), fullPage: true });
    await page.close();
  });

  it('refuses a warranty file naming a placeholder serial, then imports the real one with its days left', async () => {
    const page = await adminPage();
    await page.goto(`${fleet.hub.url}/console/admin/warranties`);
    const until = isoDay(Date.now() + 400 * DAY);
    await page
      .locator('textarea[name=csv]')
      .fill(`serial,vendor,end_date\nSN-GAP-001,Dell,${until}\nTo be filled by O.E.M.,OEM,${until}\n`);
    await page.getByRole('button', { name: 'Importer des garanties (CSV)' }).click();
    await expect.poll(() => page.locator('[role=alert]').textContent(), PATIENT).toContain('ligne 3');
    expect(await page.locator('[role=alert]').textContent()).toContain('numéro de série factice');
    expect(await fleet.hub.deps.db.selectFrom('host_warranties').selectAll().execute()).toHaveLength(0);

    await page.locator('textarea[name=csv]').fill(`serial,vendor,end_date\nSN-GAP-001,Dell,${until}\n`);
    await page.getByRole('button', { name: 'Importer des garanties (CSV)' }).click();
    await expect
      .poll(() => page.locator('[role=status]').textContent(), PATIENT)
      .toContain('1 garantie(s) importée(s)');
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/srv-gap.*(399|400) j restants/s);
    await page.setViewportSize(PHONE);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('shows a used-up token as épuisé and an expired one as expiré, with an empty form', async () => {
    const used = await createEnrolmentToken(fleet.hub.deps, {
      client: 'acme',
      site: 'lyon',
      maxUses: 1,
      ttlMs: 3_600_000,
      note: 'usé',
    });
    const os = {
      platform: 'linux',
      distro: 'Debian GNU/Linux',
      release: '12',
      kernel: '6.1.0',
      arch: 'x64',
    } as const;
    const enrolled = await enrolAgent(fleet.hub.deps, {
      token: used.token,
      fingerprint: 'ab'.repeat(16),
      hostname: 'srv-new',
      os,
    });
    if (!enrolled.ok) throw new Error(enrolled.code);
    await createEnrolmentToken(fleet.hub.deps, {
      client: 'acme',
      site: 'lyon',
      maxUses: 5,
      ttlMs: 1,
      note: 'périmé',
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const page = await adminPage();
    await page.goto(`${fleet.hub.url}/console/admin/enrolment`);
    expect(await page.locator('tr', { hasText: 'usé' }).locator('.token-state').textContent()).toBe('épuisé');
    expect(await page.locator('tr', { hasText: 'périmé' }).locator('.token-state').textContent()).toBe(
      'expiré',
    );
    expect(await page.locator('input[name=client]').inputValue()).toBe('');
    expect(await page.locator('input[name=site]').inputValue()).toBe('');
    expect(await visibleLeaks(page)).toEqual([]);
    for (const path of [
      '/console/admin/inventory?name=Acrobat',
      '/console/admin/enrolment',
      '/console/admin/warranties',
    ]) {
      await page.setViewportSize(PHONE);
      await page.goto(`${fleet.hub.url}${path}`);
      expect(await sidewaysOverflow(page), path).toBeLessThanOrEqual(0);
      expect(await smallTargets(page), path).toEqual([]);
    }
    await page.close();
  });
});
