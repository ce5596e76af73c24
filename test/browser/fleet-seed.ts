import { createConsoleUser, createEnrolmentToken, enrolAgent, type RunningHub } from '@vigie/hub';
import type { Page } from 'playwright-core';
import { startInProcessHub } from '../support/in-process-hub.js';

// A hub with a small, varied fleet for the fleet, host, licence and warranty browser tests: hosts
// of three clients (Linux servers, Windows workstations), health past thresholds, one host with a
// 70 s stop in its samples, a 700-package inventory and hardware serials (one a placeholder).

export const PASSWORD = 'mot de passe solide';
const MIN = 60_000;

export interface Fleet {
  readonly hub: RunningHub;
  /** Host id by hostname. */
  readonly ids: Readonly<Record<string, string>>;
}

const HOSTS = [
  {
    hostname: 'srv-gap',
    client: 'acme',
    site: 'lyon',
    role: 'server',
    linux: true,
    cpu: 95.2,
    mem: 61,
    disk: 83.4,
  },
  {
    hostname: 'srv-db-01',
    client: 'acme',
    site: 'lyon',
    role: 'server',
    linux: true,
    cpu: 12,
    mem: 88.1,
    disk: 40,
  },
  {
    hostname: 'pc-compta-02',
    client: 'acme',
    site: 'paris',
    role: 'workstation',
    linux: false,
    cpu: 5,
    mem: 45,
    disk: 52,
  },
  {
    hostname: 'pc-oem',
    client: 'boulangerie-martin',
    site: 'centre',
    role: 'workstation',
    linux: false,
    cpu: 3,
    mem: 30,
    disk: 20,
  },
  {
    hostname: 'poste-accueil-avec-un-nom-tres-long-pour-voir-le-retour-a-la-ligne',
    client: 'boulangerie-martin',
    site: 'centre',
    role: 'workstation',
    linux: false,
    cpu: null,
    mem: null,
    disk: null,
  },
  {
    hostname: 'srv-files',
    client: 'cabinet-durand',
    site: 'nantes',
    role: 'server',
    linux: true,
    cpu: 40,
    mem: 50,
    disk: 97.5,
  },
] as const;

