import type { InventoryMessage, Software } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { addHost } from '../incidents/testing.js';
import { storeInventory } from '../ingest/handlers/store-inventory.js';
import { createTestDeps, testHubServices, userToken } from '../test-support/test-hub.js';

const DAY = 86_400_000;
let now = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

const pkg = (name: string, version: string, source = 'dpkg'): Software => ({ name, version, source });

/** Stores a one-chunk snapshot as the ingest does when its last chunk arrives. */
async function sendInventory(hostId: string, body: Partial<InventoryMessage>, hash: string) {
  const message: InventoryMessage = {
    type: 'inventory',
    bootId: 'boot-0001',
    seq: 1,
    at: now,
    hash,
    chunk: 0,
    chunks: 1,
    hardware: { serial: 'SER-1' },
    os: { distro: 'Debian GNU/Linux' },
    cpu: {},
    ...body,
  };
  await deps.db
    .transaction()
    .execute((trx) => storeInventory(trx, { agentId: 'agt_1', hostId }, message, now));
}

interface SoftwareHit {
  hostId: string;
  name: string;
  version: string;
  client: string;
}
interface Answer {
  changes: { field: string; kind: string }[];
  hosts: number;
  count: number;
  software: SoftwareHit[];
}

const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${admin}` } });
const json = async (path: string) => (await (await get(path)).json()) as Answer;

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
});

describe('GET /api/v1/hosts/:id/inventory/changes', () => {
  it('records nothing for the first snapshot and one "upgraded" change when a package moves', async () => {
    const host = await addHost(deps.db);
    await sendInventory(host, { software: [pkg('bash', '5.2.15-2'), pkg('curl', '7.88')] }, 'hash-0001');
    expect((await json(`/api/v1/hosts/${host}/inventory/changes`)).changes).toEqual([]);

    now += DAY;
    await sendInventory(host, { software: [pkg('bash', '5.2.15-2+b7'), pkg('curl', '7.88')] }, 'hash-0002');
    const body = await json(`/api/v1/hosts/${host}/inventory/changes`);
    expect(body.changes).toEqual([
      {
        at: now,
        kind: 'software_upgraded',
        field: 'software:dpkg:bash',
        old: '5.2.15-2',
        new: '5.2.15-2+b7',
        security: false,
      },
    ]);
  });

  it('flags a changed serial number as security-relevant and filters on it', async () => {
    const host = await addHost(deps.db);
    await sendInventory(host, { software: [pkg('bash', '1')] }, 'hash-0001');
    await sendInventory(
      host,
      { hardware: { serial: 'SER-2' }, software: [pkg('bash', '1'), pkg('nc', '1')] },
      'hash-0002',
    );
    const body = await json(`/api/v1/hosts/${host}/inventory/changes?security=true`);
    expect(body.changes).toMatchObject([
      { field: 'hardware.serial', old: 'SER-1', new: 'SER-2', security: true },
    ]);
  });

  it('answers 404 for an unknown host', async () => {
    expect((await get('/api/v1/hosts/hst_missing/inventory/changes')).status).toBe(404);
  });
});

describe('GET /api/v1/inventory/software', () => {
  it('finds which hosts have a package, case-insensitively, optionally at a version', async () => {
    const [a, b, c] = [await addHost(deps.db), await addHost(deps.db), await addHost(deps.db)];
    await sendInventory(a, { software: [pkg('bash', '5.2'), pkg('bash-completion', '1')] }, 'hash-000a');
    await sendInventory(b, { software: [pkg('bash', '5.1')] }, 'hash-000b');
    await sendInventory(c, { software: [pkg('zsh', '5.9')] }, 'hash-000c');

    const all = await json('/api/v1/inventory/software?name=BASH');
    expect(all).toMatchObject({ hosts: 2, count: 2 });
    expect(all.software.map((s) => s.hostId).sort()).toEqual([a, b].sort());
    const old = await json('/api/v1/inventory/software?name=bash&version=5.1');
    expect(old.software).toMatchObject([{ hostId: b, version: '5.1', client: 'acme' }]);
    expect((await json('/api/v1/inventory/software?contains=bash')).count).toBe(3);
    expect((await json('/api/v1/inventory/software?name=bash&client=other')).count).toBe(0);
    const below = await json('/api/v1/inventory/software?name=bash&below=5.2~');
    expect(below.software.map((s) => s.hostId)).toEqual([b]);
  });

  it('stores hostile names verbatim and matches LIKE wildcards literally', async () => {
    const host = await addHost(deps.db);
    const hostile = `<script>alert("x")</script>\n'; DROP TABLE hosts;--`;
    await sendInventory(
      host,
      { software: [pkg(hostile, '1'), pkg('a_b%c', '1'), pkg('axbyc', '1')] },
      'hash-0001',
    );
    const found = await json(`/api/v1/inventory/software?name=${encodeURIComponent(hostile)}`);
    expect(found.software).toMatchObject([{ name: hostile }]);
    const literal = await json('/api/v1/inventory/software?contains=_b%25');
    expect(literal.software.map((s) => s.name)).toEqual(['a_b%c']);
  });

  it('refuses a search without any filter', async () => {
    expect((await get('/api/v1/inventory/software')).status).toBe(400);
  });
});

