import type { InventoryChangeKind } from '../db/tables/inventory-history.js';
import type { FactsView, SnapshotView } from './snapshot-view.js';

/** One change between two snapshots of a host. */
export interface InventoryChange {
  readonly kind: InventoryChangeKind;
  /** `software:<source>:<name>`, `hardware.serial`, `memory:<slot>`, `disk:<serial>`… */
  readonly field: string;
  readonly old: string | null;
  readonly new: string | null;
  readonly security: boolean;
}

// A machine whose identity changes under the same agent credential may have been swapped.
const SECURITY_FACTS = new Set([
  'hardware.serial',
  'hardware.uuid',
  'hardware.hardwareUuid',
  'hardware.chassisSerial',
]);
// Facts that change on their own and say nothing about the machine.
const IGNORED_FACTS = new Set([
  'antivirus.signaturesAt',
  'antivirus.signaturesVersion',
  'updates.pending',
  'updates.security',
  'updates.manager',
  'updates.rebootRequired',
]);

const show = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));

function diffFacts(section: string, before: FactsView, after: FactsView): InventoryChange[] {
  const out: InventoryChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const field = `${section}.${key}`;
    const [old, now] = [show(before[key]), show(after[key])];
    if (old === now || IGNORED_FACTS.has(field)) continue;
    out.push({ kind: 'hardware_changed', field, old, new: now, security: SECURITY_FACTS.has(field) });
  }
  return out;
}

/** A part's identity: its first non-empty key (memory by slot, disks by serial, NICs by MAC). */
type Identify = (item: FactsView, index: number) => string;
const describe = (item: FactsView, keys: readonly string[]) =>
  keys
    .map((k) => show(item[k]))
    .filter((v) => v !== null && v !== '')
    .join(' ');

function diffParts(
  label: string,
  before: readonly FactsView[],
  after: readonly FactsView[],
  identify: Identify,
  keys: readonly string[],
  removalIsSecurity: boolean,
): InventoryChange[] {
  const index = (items: readonly FactsView[]) =>
    new Map(items.map((item, i) => [identify(item, i), describe(item, keys)]));
  const [old, now] = [index(before), index(after)];
  const out: InventoryChange[] = [];
  for (const [id, desc] of old) {
    const next = now.get(id);
    if (next === undefined)
      out.push({
        kind: 'hardware_removed',
        field: `${label}:${id}`,
        old: desc,
        new: null,
        security: removalIsSecurity,
      });
    else if (next !== desc)
      out.push({ kind: 'hardware_changed', field: `${label}:${id}`, old: desc, new: next, security: false });
  }
  for (const [id, desc] of now)
    if (!old.has(id))
      out.push({ kind: 'hardware_added', field: `${label}:${id}`, old: null, new: desc, security: false });
  return out;
}

const keyedBy =
  (first: string, second: string): Identify =>
  (item, i) =>
    show(item[first]) || show(item[second]) || `#${i}`;

function diffSoftware(before: SnapshotView['software'], after: SnapshotView['software']): InventoryChange[] {
  const group = (items: SnapshotView['software']) => {
    const map = new Map<string, string[]>();
    for (const s of items) {
      const key = `${s.source}:${s.name}`;
      map.set(key, [...(map.get(key) ?? []), s.version]);
    }
    return map;
  };
  const [old, now] = [group(before), group(after)];
  const out: InventoryChange[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const field = `software:${key}`;
    const was = (old.get(key) ?? []).sort();
    const is = (now.get(key) ?? []).sort();
    if (was.join('\n') === is.join('\n')) continue;
    // One version before and one after: the same package moved (up or down) a version.
    if (was.length === 1 && is.length === 1) {
      out.push({
        kind: 'software_upgraded',
        field,
        old: was[0] ?? null,
        new: is[0] ?? null,
        security: false,
      });
      continue;
    }
    for (const v of was.filter((x) => !is.includes(x)))
      out.push({ kind: 'software_removed', field, old: v, new: null, security: false });
    for (const v of is.filter((x) => !was.includes(x)))
      out.push({ kind: 'software_installed', field, old: null, new: v, security: false });
  }
  return out;
}

/**
 * What changed from one snapshot of a host to the next: software installed, removed or upgraded,
 * facts changed, memory, disks and network interfaces added or removed. A serial or machine id
 * that changed, or memory or a disk that went away, is flagged as security-relevant.
 */
export function diffInventory(before: SnapshotView, after: SnapshotView): InventoryChange[] {
  return [
    ...diffFacts('hardware', before.hardware, after.hardware),
    ...diffFacts('os', before.os, after.os),
    ...diffFacts('cpu', before.cpu, after.cpu),
    ...diffParts(
      'memory',
      before.memoryModules,
      after.memoryModules,
      keyedBy('bank', 'serialNum'),
      ['size', 'type', 'clockSpeed', 'serialNum'],
      true,
    ),
    ...diffParts(
      'disk',
      before.disks,
      after.disks,
      keyedBy('serialNum', 'device'),
      ['name', 'size', 'type', 'interfaceType'],
      true,
    ),
    ...diffParts(
      'nic',
      before.networkInterfaces,
      after.networkInterfaces,
      keyedBy('mac', 'iface'),
      ['iface', 'mac', 'type'],
      false,
    ),
    ...diffSoftware(before.software, after.software),
  ];
}