export async function seedFleet(): Promise<Fleet> {
  const hub = await startInProcessHub();
  const created = await createConsoleUser(hub.deps, { name: 'admin', role: 'admin', password: PASSWORD });
  if (!created.ok) throw new Error(created.code);
  const now = Date.now();
  const ids: Record<string, string> = {};
  for (const [i, h] of HOSTS.entries()) {
    const { token } = await createEnrolmentToken(hub.deps, {
      client: h.client,
      site: h.site,
      role: h.role,
      maxUses: 1,
      ttlMs: 3_600_000,
    });
    const os = h.linux
      ? { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' }
      : {
          platform: 'win32',
          distro: 'Microsoft Windows 11 Pro',
          release: '10.0.22631',
          kernel: '10.0.22631',
          arch: 'x64',
        };
    const fingerprint = (i + 16).toString(16).padStart(2, '0').repeat(16);
    const enrolled = await enrolAgent(hub.deps, {
      token,
      fingerprint,
      hostname: h.hostname,
      os,
    } as Parameters<typeof enrolAgent>[1]);
    if (!enrolled.ok) throw new Error(enrolled.code);
    const id = enrolled.response.hostId;
    ids[h.hostname] = id;
    await hub.deps.db
      .updateTable('hosts')
      .set({
        connected: i % 3 === 2 ? 0 : 1,
        last_seen_at: now - i * MIN,
        last_sample_at: h.cpu === null ? null : now - i * MIN,
        cpu_pct: h.cpu,
        mem_pct: h.mem,
        disk_max_pct: h.disk,
        tags: JSON.stringify(h.role === 'server' ? ['production', 'sauvegarde'] : []),
      })
      .where('id', '=', id)
      .execute();
  }
  await seedGapSamples(hub, ids['srv-gap'] ?? '', now);
  await seedInventory(hub, ids, now);
  return { hub, ids };
}

/** 40 minutes of a sample every 10 s on srv-gap, with one 70 s stop 20 minutes ago. */
async function seedGapSamples(hub: RunningHub, hostId: string, now: number) {
  const start = now - 40 * MIN;
  const stopAt = now - 20 * MIN;
  const rows = [];
  let seq = 0;
  for (let at = start; at < now; at += 10_000) {
    if (at > stopAt && at < stopAt + 80_000) continue;
    seq += 1;
    rows.push({
      host_id: hostId,
      boot_id: 'boot_gap',
      seq,
      idx: 0,
      at,
      received_at: at,
      cpu_pct: 40 + (seq % 7),
      mem_pct: 60,
      swap_pct: 0,
      disk_max_pct: 83,
      load1: 0.5,
      payload: '{}',
    });
  }
  for (let i = 0; i < rows.length; i += 100)
    await hub.deps.db
      .insertInto('samples')
      .values(rows.slice(i, i + 100))
      .execute();
}

async function seedInventory(hub: RunningHub, ids: Record<string, string>, now: number) {
  const software = Array.from({ length: 700 }, (_, i) => ({
    name: i === 0 ? 'Acrobat Reader' : `paquet-${String(i).padStart(3, '0')}`,
    version: `1.${i}`,
    publisher: i % 2 ? 'Debian' : 'Adobe',
    source: 'dpkg',
  }));
  const payload = {
    hardware: {
      manufacturer: 'Dell Inc.',
      model: 'PowerEdge R250',
      serial: 'SN-GAP-001',
      memTotal: 25_276_182_528,
    },
    os: { distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
    updates: { manager: 'apt', pending: 12, security: 3, rebootRequired: true },
    antivirus: { product: 'ClamAV', enabled: true, signaturesAt: now - 86_400_000, signaturesUpToDate: true },
    software,
  };
  const gap = ids['srv-gap'] ?? '';
  await hub.deps.db
    .insertInto('inventories')
    .values({
      host_id: gap,
      hash: 'h1',
      collected_at: now,
      received_at: now,
      payload: JSON.stringify(payload),
    })
    .execute();
  await hub.deps.db
    .insertInto('inventory_hardware')
    .values([
      {
        host_id: gap,
        serial: 'SN-GAP-001',
        manufacturer: 'Dell Inc.',
        model: 'PowerEdge',
        memory_bytes: 25_276_182_528,
        updated_at: now,
      },
      {
        host_id: ids['pc-oem'] ?? '',
        serial: 'To be filled by O.E.M.',
        manufacturer: 'OEM',
        model: 'Box',
        memory_bytes: null,
        updated_at: now,
      },
    ])
    .execute();
  // "Acrobat Reader" on three hosts: a one-seat licence of it is over-deployed by two.
  await hub.deps.db
    .insertInto('inventory_software')
    .values(
      ['srv-gap', 'pc-compta-02', 'pc-oem'].map((h) => ({
        host_id: ids[h] ?? '',
        name: 'Acrobat Reader',
        version: '24.1',
        publisher: 'Adobe',
        source: 'registry',
        installed_at: null,
      })),
    )
    .execute();
}

/** Sign in as admin in a browser that forgets any earlier session first. */
export async function signIn(page: Page, url: string) {
  await page.context().clearCookies();
  await page.goto(`${url}/console/sign-in`);
  await page.getByLabel('Identifiant').fill('admin');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/console\/queue\//);
}

/** What a person reads on the page must hold no epoch in ms and no internal id. */
export async function visibleLeaks(page: Page): Promise<string[]> {
  // innerText on purpose: what is rendered and visible, not attributes or hidden templates.
  // biome-ignore lint/performance/useDomNodeTextContent: the visible text is the point
  const text = await page.locator('body').innerText();
  return [...text.matchAll(/\b\d{13}\b|\b(?:hst|agt|lic|inc|enr|tok|usr)_[A-Za-z0-9]+/g)].map((m) => m[0]);
}

// Run in the page (the test project has no DOM types, so as source text).
const OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';
const SMALL_TARGETS = `[...document.querySelectorAll('main a, main button, main select, main input:not([type=hidden]), main summary')]
  .filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.height < 43.5 && el.type !== 'checkbox';
  })
  .map((el) => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30) + ' ' + Math.round(el.getBoundingClientRect().height) + 'px')`;

/** How far the page scrolls sideways past the viewport (0: it fits). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>(OVERFLOW);
}

/** Visible controls of <main> smaller than 44 px high (touch targets), described. */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(SMALL_TARGETS);
}
