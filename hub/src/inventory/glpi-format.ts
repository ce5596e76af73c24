import { type GLPI_NETWORK_TYPES, GLPI_STORAGE_INTERFACES, type GlpiInventory } from './glpi-schema.js';
import type { FactsView, SnapshotView } from './snapshot-view.js';

const MB = 1024 * 1024;

/** The host the snapshot belongs to, as the hub knows it. */
export interface GlpiHost {
  readonly id: string;
  readonly hostname: string;
  readonly agentVersion: string;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const int = (v: unknown): number | undefined => {
  const n = num(v);
  return n === undefined ? undefined : Math.round(n);
};
const mb = (bytes: unknown): number | undefined => {
  const n = num(bytes);
  return n === undefined || n <= 0 ? undefined : Math.round(n / MB);
};

/** Leaves out undefined fields: GLPI's objects are closed and typed, `undefined` is not a value. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

const two = (n: number) => String(n).padStart(2, '0');
/** GLPI's `YYYY-MM-DD HH:MM:SS`, in UTC. */
export function glpiDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
/** A date string kept only when it already is `YYYY-MM-DD` (what BIOS release dates are). */
const isoDay = (v: unknown) => {
  const s = str(v);
  return s !== undefined && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s) ? s : undefined;
};

// Node's `os.arch()` names as GLPI (and uname) spell them.
const ARCH: Readonly<Record<string, string>> = {
  x64: 'x86_64',
  ia32: 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  ppc64: 'powerpc64',
  ppc: 'powerpc',
  mips: 'mips',
};
// systeminformation's interface types as GLPI's network port types.
const NIC_TYPE: Readonly<Record<string, (typeof GLPI_NETWORK_TYPES)[number]>> = {
  wired: 'ethernet',
  wireless: 'wifi',
};
// systeminformation's platform as GLPI's kernel name.
const KERNEL_NAME: Readonly<Record<string, string>> = { linux: 'linux', win32: 'win32', darwin: 'darwin' };

const installedMemory = (view: SnapshotView) => {
  const sum = view.memoryModules.reduce((total, m) => total + (num(m.size) ?? 0), 0);
  return sum > 0 ? sum : num(view.hardware.memTotal);
};

function hardware(host: GlpiHost, view: SnapshotView) {
  const { hardware: hw, os } = view;
  const fqdn = str(os.fqdn);
  const domain = fqdn?.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : undefined;
  return compact({
    name: str(os.hostname) ?? host.hostname,
    uuid: str(hw.uuid) ?? str(hw.hardwareUuid),
    memory: mb(installedMemory(view)),
    vmsystem:
      hw.virtual === true
        ? (str(hw.virtualHost) ?? 'Virtual Machine')
        : hw.virtual === false
          ? 'Physical'
          : undefined,
    chassis_type: str(hw.chassisType),
    workgroup: domain,
  });
}

function bios(hw: FactsView) {
  return compact({
    assettag: str(hw.assetTag),
    bdate: isoDay(hw.biosReleaseDate),
    bmanufacturer: str(hw.biosVendor),
    bversion: str(hw.biosVersion),
    smanufacturer: str(hw.manufacturer),
    smodel: str(hw.model),
    ssn: str(hw.serial),
    skunumber: str(hw.sku),
    enclosureserial: str(hw.chassisSerial),
  });
}

function operatingSystem(os: FactsView) {
  const distro = str(os.distro);
  const release = str(os.release);
  const codename = str(os.codename);
  const fqdn = str(os.fqdn);
  const full = [distro, release, codename ? `(${codename})` : undefined].filter(Boolean).join(' ');
  const arch = str(os.arch);
  return compact({
    arch: arch === undefined ? undefined : (ARCH[arch] ?? arch),
    dns_domain: fqdn?.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : undefined,
    fqdn,
    full_name: full === '' ? undefined : full,
    kernel_name: KERNEL_NAME[str(os.platform) ?? ''] ?? str(os.platform),
    kernel_version: str(os.kernel),
    name: distro,
    service_pack: str(os.servicepack),
    version: release,
    timezone: timezone(str(os.timezone)),
  });
}

/** GLPI's `{name, offset: "+0100"}` for an IANA zone, its offset now; undefined for an unknown zone. */
export function timezone(name: string | undefined, at = Date.now()) {
  if (name === undefined) return undefined;
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part ?? '');
    if (!match) return undefined;
    return { name, offset: match[1] ? `${match[1]}${match[2]}${match[3]}` : '+0000' };
  } catch {
    return undefined;
  }
}

function videos(hw: FactsView) {
  const name = str(hw.gpuModel);
  if (name === undefined) return [];
  return [compact({ name, chipset: str(hw.gpuVendor), memory: int(hw.gpuVramMb) })];
}

