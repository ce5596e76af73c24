import { readFileSync } from 'node:fs';
import { type InventoryMessage, inventorySchema, LIMITS, type Software } from '@vigie/shared';
import type { Systeminformation } from 'systeminformation';
import { describe, expect, it, vi } from 'vitest';
import {
  collectInventory,
  hashInventory,
  type InventorySi,
  type InventorySnapshot,
  toInventoryChunks,
} from './index.js';

// systeminformation's answers recorded on this machine (a Debian VM in a container).
type Recording = { [K in keyof InventorySi]-?: Awaited<ReturnType<NonNullable<InventorySi[K]>>> };
const recorded = (): Recording =>
  JSON.parse(readFileSync(new URL('__fixtures__/linux-vm.json', import.meta.url), 'utf8')) as Recording;

function fakeSi(rec: Recording): InventorySi {
  return {
    system: async () => rec.system,
    bios: async () => rec.bios,
    chassis: async () => rec.chassis,
    osInfo: async () => rec.osInfo,
    cpu: async () => rec.cpu,
    memLayout: async () => rec.memLayout,
    diskLayout: async () => rec.diskLayout,
    networkInterfaces: async () => rec.networkInterfaces,
    uuid: async () => rec.uuid,
  };
}

const disk: Systeminformation.DiskLayoutData = {
  device: '/dev/sda',
  type: 'SSD',
  name: 'Samsung SSD 860',
  vendor: 'Samsung',
  size: 500e9,
  bytesPerSector: 512,
  totalCylinders: 0,
  totalHeads: 0,
  totalSectors: 0,
  totalTracks: 0,
  tracksPerCylinder: 0,
  sectorsPerTrack: 0,
  firmwareRevision: 'RVT04B6Q',
  serialNum: 'S3Z',
  interfaceType: 'SATA',
  smartStatus: 'unknown',
  temperature: null,
};
const noBattery: Systeminformation.BatteryData = {
  hasBattery: false,
  cycleCount: 0,
  isCharging: false,
  designedCapacity: 0,
  maxCapacity: 0,
  currentCapacity: 0,
  voltage: 0,
  capacityUnit: '',
  percent: 0,
  timeRemaining: 0,
  acConnected: true,
  type: '',
  model: '',
  manufacturer: '',
  serial: '',
};

const stamp = (chunk: Omit<InventoryMessage, 'bootId' | 'seq'>, seq: number): InventoryMessage => ({
  ...chunk,
  bootId: 'boot-0001',
  seq,
});

describe('collectInventory', () => {
  it('keeps stable, non-empty facts of the recorded machine', async () => {
    const snap = await collectInventory({ si: fakeSi(recorded()), clock: () => 1000 });
    expect(snap.os).toMatchObject({
      platform: 'linux',
      distro: 'Debian GNU/Linux',
      release: '12',
      arch: 'x64',
    });
    expect(snap.cpu).toMatchObject({ manufacturer: 'AMD', cores: 2 });
    expect(snap.cpu).not.toHaveProperty('flags');
    expect(snap.hardware).toMatchObject({ model: 'Docker Container' });
    expect(snap.hardware).not.toHaveProperty('manufacturer');
    expect(snap.networkInterfaces.every((n) => n.iface !== 'lo')).toBe(true);
    expect(snap.software).toEqual([]);
  });

  it('adds the first graphics controller, the battery’s wear, the time zone and SMART status', async () => {
    const si: InventorySi = {
      ...fakeSi(recorded()),
      diskLayout: async () => [{ ...disk, smartStatus: 'Ok' }],
      graphics: async () => ({
        controllers: [
          {
            vendor: 'Intel Corporation',
            model: 'UHD Graphics 620',
            vram: 128,
            bus: 'Onboard',
            vramDynamic: true,
          },
          { vendor: 'NVIDIA', model: 'MX150', vram: 2048, bus: 'PCIe', vramDynamic: false },
        ],
      }),
      battery: async () => ({
        ...noBattery,
        hasBattery: true,
        designedCapacity: 57000,
        maxCapacity: 45600,
        capacityUnit: 'mWh',
        type: 'Li-ion',
        model: 'DELL 7FHHV',
      }),
    };
    const snap = await collectInventory({ si, clock: () => 1000, timezone: () => 'Europe/Paris' });
    expect(snap.hardware).toMatchObject({
      gpuModel: 'UHD Graphics 620',
      gpuVendor: 'Intel Corporation',
      gpuVramMb: 128,
      gpuCount: 2,
      batteryDesignCapacity: 57000,
      batteryMaxCapacity: 45600,
      batteryCapacityUnit: 'mWh',
      batteryChemistry: 'Li-ion',
    });
    expect(snap.hardware).not.toHaveProperty('batteryPercent');
    expect(snap.os).toMatchObject({ timezone: 'Europe/Paris' });
    expect(snap.disks[0]).toMatchObject({ smartStatus: 'Ok' });
    const desktop = await collectInventory({
      si: { ...si, battery: async () => noBattery },
      clock: () => 1000,
    });
    expect(Object.keys(desktop.hardware).filter((k) => k.startsWith('battery'))).toEqual([]);
  });

  it('drops (never truncates) a fact longer than the wire allows, and logs it', async () => {
    const rec = recorded();
    rec.system = { ...rec.system, serial: 'x'.repeat(LIMITS.maxTextLength + 1) };
    const log = vi.fn();
    const snap = await collectInventory({ si: fakeSi(rec), clock: () => 1000, log });
    expect(snap.hardware).not.toHaveProperty('serial');
    expect(log).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ fact: 'serial', limit: 'INVENTORY_FACT_TOO_LONG' }),
    );
  });

  it('leaves out the part whose source fails', async () => {
    const si = { ...fakeSi(recorded()), diskLayout: async () => Promise.reject(new Error('lsblk missing')) };
    const log = vi.fn();
    const snap = await collectInventory({ si, clock: () => 1000, log });
    expect(snap.disks).toEqual([]);
    expect(log).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ source: 'diskLayout' }));
  });
});

