import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { hostsMatching } from '../repositories/inventory-software.js';
import type { LicenceRow } from '../repositories/licences.js';

/** Seats bought against seats used (one per host with a matching installation). */
export interface Compliance {
  readonly seats: number;
  readonly used: number;
  readonly unused: number;
  readonly overDeployed: number;
  readonly hosts: readonly { hostId: string; hostname: string }[];
}

/** Counts a licence's seats in use from the fleet's current inventories. */
export async function licenceCompliance(db: Kysely<Database>, licence: LicenceRow): Promise<Compliance> {
  const hosts = await hostsMatching(db, {
    namePattern: licence.name_pattern,
    publisherPattern: licence.publisher_pattern,
    client: licence.client,
  });
  const used = hosts.length;
  return {
    seats: licence.seats,
    used,
    unused: Math.max(0, licence.seats - used),
    overDeployed: Math.max(0, used - licence.seats),
    hosts: hosts.map((h) => ({ hostId: h.host_id, hostname: h.hostname })),
  };
}
