import { readFileSync } from 'node:fs';
import type { InventoryMessage } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { addHost } from '../incidents/testing.js';
import { storeInventory } from '../ingest/handlers/store-inventory.js';
import { createTestDeps, testHubServices, userToken } from '../test-support/test-hub.js';
import { glpiDateTime, timezone, toGlpiInventory } from './glpi-format.js';
import { type GlpiInventory, glpiInventorySchema } from './glpi-schema.js';
import { snapshotView } from './snapshot-view.js';

// A snapshot as the hub stored it from a real agent on this project's Debian VM (software cut
// to its first 30 packages to keep the file small).
const stored = () =>
  JSON.parse(readFileSync(new URL('__fixtures__/debian-vm-snapshot.json', import.meta.url), 'utf8')) as Omit<
    InventoryMessage,
    'type' | 'bootId' | 'seq' | 'at' | 'hash' | 'chunk' | 'chunks'
  >;

const HOST = { id: 'hst_1', hostname: 'vm', agentVersion: '0.1.0' };
let now = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
});

describe('toGlpiInventory', () => {
  it('turns a real stored snapshot into a GLPI inventory request that the format accepts', () => {
    const glpi = toGlpiInventory(HOST, snapshotView(stored()));
    expect(glpiInventorySchema.safeParse(glpi).error).toBeUndefined();
    expect(glpi).toMatchObject({ action: 'inventory', itemtype: 'Computer', deviceid: 'vm-hst_1' });
    expect(glpi.content.operatingsystem).toEqual({
      arch: 'x86_64',
      fqdn: 'vm',
      full_name: 'Debian GNU/Linux 12 (bookworm)',
      kernel_name: 'linux',
      kernel_version: stored().os?.kernel,
      name: 'Debian GNU/Linux',
      version: '12',
    });
    // 25 276 063 744 bytes of memory, in MB as GLPI counts them.
    expect(glpi.content.hardware).toMatchObject({ name: 'vm', memory: 24_105, vmsystem: 'KVM' });
    expect(glpi.content.cpus).toEqual([
      {
        core: 2,
        familynumber: '25',
        manufacturer: 'AMD',
        model: '17',
        name: 'AMD EPYC',
        stepping: 1,
        thread: 1,
        arch: 'x86_64',
      },
    ]);
    expect(glpi.content.networks).toEqual([
      {
        description: 'eth0',
        ipaddress: '192.0.2.2',
        ipaddress6: 'fd00::2',
        mac: '02:fc:00:00:00:01',
        mtu: 1400,
        type: 'ethernet',
        virtualdev: false,
      },
    ]);
    expect(glpi.content.softwares).toHaveLength(30);
    expect(glpi.content.softwares?.[0]).toEqual({
      name: 'adduser',
      version: '3.134',
      publisher: 'Debian Adduser Developers <adduser@packages.debian.org>',
      from: 'dpkg',
      install_date: '2025-05-20 00:00:00',
    });
  });

  it('maps a physical machine’s disks, memory and antivirus, leaving out what GLPI would refuse', () => {
    const glpi = toGlpiInventory(
      HOST,
      snapshotView({
        hardware: {
          gpuModel: 'UHD Graphics 620',
          gpuVendor: 'Intel Corporation',
          gpuVramMb: 128,
          batteryDesignCapacity: 57_000,
          batteryMaxCapacity: 45_600,
          batteryCapacityUnit: 'mWh',
          batteryChemistry: 'Li-ion',
          manufacturer: 'Dell Inc.',
          model: 'OptiPlex 7090',
          serial: 'ABC123',
          virtual: false,
          biosReleaseDate: '2023-04-11',
          biosVendor: 'Dell Inc.',
        },
        os: {
          platform: 'win32',
          distro: 'Microsoft Windows 11 Pro',
          release: '10.0.22631',
          arch: 'x64',
          hostname: 'PC-01',
          fqdn: 'pc-01.corp.example',
        },
        memoryModules: [
          { size: 8 * 1024 ** 3, bank: 'DIMM1', type: 'DDR4', clockSpeed: 3200, partNum: 'M378A1K43EB2' },
          { size: 8 * 1024 ** 3, bank: 'DIMM2', type: 'DDR4', clockSpeed: 3200 },
        ],
        disks: [
          {
            device: '/dev/nvme0n1',
            type: 'NVMe',
            name: 'PM9A1',
            size: 512e9,
            interfaceType: 'NVMe',
            serialNum: 'S1',
          },
          { device: '/dev/sda', type: 'HD', name: 'WDC WD10', size: 1e12, interfaceType: 'SATA' },
        ],
        antivirus: {
          product: 'Microsoft Defender Antivirus',
          enabled: true,
          signaturesUpToDate: false,
          signaturesAt: Date.UTC(2026, 10, 1, 8),
        },
        software: [{ name: '<script>"x"</script>\n', version: '', source: 'registry' }],
      }),
    );
    expect(glpiInventorySchema.safeParse(glpi).error).toBeUndefined();
    expect(glpi.content.bios).toEqual({
      bdate: '2023-04-11',
      bmanufacturer: 'Dell Inc.',
      smanufacturer: 'Dell Inc.',
      smodel: 'OptiPlex 7090',
      ssn: 'ABC123',
    });
    expect(glpi.content.hardware).toMatchObject({
      memory: 16_384,
      vmsystem: 'Physical',
      workgroup: 'corp.example',
    });
    expect(glpi.content.memories?.[0]).toEqual({
      capacity: 8192,
      caption: 'DIMM1',
      type: 'DDR4',
      speed: '3200 MT/s',
      model: 'M378A1K43EB2',
    });
    // NVMe is not among GLPI's storage interfaces: the field is left out, not invented.
    expect(glpi.content.storages).toEqual([
      { description: 'NVMe', disksize: 488_281, model: 'PM9A1', name: 'nvme0n1', serial: 'S1', type: 'disk' },
      {
        description: 'HD',
        disksize: 953_674,
        interface: 'SATA',
        model: 'WDC WD10',
        name: 'sda',
        type: 'disk',
      },
    ]);
    expect(glpi.content.antivirus).toEqual([
      {
        name: 'Microsoft Defender Antivirus',
        enabled: true,
        uptodate: false,
        base_creation: '2026-11-01 08:00:00',
      },
    ]);
    expect(glpi.content.softwares).toEqual([{ name: '<script>"x"</script>\n', from: 'registry' }]);
    expect(glpi.content.operatingsystem).toMatchObject({ kernel_name: 'win32', dns_domain: 'corp.example' });
    expect(glpi.content.videos).toEqual([
      { name: 'UHD Graphics 620', chipset: 'Intel Corporation', memory: 128 },
    ]);
    expect(glpi.content.batteries).toEqual([
      { capacity: 57_000, real_capacity: 45_600, chemistry: 'Li-ion' },
    ]);
  });

  it('gives a time zone its offset at the time of export, and leaves out an unknown zone', () => {
    expect(timezone('Europe/Paris', Date.UTC(2026, 0, 15))).toEqual({
      name: 'Europe/Paris',
      offset: '+0100',
    });
    expect(timezone('Europe/Paris', Date.UTC(2026, 6, 15))).toEqual({
      name: 'Europe/Paris',
      offset: '+0200',
    });
    expect(timezone('America/St_Johns', Date.UTC(2026, 0, 15))).toEqual({
      name: 'America/St_Johns',
      offset: '-0330',
    });
    expect(timezone('Etc/UTC')).toEqual({ name: 'Etc/UTC', offset: '+0000' });
    expect(timezone('<script>')).toBeUndefined();
  });

  it('writes dates as GLPI does, in UTC', () => {
    expect(glpiDateTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02 03:04:05');
  });
});

describe('GET /api/v1/hosts/:id/inventory.glpi.json', () => {
  const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${admin}` } });

  it('exports the stored inventory of a host as a GLPI file', async () => {
    const host = await addHost(deps.db);
    const message: InventoryMessage = {
      type: 'inventory',
      bootId: 'boot-0001',
      seq: 1,
      at: now,
      hash: 'hash-0001',
      chunk: 0,
      chunks: 1,
      ...stored(),
    };
    await deps.db
      .transaction()
      .execute((trx) => storeInventory(trx, { agentId: 'agt_1', hostId: host }, message, now));
    const res = await get(`/api/v1/hosts/${host}/inventory.glpi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="host-\d+\.glpi\.json"$/);
    const body = (await res.json()) as GlpiInventory;
    expect(glpiInventorySchema.safeParse(body).error).toBeUndefined();
    expect(body.deviceid).toBe(`host-${host.split('_').at(-1)}-${host}`);
    expect(body.content.softwares?.map((s) => s.name)).toEqual(stored().software?.map((s) => s.name));
  });

  it('answers 404 for a host without inventory and for an unknown host', async () => {
    const host = await addHost(deps.db);
    expect((await get(`/api/v1/hosts/${host}/inventory.glpi.json`)).status).toBe(404);
    expect((await get('/api/v1/hosts/hst_missing/inventory.glpi.json')).status).toBe(404);
  });
});
