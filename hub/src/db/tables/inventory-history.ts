import type { Generated } from 'kysely';

/** One installed-software entry of a host's current snapshot. */
export interface InventorySoftwareTable {
  host_id: string;
  name: string;
  version: string;
  publisher: string | null;
  source: string;
  installed_at: number | null;
}

/** The kinds of change between two snapshots of one host. */
export const INVENTORY_CHANGE_KINDS = [
  'software_installed',
  'software_removed',
  'software_upgraded',
  'hardware_added',
  'hardware_removed',
  'hardware_changed',
] as const;
export type InventoryChangeKind = (typeof INVENTORY_CHANGE_KINDS)[number];

/** One change between two snapshots of a host. */
export interface InventoryChangesTable {
  id: Generated<number>;
  host_id: string;
  at: number;
  kind: InventoryChangeKind;
  field: string;
  old_value: string | null;
  new_value: string | null;
  /** 1 when the change matters for security (serial changed, memory or disk removed). */
  security: number;
}

/** Pending updates of a host, from its latest snapshot. */
export interface HostUpdatesTable {
  host_id: string;
  manager: string | null;
  pending: number | null;
  security: number | null;
  reboot_required: number;
  /** When the hub first saw security updates pending (cleared when none are). */
  security_since: number | null;
  updated_at: number;
}

/** The antivirus a host reported; null columns are what it could not tell. */
export interface HostAntivirusTable {
  host_id: string;
  product: string;
  enabled: number | null;
  signatures_at: number | null;
  up_to_date: number | null;
  updated_at: number;
}

/** A host's hardware warranty. */
export interface HostWarrantiesTable {
  host_id: string;
  purchased_at: number | null;
  warranty_until: number;
  updated_at: number;
}

/** The kinds of licence an admin tracks. */
export const LICENCE_KINDS = ['software', 'antivirus', 'os', 'support', 'saas'] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];

/** A licence: seats bought, matched against installed software by name (and publisher) pattern. */
export interface LicencesTable {
  id: string;
  /** Null: counts installations of every client. */
  client: string | null;
  product: string;
  kind: LicenceKind;
  /** `*` matches any run of characters; case-insensitive. */
  name_pattern: string;
  publisher_pattern: string | null;
  seats: number;
  expires_at: number | null;
  notes: string;
  created_at: number;
  updated_at: number;
}

/** The last stage a hub-side inventory signal (expiry, compliance, updates) was sent at. */
export interface InventorySignalsTable {
  key: string;
  stage: string;
  signalled_at: number;
}
