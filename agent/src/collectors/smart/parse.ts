// Pure parsing of smartmontools' JSON output (`smartctl --json`, json_format_version 1.x). Every
// field is optional in practice (USB bridges, partial `-A` runs, SAS disks): a missing figure is
// null, never 0, so it can never read as "healthy" or "failing" by accident.

export type SmartProtocol = 'ATA' | 'NVMe' | 'SCSI';

/** One disk's health figures, as one `smartctl -a --json` run reports them. */
export interface SmartDisk {
  readonly device: string;
  readonly model: string | null;
  readonly serial: string | null;
  readonly protocol: SmartProtocol;
  /** SMART overall-health self-assessment; null when the output does not say. */
  readonly passed: boolean | null;
  /** ATA 5 Reallocated_Sector_Ct, SCSI grown defect list. */
  readonly reallocated: number | null;
  /** ATA 197 Current_Pending_Sector. */
  readonly pending: number | null;
  /** ATA 198 Offline_Uncorrectable, NVMe media errors, SCSI uncorrected read + write errors. */
  readonly uncorrectable: number | null;
  /** NVMe critical warning bit field (0 = none). */
  readonly nvmeCriticalWarning: number | null;
  /** NVMe endurance used, 0–255 % (may pass 100). */
  readonly percentageUsed: number | null;
  readonly temperature: number | null;
  /** smartctl's exit status bit mask (see SMART_EXIT). */
  readonly exitStatus: number;
}

/** smartctl's exit status bits (smartctl(8), "RETURN VALUES"). */
export const SMART_EXIT = {
  commandLine: 1 << 0,
  /** Open failed, no IDENTIFY, or the device is in a low-power mode (`-n standby`). */
  openFailed: 1 << 1,
  /** Some SMART command failed, or a checksum error in a SMART structure. */
  commandFailed: 1 << 2,
  /** SMART status returned "DISK FAILING". */
  diskFailing: 1 << 3,
  /** Prefail attributes at or below their threshold now. */
  prefailNow: 1 << 4,
  /** Usage or prefail attributes were at or below threshold in the past. */
  prefailPast: 1 << 5,
  errorLog: 1 << 6,
  selfTestErrors: 1 << 7,
} as const;

/** A run that gave figures, or why the disk has none (virtual disk, no SMART, asleep). */
export type SmartRead =
  | { readonly ok: true; readonly disk: SmartDisk }
  | { readonly ok: false; readonly reason: SmartUnavailable; readonly detail: string };

export type SmartUnavailable = 'no-device' | 'no-smart' | 'standby' | 'bad-output';

/** A device `smartctl --scan-open --json` lists, with the `-d` type to read it with. */
export interface SmartDevice {
  readonly name: string;
  readonly type: string;
}

type Json = Record<string, unknown>;

const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Devices of a `--scan-open` run that opened (those with an `open_error` cannot be read). */
export function parseScan(stdout: string): SmartDevice[] {
  const root = parseJson(stdout);
  const devices = Array.isArray(root?.devices) ? root.devices : [];
  return devices.flatMap((entry) => {
    const device = obj(entry);
    const name = str(device?.name);
    const type = str(device?.type);
    return device && name && type && device.open_error === undefined ? [{ name, type }] : [];
  });
}

/** Reads one `smartctl -a --json` output; `exitCode` is the process's exit status. */
export function parseSmartctl(stdout: string, exitCode: number): SmartRead {
  const root = parseJson(stdout);
  if (!root) return { ok: false, reason: 'bad-output', detail: 'smartctl printed no JSON' };
  const exitStatus = num(obj(root.smartctl)?.exit_status) ?? exitCode;
  const said = messages(root);
  const detail = said || `smartctl exit status ${exitStatus}`;
  if (exitStatus & (SMART_EXIT.commandLine | SMART_EXIT.openFailed)) {
    const asleep = /standby|sleep/i.test(detail);
    return { ok: false, reason: asleep ? 'standby' : 'no-device', detail };
  }
  const device = obj(root.device);
  const protocol = protocolOf(str(device?.protocol));
  const support = obj(root.smart_support);
  const health = obj(root.nvme_smart_health_information_log);
  const table = Array.isArray(obj(root.ata_smart_attributes)?.table)
    ? (obj(root.ata_smart_attributes)?.table as unknown[])
    : [];
  // Virtual disks (QEMU, VirtIO, VMware) answer IDENTIFY but have no SMART at all.
  if (support?.available === false || (!obj(root.smart_status) && !health && table.length === 0))
    return { ok: false, reason: 'no-smart', detail: said || 'device lacks SMART capability' };
  if (!protocol) return { ok: false, reason: 'bad-output', detail: 'unknown device protocol' };

  const raw = (id: number) => {
    const attribute = table.map(obj).find((entry) => entry?.id === id);
    return num(obj(attribute?.raw)?.value);
  };
  const errors = obj(root.scsi_error_counter_log);
  const scsiUncorrected =
    errors === undefined
      ? null
      : (num(obj(errors.read)?.total_uncorrected_errors) ?? 0) +
        (num(obj(errors.write)?.total_uncorrected_errors) ?? 0);
  const passed = obj(root.smart_status)?.passed;
  return {
    ok: true,
    disk: {
      device: str(device?.name) ?? 'unknown',
      model: str(root.model_name) ?? str(root.scsi_model_name),
      serial: str(root.serial_number),
      protocol,
      passed: typeof passed === 'boolean' ? passed : null,
      reallocated: protocol === 'SCSI' ? num(root.scsi_grown_defect_list) : raw(5),
      pending: protocol === 'ATA' ? raw(197) : null,
      uncorrectable:
        protocol === 'ATA' ? raw(198) : protocol === 'NVMe' ? num(health?.media_errors) : scsiUncorrected,
      nvmeCriticalWarning: num(health?.critical_warning),
      percentageUsed: num(health?.percentage_used),
      temperature: num(obj(root.temperature)?.current),
      exitStatus,
    },
  };
}

function parseJson(stdout: string): Json | undefined {
  try {
    return obj(JSON.parse(stdout));
  } catch {
    return undefined;
  }
}

function protocolOf(value: string | null): SmartProtocol | undefined {
  return value === 'ATA' || value === 'NVMe' || value === 'SCSI' ? value : undefined;
}

/** smartctl's own messages (errors and notes), joined: the reason a reader will want to see. */
function messages(root: Json): string {
  const list = obj(root.smartctl)?.messages;
  if (!Array.isArray(list)) return '';
  return list
    .map((entry) => str(obj(entry)?.string))
    .filter((text): text is string => text !== null)
    .join('; ');
}
