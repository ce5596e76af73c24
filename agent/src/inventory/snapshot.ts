import type { Software } from '@vigie/shared';
import { LIMITS } from '@vigie/shared';
import type { Systeminformation } from 'systeminformation';
import { type DropLog, type Facts, mergeFacts, pickFacts } from './facts.js';

/** The `systeminformation` calls an inventory needs (all slow, some spawn: never per cycle). */
export interface InventorySi {
  system(): Promise<Systeminformation.SystemData>;
  bios(): Promise<Systeminformation.BiosData>;
  chassis(): Promise<Systeminformation.ChassisData>;
  osInfo(): Promise<Systeminformation.OsData>;
  cpu(): Promise<Systeminformation.CpuData>;
  memLayout(): Promise<Systeminformation.MemLayoutData[]>;
  diskLayout(): Promise<Systeminformation.DiskLayoutData[]>;
  networkInterfaces(): Promise<Systeminformation.NetworkInterfacesData[]>;
  uuid(): Promise<Systeminformation.UuidData>;
  /** Total memory the OS sees (reads /proc/meminfo on Linux); optional for recorded fakes. */
  mem?(): Promise<Pick<Systeminformation.MemData, 'total'>>;
  /** Graphics controllers (lspci on Linux); optional for recorded fakes. */
  graphics?(): Promise<Pick<Systeminformation.GraphicsData, 'controllers'>>;
  /** The battery, if any (/sys on Linux); optional for recorded fakes. */
  battery?(): Promise<Systeminformation.BatteryData>;
}

/** One machine's inventory at one time; the wire splits it into chunks. */
export interface InventorySnapshot {
  readonly at: number;
  readonly hardware: Facts;
  readonly os: Facts;
  readonly cpu: Facts;
  readonly memoryModules: Facts[];
  readonly disks: Facts[];
  readonly networkInterfaces: Facts[];
  /** Pending OS updates and reboot (`manager`, `pending`, `security`, `rebootRequired`). */
  readonly updates: Facts;
  /** The antivirus found (`product`, `enabled`, `signaturesAt`…); empty when none. */
  readonly antivirus: Facts;
  /** Installed software from every source present (dpkg, rpm, apk, snap, flatpak…). */
  readonly software: Software[];
}

/** What `collectInventory` needs. */
export interface InventoryDeps {
  si: InventorySi;
  clock: () => number;
  log?: DropLog;
  /** Installed software; absent means none is collected. */
  software?: () => Promise<Software[]>;
  /** Pending updates; absent means none is collected. */
  updates?: () => Promise<Facts>;
  /** Antivirus facts; absent means none is collected. */
  antivirus?: () => Promise<Facts>;
  /** The machine's IANA time zone (`Europe/Paris`); absent means not collected. */
  timezone?: () => string;
}

// Only stable facts: anything that moves on its own (link state, current clock speed, disk
// temperature, governor) would change the hash and resend the inventory for nothing.
const SYSTEM_KEYS = [
  'manufacturer',
  'model',
  'version',
  'serial',
  'uuid',
  'sku',
  'virtual',
  'virtualHost',
] as const;
const BIOS_KEYS = [
  ['vendor', 'biosVendor'],
  ['version', 'biosVersion'],
  ['releaseDate', 'biosReleaseDate'],
] as const;
const CHASSIS_KEYS = [
  ['type', 'chassisType'],
  ['manufacturer', 'chassisManufacturer'],
  ['serial', 'chassisSerial'],
  ['assetTag', 'assetTag'],
] as const;
const OS_KEYS = [
  'platform',
  'distro',
  'release',
  'codename',
  'kernel',
  'arch',
  'hostname',
  'fqdn',
  'build',
  'servicepack',
  'uefi',
  ['serial', 'osSerial'],
] as const;
const CPU_KEYS = [
  'manufacturer',
  'brand',
  'vendor',
  'family',
  'model',
  'stepping',
  'speedMax',
  'cores',
  'physicalCores',
  'performanceCores',
  'efficiencyCores',
  'processors',
  'socket',
  'virtualization',
] as const;
const MEMORY_KEYS = [
  'size',
  'bank',
  'type',
  'ecc',
  'clockSpeed',
  'formFactor',
  'manufacturer',
  'partNum',
  'serialNum',
] as const;
const DISK_KEYS = [
  'device',
  'type',
  'name',
  'vendor',
  'size',
  'firmwareRevision',
  'serialNum',
  'interfaceType',
  'smartStatus',
] as const;
// Design against full capacity tells the battery's wear; the charge level is not inventory.
const BATTERY_KEYS = [
  ['designedCapacity', 'batteryDesignCapacity'],
  ['maxCapacity', 'batteryMaxCapacity'],
  ['capacityUnit', 'batteryCapacityUnit'],
  ['type', 'batteryChemistry'],
  ['model', 'batteryModel'],
  ['manufacturer', 'batteryManufacturer'],
  ['serial', 'batterySerial'],
] as const;