function batteries(hw: FactsView) {
  const design = num(hw.batteryDesignCapacity);
  if (design === undefined) return [];
  // GLPI counts in mWh; a capacity in mAh is left out rather than converted at a guessed voltage.
  const mWh = str(hw.batteryCapacityUnit)?.toLowerCase() === 'mwh';
  return [
    compact({
      capacity: mWh ? Math.round(design) : undefined,
      real_capacity: mWh ? int(hw.batteryMaxCapacity) : undefined,
      chemistry: str(hw.batteryChemistry),
      manufacturer: str(hw.batteryManufacturer),
      name: str(hw.batteryModel),
      serial: str(hw.batterySerial),
    }),
  ];
}

function cpus(cpu: FactsView, os: FactsView) {
  if (Object.keys(cpu).length === 0) return [];
  const sockets = Math.max(1, int(cpu.processors) ?? 1);
  const physical = int(cpu.physicalCores);
  const logical = int(cpu.cores);
  const arch = ARCH[str(os.arch) ?? ''];
  const ghz = num(cpu.speedMax);
  const one = compact({
    arch: arch && /^(i386|x86_64|powerpc|powerpc64|arm.*|aarch64|mips)$/.test(arch) ? arch : undefined,
    core: physical === undefined ? undefined : Math.max(1, Math.round(physical / sockets)),
    familynumber: str(cpu.family),
    manufacturer: str(cpu.manufacturer),
    model: str(cpu.model),
    name: [str(cpu.manufacturer), str(cpu.brand)].filter(Boolean).join(' ') || undefined,
    speed: ghz && ghz > 0 ? Math.round(ghz * 1000) : undefined,
    stepping: int(Number(cpu.stepping)),
    thread: physical && logical ? Math.max(1, Math.round(logical / physical)) : undefined,
  });
  return Array.from({ length: sockets }, () => one);
}

function memories(modules: readonly FactsView[]) {
  return modules.map((m) =>
    compact({
      capacity: mb(m.size),
      caption: str(m.bank),
      manufacturer: str(m.manufacturer),
      model: str(m.partNum),
      serialnumber: str(m.serialNum),
      speed: num(m.clockSpeed) ? `${m.clockSpeed} MT/s` : undefined,
      type: str(m.type),
      formfactor: str(m.formFactor),
    }),
  );
}

function storages(disks: readonly FactsView[]) {
  return disks.map((d) => {
    const iface = str(d.interfaceType)?.toUpperCase();
    const device = str(d.device);
    return compact({
      description: str(d.type),
      disksize: mb(d.size),
      firmware: str(d.firmwareRevision),
      interface: GLPI_STORAGE_INTERFACES.find((known) => known === iface),
      manufacturer: str(d.vendor),
      model: str(d.name),
      name: device?.replace(/^\/dev\//, ''),
      serial: str(d.serialNum),
      type: 'disk',
    });
  });
}

function networks(nics: readonly FactsView[]) {
  return nics.flatMap((n) => {
    const description = str(n.iface) ?? str(n.ifaceName);
    if (description === undefined) return [];
    return [
      compact({
        description,
        ipaddress: str(n.ip4),
        ipaddress6: str(n.ip6),
        mac: str(n.mac),
        mtu: int(n.mtu),
        type: NIC_TYPE[str(n.type) ?? ''],
        virtualdev: typeof n.virtual === 'boolean' ? n.virtual : undefined,
      }),
    ];
  });
}

function antivirus(av: FactsView) {
  const name = str(av.product);
  if (name === undefined) return [];
  const signaturesAt = num(av.signaturesAt);
  return [
    compact({
      name,
      company: str(av.company),
      enabled: typeof av.enabled === 'boolean' ? av.enabled : undefined,
      uptodate: typeof av.signaturesUpToDate === 'boolean' ? av.signaturesUpToDate : undefined,
      version: str(av.version),
      base_version: str(av.signaturesVersion),
      base_creation: signaturesAt === undefined ? undefined : glpiDateTime(signaturesAt),
    }),
  ];
}

/**
 * One host's stored snapshot in GLPI's JSON inventory format (an `inventory` request of the GLPI
 * agent), so a team running GLPI can forward it to its server. Fields Vigie does not collect are
 * left out, never invented; strings are passed verbatim.
 */
export function toGlpiInventory(host: GlpiHost, view: SnapshotView): GlpiInventory {
  return {
    action: 'inventory',
    // Stable per host, so GLPI updates the same computer on every export.
    deviceid: `${host.hostname}-${host.id}`,
    itemtype: 'Computer',
    partial: false,
    content: {
      versionclient: `Vigie-Agent_v${host.agentVersion || 'unknown'}`,
      hardware: hardware(host, view),
      bios: bios(view.hardware),
      operatingsystem: operatingSystem(view.os),
      cpus: cpus(view.cpu, view.os),
      memories: memories(view.memoryModules),
      storages: storages(view.disks),
      networks: networks(view.networkInterfaces),
      softwares: view.software.map((s) =>
        compact({
          name: s.name,
          version: s.version === '' ? undefined : s.version,
          publisher: s.publisher,
          from: s.source,
          install_date: s.installedAt === undefined ? undefined : glpiDateTime(s.installedAt),
        }),
      ),
      antivirus: antivirus(view.antivirus),
      videos: videos(view.hardware),
      batteries: batteries(view.hardware),
    },
  };
}