describe('GET /api/v1/inventory/hosts?ramBelowGb=', () => {
  it('lists hosts with less memory than asked, from installed modules or else what the OS sees', async () => {
    const GIB = 1024 ** 3;
    const [small, vm, big, none] = [
      await addHost(deps.db),
      await addHost(deps.db),
      await addHost(deps.db),
      await addHost(deps.db),
    ];
    await sendInventory(small, { memoryModules: [{ size: 2 * GIB }, { size: 2 * GIB }] }, 'hash-000a');
    await sendInventory(vm, { hardware: { memTotal: 7.6 * GIB } }, 'hash-000b');
    await sendInventory(
      big,
      { memoryModules: [{ size: 16 * GIB }], hardware: { memTotal: 15.5 * GIB } },
      'hash-000c',
    );
    await sendInventory(none, { hardware: {} }, 'hash-000d');
    const res = await get('/api/v1/inventory/hosts?ramBelowGb=8');
    const body = (await res.json()) as { hosts: { hostId: string; memoryGb: number }[] };
    expect(body.hosts.map((h) => [h.hostId, h.memoryGb])).toEqual([
      [small, 4],
      [vm, 7.6],
    ]);
    expect((await get('/api/v1/inventory/hosts?ramBelowGb=8&client=other')).status).toBe(200);
    expect((await get('/api/v1/inventory/hosts')).status).toBe(400);
    expect((await get('/api/v1/inventory/hosts?ramBelowGb=-1')).status).toBe(400);
  });
});

describe('GET /api/v1/inventory/os', () => {
  it('counts hosts per OS version', async () => {
    await addHost(deps.db);
    await addHost(deps.db);
    const res = await get('/api/v1/inventory/os');
    expect(await res.json()).toEqual({
      os: [{ platform: 'linux', distro: 'Debian', release: '12', hosts: 2 }],
    });
  });
});

describe('GET /api/v1/inventory/software.csv', () => {
  it('exports CSV with formula starts neutralised and separators quoted', async () => {
    const host = await addHost(deps.db);
    await sendInventory(
      host,
      { software: [{ name: "=cmd|' /C calc'!A0", version: '1,0', publisher: '@evil', source: 'registry' }] },
      'hash-0001',
    );
    const res = await get('/api/v1/inventory/software.csv?client=acme');
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('hostname,client,site,name,version,publisher,source,installed_at');
    expect(lines[1]).toMatch(/^host-\d+,acme,paris,'=cmd\|' \/C calc'!A0,"1,0",'@evil,registry,$/);
  });

  it('neutralises a formula behind a `;` for spreadsheets that split on it, and keeps the stored name verbatim', async () => {
    const host = await addHost(deps.db);
    await sendInventory(
      host,
      { software: [{ name: 'aa;=1+1', version: '1', publisher: 'x;@SUM(A1)', source: 'dpkg' }] },
      'hash-0002',
    );
    const text = await (await get('/api/v1/inventory/software.csv?client=acme')).text();
    for (const separator of [',', ';'])
      for (const piece of text.split(/\r\n/).flatMap((line) => line.split(separator)))
        expect(piece).not.toMatch(/^[ "]*[=+\-@\t\r]/);
    expect(text).toContain(`"aa;'=1+1"`);
    const stored = await deps.db.selectFrom('inventory_software').select(['name', 'publisher']).execute();
    expect(stored).toEqual([{ name: 'aa;=1+1', publisher: 'x;@SUM(A1)' }]);
  });
});
