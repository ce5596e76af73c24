import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from './chromium.js';
import { type Fleet, seedFleet, sidewaysOverflow, signIn, smallTargets, visibleLeaks } from './fleet-seed.js';

// Issue 17 items 5 and 7 in Chromium: the fleet and host pages in French, on a desktop and a phone,
// the chart broken where reports stopped, and revoking an agent with a confirmation step.

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const PATIENT = { timeout: 20_000, interval: 100 };
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

// Page scripts, as source text (the test project has no DOM types). uplot.js assigns a global
// `uPlot`: the setter wraps its constructor so every plot built is kept in window.__plots.
const KEEP_PLOTS = `(() => {
  let real;
  window.__plots = [];
  Object.defineProperty(window, 'uPlot', {
    configurable: true,
    get: () => real,
    set(value) {
      const wrapped = function (...args) { const plot = new value(...args); window.__plots.push(plot); return plot; };
      Object.assign(wrapped, value);
      real = wrapped;
    },
  });
})()`;
interface Drawn {
  hole: number;
  before: number | null;
  after: number | null;
  spanGaps: boolean | undefined;
  atHole: number;
  atSample: number;
  ticks: string[];
}
// The CPU series: where its null (the hole) is, and how many pixels of its blue line a thin
// column of the canvas holds at the hole and, for comparison, at a sample 20 points earlier.
const READ_PLOT = `(() => {
  const plot = window.__plots[0];
  const xs = plot.data[0];
  const cpu = plot.data[1];
  const hole = cpu.indexOf(null);
  const blueIn = (x) => {
    const px = Math.round(plot.valToPos(x, 'x', true));
    const img = plot.ctx.getImageData(px - 1, plot.bbox.top, 3, plot.bbox.height).data;
    let n = 0;
    for (let i = 0; i < img.length; i += 4) if (img[i + 2] > 150 && img[i] < 80) n++;
    return n;
  };
  return { hole, before: cpu[hole - 1], after: cpu[hole + 1], spanGaps: plot.series[1].spanGaps,
    atHole: blueIn(xs[hole]), atSample: blueIn(xs[hole - 20]), ticks: plot.axes[0]._values };
})()`;

let fleet: Fleet;
let browser: { context: BrowserContext; close(): Promise<void> };

async function adminPage(viewport = DESKTOP): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  await signIn(page, fleet.hub.url);
  return page;
}

beforeAll(async () => {
  fleet = await seedFleet();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.hub.close();
});

