import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleUser, createUserWithToken, type RunningHub, startHub } from '@vigie/hub';
import { pino } from 'pino';
import type { Page } from 'playwright-core';

// A real hub (SQLite in a temp dir, port 0) with a site outage (three silent hosts of one site:
// one site ticket, three children), a lone silent host whose name carries a right-to-left
// override, and a ticket opened by hand, escalated to N2 and commented — with no notification
// channel at all, so nobody is paged for the escalation.

export const PASSWORD = 'mot de passe solide';
/** Displays as "poste-exe.png" if the override is obeyed. */
export const BIDI_HOST = 'poste-\u202Egnp.exe';
export const PATIENT = { timeout: 30_000, interval: 200 };
const MIN = 60_000;

export interface QueueFixture {
  hub: RunningHub;
  techToken: string;
  close(): Promise<void>;
}

export async function startQueueFixture(): Promise<QueueFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-queue-'));
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
  const hub = started.hub;
  for (const [name, role] of [
    ['nadia', 'n3'],
    ['bruno', 'n1'],
    ['admin', 'admin'],
  ] as const) {
    const created = await createConsoleUser(hub.deps, { name, role, password: PASSWORD });
    if (!created.ok) throw new Error(created.code);
  }
  const tech = await createUserWithToken(hub.deps, { name: 'api-tech', role: 'n2' });
  if (!tech.ok) throw new Error('api user');

  const lastSeen = Date.now() - 10 * MIN;
  const hosts = [
    { hostname: 'lyon-pc-01', site: 'lyon', role: 'workstation', tags: [] },
    { hostname: 'lyon-pc-02', site: 'lyon', role: 'workstation', tags: [] },
    { hostname: 'lyon-srv-paie', site: 'lyon', role: 'server', tags: ['production'] },
    { hostname: BIDI_HOST, site: 'paris', role: 'workstation', tags: [] },
  ] as const;
  let n = 0;
  for (const host of hosts) {
    n += 1;
    await hub.deps.db
      .insertInto('hosts')
      .values({
        id: `hst_browser_${n}`,
        hostname: host.hostname,
        fingerprint: `fp_browser_${n}`,
        client: 'acme',
        site: host.site,
        role: host.role,
        tags: JSON.stringify(host.tags),
        os_platform: 'linux',
        os_distro: 'Debian',
        os_release: '12',
        os_kernel: '6.1',
        os_arch: 'x64',
        agent_version: '0.1.0',
        first_seen_at: lastSeen - 60 * MIN,
        last_seen_at: lastSeen,
        connected: 0,
        last_sample_at: null,
        cpu_pct: null,
        mem_pct: null,
        swap_pct: null,
        disk_max_pct: null,
        load1: null,
      })
      .execute();
  }
  const checks = async () =>
    (
      await hub.deps.db.selectFrom('incidents').select('check').where('open_key', 'is not', null).execute()
    ).map((i) => i.check);
  for (let waited = 0; ; waited += PATIENT.interval) {
    const open = await checks();
    if (open.includes('site.silent') && open.filter((c) => c === 'host.silent').length === 4) break;
    if (waited > PATIENT.timeout) throw new Error(`no site outage: ${open.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, PATIENT.interval));
  }

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const manual = await api('POST', '/api/v1/incidents', {
    client: 'acme',
    site: 'lyon',
    title: 'Imprimante du 2e étage bloquée',
  });
  if (manual.status !== 201) throw new Error(`manual ticket: ${manual.status}`);
  const { incident } = (await manual.json()) as { incident: { id: string } };
  if ((await api('POST', `/api/v1/incidents/${incident.id}/escalate`, {})).status !== 200)
    throw new Error('escalate');
  if (
    (await api('POST', `/api/v1/incidents/${incident.id}/comment`, { text: 'Bourrage papier' })).status !==
    200
  )
    throw new Error('comment');

  return {
    hub,
    techToken: tech.token,
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sign in through the form, as a person would. */
export async function signIn(page: Page, url: string, name: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${url}/console/sign-in`);
  await page.getByLabel('Identifiant').fill(name);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/console\/queue\//);
}

/** What a technician must never read on a French page. */
export const MACHINE_TEXT: readonly RegExp[] = [
  /\b\d{13}\b/, // an epoch
  /\b(hst|inc|lic|prb|usr|nch|esc|m)_[A-Za-z0-9]/, // an internal id
  /\{"/, // JSON
  /\b[a-z]+_[a-z_]+\b/, // an event or state code (priority_raised, in_progress)
  /Host silent on|observedAt|route: default|not a cron|must not be/,
];