describe('hashInventory', () => {
  it('ignores collection time and key order', async () => {
    const a = await collectInventory({ si: fakeSi(recorded()), clock: () => 1 });
    const b = await collectInventory({ si: fakeSi(recorded()), clock: () => 2 });
    const reordered: InventorySnapshot = { ...b, os: Object.fromEntries(Object.entries(b.os).reverse()) };
    expect(hashInventory(reordered)).toBe(hashInventory(a));
    expect(hashInventory(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a fact changes', async () => {
    const a = await collectInventory({ si: fakeSi(recorded()), clock: () => 1 });
    expect(hashInventory({ ...a, os: { ...a.os, release: '13' } })).not.toBe(hashInventory(a));
  });
});

describe('toInventoryChunks', () => {
  it('sends a software-less snapshot as one valid chunk', async () => {
    const snap = await collectInventory({ si: fakeSi(recorded()), clock: () => 1000 });
    const chunks = toInventoryChunks(snap, hashInventory(snap));
    expect(chunks).toHaveLength(1);
    expect(inventorySchema.safeParse(stamp(chunks[0]!, 1)).success).toBe(true);
  });

  it('spreads software over chunks, facts only in the first', async () => {
    const snap = await collectInventory({ si: fakeSi(recorded()), clock: () => 1000 });
    const software: Software[] = Array.from({ length: LIMITS.maxSoftwarePerChunk + 5 }, (_, i) => ({
      name: `pkg-${i}`,
      version: '1.0',
      source: 'dpkg',
    }));
    const chunks = toInventoryChunks({ ...snap, software }, 'abcdef0123456789');
    expect(chunks.map((c) => [c.chunk, c.chunks, c.software?.length])).toEqual([
      [0, 2, LIMITS.maxSoftwarePerChunk],
      [1, 2, 5],
    ]);
    expect(chunks[1]).not.toHaveProperty('hardware');
    for (const [i, c] of chunks.entries())
      expect(inventorySchema.safeParse(stamp(c, i + 1)).success).toBe(true);
  });

  it('keeps every chunk under the frame limit when entries are as long as the wire allows', async () => {
    const snap = await collectInventory({ si: fakeSi(recorded()), clock: () => 1000 });
    const long = 'é'.repeat(LIMITS.maxNameLength);
    const software: Software[] = Array.from({ length: 5000 }, (_, i) => ({
      name: `${i}${long}`.slice(0, LIMITS.maxNameLength),
      version: long,
      publisher: long,
      source: 'registry',
    }));
    const chunks = toInventoryChunks({ ...snap, software }, 'abcdef0123456789');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flatMap((c) => c.software ?? [])).toHaveLength(5000);
    for (const [i, c] of chunks.entries()) {
      expect(Buffer.byteLength(JSON.stringify(stamp(c, i + 1)))).toBeLessThan(LIMITS.maxFrameBytes);
      expect(inventorySchema.safeParse(stamp(c, i + 1)).success).toBe(true);
    }
  });
});
