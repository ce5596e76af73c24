import type { ColumnType, Generated } from 'kysely';

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
  vendor: string | null;
  /** JSON array of days before the end at which a ticket is raised; null: the defaults. */
  expiry_stages: string | null;
  /** `manual` (API) or `csv` (import). */
  source: string | null;
}

/** The kinds of licence an admin tracks. */
export const LICENCE_KINDS = ['software', 'antivirus', 'os', 'support', 'saas'] as const;
export type LicenceKind = (typeof LICENCE_KINDS)[number];

/**
 * How seats are counted: `per_device` one per host with a matching installation, `per_seat` one
 * per matching installation, `subscription` as per device (the expiry is its renewal), `site`
 * unlimited within its client (never over-deployed).
 */
export const LICENCE_MODELS = ['per_device', 'per_seat', 'subscription', 'site'] as const;
export type LicenceModel = (typeof LICENCE_MODELS)[number];

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
  vendor: string | null;
  model: ColumnType<LicenceModel, LicenceModel | undefined, LicenceModel>;
  /** Stored whole; the API shows it masked and reveals it only to admins, audited. */
  licence_key: string | null;
  cost: number | null;
  /** ISO 4217 code of `cost`. */
  currency: string | null;
  purchased_at: number | null;
  /** JSON array of days before expiry at which a ticket is raised; null: the defaults. */
  expiry_stages: string | null;
}

/** What was done to a licence and by whom (a key reveal above all). */
export interface LicenceAuditTable {
  id: string;
  licence_id: string;
  at: number;
  actor: string;
  action: 'created' | 'updated' | 'deleted' | 'key_revealed';
}

/** A host's searchable hardware facts, from its current snapshot. */
export interface InventoryHardwareTable {
  host_id: string;
  serial: string | null;
  manufacturer: string | null;
  model: string | null;
  /** Installed memory (sum of modules), else what the OS sees. */
  memory_bytes: number | null;
  updated_at: number;
}

/** The last stage a hub-side inventory signal (expiry, compliance, updates) was sent at. */
export interface InventorySignalsTable {
  key: string;
  stage: string;
  signalled_at: number;
}
