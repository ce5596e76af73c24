import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listHostsBehind } from '../repositories/hosts.js';
import { findUpstreamDownIncident } from '../repositories/incidents.js';

/**
 * What the incident effects ask about the devices in front of hosts (`hosts.behind`, probes 0014).
 * Incidents is below probes: probes raise signals through incidents, and incidents learns about
 * devices only through this port, given on its runtime.
 */
export interface UpstreamState {
  /** The open, not recovering `probe.down` incident of the device in front of a host, if any. */
  downIncident(db: Kysely<Database>, hostId: string): Promise<string | null>;
  /** The hosts placed behind a device, by id. */
  hostsBehind(db: Kysely<Database>, deviceId: string): Promise<string[]>;
}

/** The upstream state as stored: `hosts.behind` and the devices' open incidents. */
export const STORED_UPSTREAM: UpstreamState = {
  downIncident: findUpstreamDownIncident,
  hostsBehind: listHostsBehind,
};
