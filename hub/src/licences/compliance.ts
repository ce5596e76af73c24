import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { LicenceModel } from '../db/tables/inventory-history.js';
import { hostsMatching } from '../repositories/inventory-software.js';
import type { LicenceRow } from '../repositories/licences.js';

/** Seats bought against seats used, counted as the licence's model says. */
export interface Compliance {
  readonly model: LicenceModel;
  readonly seats: number;
  readonly used: number;
  /** Null for a site licence: it has no seat count to leave unused. */
  readonly unused: number | null;
  readonly overDeployed: number;
  readonly hosts: readonly { hostId: string; hostname: string; installations: number }[];
}

/** Seats a set of matching hosts takes: one per host, or one per installation for per-seat. */
export function seatsUsed(model: LicenceModel, hosts: readonly { installations: number }[]): number {
  return model === 'per_seat' ? hosts.reduce((sum, h) => sum + h.installations, 0) : hosts.length;
}

/** Counts a licence's seats in use from the fleet's current inventories. */
export async function licenceCompliance(db: Kysely<Database>, licence: LicenceRow): Promise<Compliance> {
  const hosts = await hostsMatching(db, {
    namePattern: licence.name_pattern,
    publisherPattern: licence.publisher_pattern,
    client: licence.client,
  });
  const model = licence.model;
  const used = seatsUsed(model, hosts);
  const site = model === 'site';
  return {
    model,
    seats: licence.seats,
    used,
    unused: site ? null : Math.max(0, licence.seats - used),
    // A site licence covers every installation of its client.
    overDeployed: site ? 0 : Math.max(0, used - licence.seats),
    hosts: hosts.map((h) => ({ hostId: h.host_id, hostname: h.hostname, installations: h.installations })),
  };
}
