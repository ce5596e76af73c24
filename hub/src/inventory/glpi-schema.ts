import { z } from 'zod';

// The part of GLPI's inventory format (glpi-project/inventory_format, `inventory.schema.json`,
// JSON Schema draft-07) that Vigie emits, written here as zod so the export is checked with the
// project's own validator. Every object is strict because the published schema sets
// `additionalProperties: false` on them; patterns and units are the published ones.

const datePattern = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const dateTimePattern = /^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}$/;
const dateOrDateTime = z.string().refine((v) => datePattern.test(v) || dateTimePattern.test(v));
const int = z.number().int();

/** Interface names GLPI accepts for a storage device. */
export const GLPI_STORAGE_INTERFACES = ['SCSI', 'HDC', 'IDE', 'USB', '1394', 'SATA', 'SAS', 'ATAPI'] as const;
/** Network port types GLPI accepts. */
export const GLPI_NETWORK_TYPES = [
  'ethernet',
  'wifi',
  'infiniband',
  'aggregate',
  'alias',
  'dialup',
  'loopback',
  'bridge',
  'fibrechannel',
  'bluetooth',
] as const;

const hardware = z.strictObject({
  name: z.string().optional(),
  uuid: z.string().optional(),
  /** MB */
  memory: int.optional(),
  vmsystem: z.string().optional(),
  chassis_type: z.string().optional(),
  workgroup: z.string().optional(),
  description: z.string().optional(),
});

const bios = z.strictObject({
  assettag: z.string().optional(),
  bdate: dateOrDateTime.optional(),
  bmanufacturer: z.string().optional(),
  bversion: z.string().optional(),
  smanufacturer: z.string().optional(),
  smodel: z.string().optional(),
  ssn: z.string().optional(),
  skunumber: z.string().optional(),
  enclosureserial: z.string().optional(),
});

const operatingsystem = z.strictObject({
  arch: z.string().optional(),
  dns_domain: z.string().optional(),
  fqdn: z.string().optional(),
  full_name: z.string().optional(),
  kernel_name: z.string().optional(),
  kernel_version: z.string().optional(),
  name: z.string().optional(),
  service_pack: z.string().optional(),
  version: z.string().optional(),
  timezone: z.strictObject({ name: z.string(), offset: z.string().regex(/^[+-][0-9]{4}$/) }).optional(),
});

const cpu = z.strictObject({
  arch: z
    .string()
    .regex(/^(mips|mips64|alpha|sparc|sparc64|m68k|i386|x86_64|powerpc|powerpc64|arm.*|aarch64)$/)
    .optional(),
  core: int.optional(),
  familynumber: z.string().optional(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  name: z.string().optional(),
  /** MHz */
  speed: int.optional(),
  stepping: int.optional(),
  /** Threads per core. */
  thread: int.optional(),
});

const memory = z.strictObject({
  /** MB */
  capacity: int.optional(),
  caption: z.string().optional(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  serialnumber: z.string().optional(),
  speed: z.string().optional(),
  type: z.string().optional(),
  formfactor: z.string().optional(),
});

const storage = z.strictObject({
  description: z.string().optional(),
  /** MB */
  disksize: int.optional(),
  firmware: z.string().optional(),
  interface: z.enum(GLPI_STORAGE_INTERFACES).optional(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  name: z.string().optional(),
  serial: z.string().optional(),
  type: z.string().optional(),
});

const network = z.strictObject({
  description: z.string(),
  ipaddress: z.string().optional(),
  ipaddress6: z.string().optional(),
  mac: z.string().optional(),
  mtu: int.optional(),
  type: z.enum(GLPI_NETWORK_TYPES).optional(),
  virtualdev: z.boolean().optional(),
});

const software = z.strictObject({
  name: z.string(),
  version: z.string().optional(),
  publisher: z.string().optional(),
  from: z.string().optional(),
  install_date: dateOrDateTime.optional(),
});

const video = z.strictObject({
  name: z.string().optional(),
  chipset: z.string().optional(),
  /** MB */
  memory: int.optional(),
});

const battery = z.strictObject({
  /** mWh, by design */
  capacity: int.optional(),
  /** mWh, what it holds now */
  real_capacity: int.optional(),
  chemistry: z.string().optional(),
  manufacturer: z.string().optional(),
  name: z.string().optional(),
  serial: z.string().optional(),
});

const antivirus = z.strictObject({
  name: z.string().optional(),
  company: z.string().optional(),
  enabled: z.boolean().optional(),
  uptodate: z.boolean().optional(),
  version: z.string().optional(),
  base_version: z.string().optional(),
  base_creation: z.string().optional(),
});

/** A GLPI "inventory" request for one computer, as far as Vigie fills it. */
export const glpiInventorySchema = z.strictObject({
  action: z.literal('inventory'),
  deviceid: z.string().min(1),
  itemtype: z.literal('Computer'),
  partial: z.boolean().optional(),
  content: z.strictObject({
    versionclient: z.string().min(1),
    hardware: hardware.optional(),
    bios: bios.optional(),
    operatingsystem: operatingsystem.optional(),
    cpus: z.array(cpu).optional(),
    memories: z.array(memory).optional(),
    storages: z.array(storage).optional(),
    networks: z.array(network).optional(),
    softwares: z.array(software).optional(),
    antivirus: z.array(antivirus).optional(),
    videos: z.array(video).optional(),
    batteries: z.array(battery).optional(),
  }),
});
export type GlpiInventory = z.infer<typeof glpiInventorySchema>;