describe('the fleet and host pages', () => {
  it('counts hosts up, down and by client, filters and sorts, highlights values past a threshold, in French', async () => {
    const page = await adminPage();
    await page.goto(`${fleet.hub.url}/console/hosts`);
    const counters = page.locator('.counters');
    await expect.poll(() => counters.locator('.counter-all strong').textContent(), PATIENT).toBe('6');
    expect(await counters.locator('.counter-up strong').textContent()).toBe('4');
    expect(await counters.locator('.counter-down strong').textContent()).toBe('2');
    expect(await page.locator('.by-client').textContent()).toContain('cabinet-durand');
    // 95,2 % CPU and 97,5 % disk are marked critical, 88,1 % memory a warning.
    expect(await page.locator('.metric-crit').allTextContents()).toEqual(
      expect.arrayContaining(['▲ 95,2 %', '▲ 97,5 %']),
    );
    expect(await page.locator('.metric-warn').allTextContents()).toContain('△ 88,1 %');
    expect(await page.locator('table.fleet tbody').textContent()).toContain('Poste de travail');
    expect(await visibleLeaks(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-desktop.png') });

    // Filter by client and role, then sort by disk, fullest first.
    await page.getByText('Filtres et tri').click();
    await page.locator('select[name=client]').selectOption('acme');
    await page.locator('select[name=role]').selectOption('server');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/client=acme/);
    expect(await page.locator('[data-hostname]').allTextContents()).toEqual(['srv-db-01', 'srv-gap']);
    await page.goto(`${fleet.hub.url}/console/hosts?sort=disk&desc=1`);
    expect((await page.locator('[data-hostname]').allTextContents()).slice(0, 2)).toEqual([
      'srv-files',
      'srv-gap',
    ]);
    await page.goto(`${fleet.hub.url}/console/hosts?state=down`);
    expect(await page.locator('[data-hostname]').count()).toBe(2);
    await page.close();
  });

  it('fits a phone: no sideways scroll, touch targets of 44 px, rows as cards', async () => {
    const page = await adminPage(PHONE);
    for (const path of [
      '/console/hosts',
      `/console/hosts/${fleet.ids['srv-gap']}`,
      '/console/admin/enrolment',
    ]) {
      await page.goto(`${fleet.hub.url}${path}`);
      expect(await sidewaysOverflow(page), path).toBeLessThanOrEqual(0);
      expect(await smallTargets(page), path).toEqual([]);
      if (path === '/console/hosts') await page.screenshot({ path: join(SCREENSHOTS, 'fleet-phone.png') });
      await page.screenshot({
        path: join(ARTIFACTS, `phone${path.replaceAll('/', '-')}.png`),
        fullPage: true,
      });
    }
    await page.close();
  });

  it('shows a host with tags, role in words, memory in Gio, updates, antivirus and the whole software list', async () => {
    const page = await adminPage();
    await page.goto(`${fleet.hub.url}/console/hosts/${fleet.ids['srv-gap']}`);
    const facts = page.locator('dl.facts').first();
    await expect.poll(() => facts.textContent(), PATIENT).toContain('Serveur');
    expect(await page.locator('.tag').allTextContents()).toEqual(['production', 'sauvegarde']);
    expect(await page.locator('.facts-table').first().textContent()).toContain('23,5 Gio');
    expect(await page.locator('#updates-title + dl').textContent()).toMatch(/Dont sécurité\s*▲ 3/);
    expect(await page.locator('#antivirus-title + dl').textContent()).toContain('ClamAV');
    // 700 packages: 14 pages of 50, and a search finds the one on another page.
    expect(await page.locator('#software').textContent()).toContain('Page 1 sur 14');
    expect(await page.locator('table.software tbody tr').count()).toBe(50);
    await page.getByLabel('Chercher un logiciel').fill('paquet-650');
    await page.getByRole('button', { name: 'Chercher' }).last().click();
    await expect.poll(() => page.locator('table.software tbody tr').count(), PATIENT).toBe(1);
    expect(await page.locator('table.software tbody').textContent()).toContain('paquet-650');
    expect(await visibleLeaks(page)).toEqual([]);
    await page.close();
  });

  it('breaks the chart line where the host stopped reporting for 70 s, with French axes', async () => {
    const page = await browser.context.newPage();
    // Keep each uPlot the page builds, to read what it drew.
    await page.addInitScript(KEEP_PLOTS);
    await page.setViewportSize(DESKTOP);
    await signIn(page, fleet.hub.url);
    await page.goto(`${fleet.hub.url}/console/hosts/${fleet.ids['srv-gap']}`);
    const chart = page.locator('[data-chart]').first();
    await expect.poll(() => chart.getAttribute('data-gaps'), PATIENT).toBe('1');
    const drawn = await page.evaluate<Drawn>(READ_PLOT);
    expect(drawn.hole).toBeGreaterThan(0);
    expect(drawn.before).not.toBeNull();
    expect(drawn.after).not.toBeNull();
    expect(drawn.spanGaps).toBe(false);
    expect(drawn.atSample).toBeGreaterThan(0);
    expect(drawn.atHole).toBe(0);
    // Tick labels are drawn on the canvas: read what uPlot wrote there.
    expect(drawn.ticks.length).toBeGreaterThan(1);
    for (const tick of drawn.ticks) expect(tick).toMatch(/^\d{2}:\d{2}$/);
    expect(await page.locator('.u-legend').first().textContent()).toContain('Heure');
    await page.close();
  });

  it('asks before revoking an agent, then keeps the host in the fleet as revoked', async () => {
    const page = await adminPage();
    const id = fleet.ids['pc-compta-02'] ?? '';
    await page.goto(`${fleet.hub.url}/console/hosts/${id}`);
    await page.getByRole('link', { name: "Révoquer l'agent de cette machine" }).click();
    await page.waitForURL(/\/revoke$/);
    expect(await page.locator('h1').textContent()).toContain('pc-compta-02');
    const agents = () =>
      fleet.hub.deps.db.selectFrom('agents').select('revoked_at').where('host_id', '=', id).execute();
    expect((await agents()).every((a) => a.revoked_at === null)).toBe(true);
    await page.getByRole('button', { name: 'Oui, révoquer' }).click();
    await page.waitForURL(/revoked=1/);
    expect(await page.locator('.revoked-note').count()).toBe(1);
    expect((await agents()).every((a) => a.revoked_at !== null)).toBe(true);
    await page.goto(`${fleet.hub.url}/console/hosts?state=revoked`);
    expect(await page.locator('[data-hostname]').allTextContents()).toEqual(['pc-compta-02']);
    expect(await page.locator('table.fleet tbody').textContent()).toContain('Révoquée');
    expect(await page.locator('.counter-revoked strong').textContent()).toBe('1');
    await page.close();
  });
});