/** The first graphics controller as facts, and how many there are. */
function gpuFacts(controllers: readonly Systeminformation.GraphicsControllerData[], log: DropLog): Facts {
  const [first] = controllers;
  if (!first) return {};
  const facts = pickFacts(
    first,
    [
      ['model', 'gpuModel'],
      ['vendor', 'gpuVendor'],
      ['vram', 'gpuVramMb'],
    ],
    log,
  );
  return { ...facts, gpuCount: controllers.length };
}

const NIC_KEYS = ['iface', 'ifaceName', 'mac', 'ip4', 'ip6', 'type', 'virtual', 'mtu', 'dhcp'] as const;

/** Collects a hardware and OS inventory through systeminformation; a failing call leaves its part empty. */
export async function collectInventory(deps: InventoryDeps): Promise<InventorySnapshot> {
  const log: DropLog = deps.log ?? (() => {});
  const settle = <T>(name: string, call: () => Promise<T>): Promise<T | undefined> =>
    call().catch((err: unknown) => {
      log('inventory source failed', { source: name, err: err instanceof Error ? err.message : String(err) });
      return undefined;
    });
  const { si } = deps;
  const [
    system,
    bios,
    chassis,
    os,
    cpu,
    memLayout,
    diskLayout,
    nics,
    uuid,
    mem,
    graphics,
    battery,
    software,
    updates,
    antivirus,
  ] = await Promise.all([
    settle('system', () => si.system()),
    settle('bios', () => si.bios()),
    settle('chassis', () => si.chassis()),
    settle('osInfo', () => si.osInfo()),
    settle('cpu', () => si.cpu()),
    settle('memLayout', () => si.memLayout()),
    settle('diskLayout', () => si.diskLayout()),
    settle('networkInterfaces', () => si.networkInterfaces()),
    settle('uuid', () => si.uuid()),
    settle('mem', async () => (si.mem ? si.mem() : undefined)),
    settle('graphics', async () => (si.graphics ? si.graphics() : undefined)),
    settle('battery', async () => (si.battery ? si.battery() : undefined)),
    settle('software', deps.software ?? (async () => [])),
    settle('updates', deps.updates ?? (async () => ({}))),
    settle('antivirus', deps.antivirus ?? (async () => ({}))),
  ]);
  const list = <T extends object>(items: T[] | undefined, keys: Parameters<typeof pickFacts>[1]) =>
    (items ?? []).slice(0, LIMITS.maxListItems).map((item) => pickFacts(item, keys, log));
  return {
    at: deps.clock(),
    hardware: mergeFacts(
      pickFacts(system ?? {}, SYSTEM_KEYS, log),
      pickFacts(bios ?? {}, BIOS_KEYS, log),
      pickFacts(chassis ?? {}, CHASSIS_KEYS, log),
      pickFacts(uuid ?? {}, [['hardware', 'hardwareUuid']], log),
      // What the OS sees, for fleet search when the memory modules cannot be read (VMs, no root).
      pickFacts(mem ?? {}, [['total', 'memTotal']], log),
      gpuFacts(graphics?.controllers ?? [], log),
      battery?.hasBattery ? pickFacts(battery, BATTERY_KEYS, log) : {},
    ),
    os: mergeFacts(
      pickFacts(os ?? {}, OS_KEYS, log),
      pickFacts(uuid ?? {}, [['os', 'machineId']], log),
      pickFacts({ timezone: deps.timezone?.() }, ['timezone'], log),
    ),
    cpu: pickFacts(cpu ?? {}, CPU_KEYS, log),
    memoryModules: list(memLayout, MEMORY_KEYS),
    disks: list(diskLayout, DISK_KEYS),
    // Loopback is the same on every machine; it is not inventory.
    networkInterfaces: list(
      nics?.filter((n) => !n.internal),
      NIC_KEYS,
    ),
    updates: updates ?? {},
    antivirus: antivirus ?? {},
    software: software ?? [],
  };
}
