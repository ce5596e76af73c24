import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey } from '../incidents/facts.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { signalStage } from '../inventory/stage-signal.js';
import { type LicenceRow, listLicences } from '../repositories/licences.js';
import { listWarranties } from '../repositories/warranties.js';
import { licenceCompliance } from './compliance.js';
import { stagesOf } from './expiry.js';
import { type ExpiringItem, signalExpiryStage } from './stage-tickets.js';

/** Licences bound to no client are the whole fleet's; their tickets carry this client. */
export const FLEET_CLIENT = '*';

const signalFor = (
  client: string,
  owner: string,
  check: string,
  resource: string,
  state: Signal['state'],
  value: number | null,
  message: string,
): Signal => ({
  key: dedupKey(client, owner, check, resource),
  client,
  site: '',
  host: null,
  check,
  resource,
  state,
  observedAt: 0,
  value,
  threshold: null,
  message,
});

/** A licence as an expiring item: its tickets name its product and vendor. */
export function licenceExpiryItem(licence: LicenceRow): ExpiringItem {
  return {
    client: licence.client ?? FLEET_CLIENT,
    owner: 'licence',
    check: 'licence.expiry',
    id: licence.id,
    label: `Licence ${licence.product}`,
    names: { product: licence.product, vendor: licence.vendor },
    expiresAt: licence.expires_at === null ? null : Number(licence.expires_at),
    stages: stagesOf(licence.expiry_stages),
  };
}

/** A host's warranty as an expiring item: its tickets name the host and its serial. */
export function warrantyExpiryItem(
  warranty: Awaited<ReturnType<typeof listWarranties>>[number],
): ExpiringItem {
  return {
    client: warranty.client,
    owner: warranty.host_id,
    check: 'warranty.expiry',
    id: '',
    label: `Warranty of ${warranty.hostname}`,
    names: { hostname: warranty.hostname, serial: warranty.serial },
    expiresAt: Number(warranty.warranty_until),
    stages: stagesOf(warranty.expiry_stages),
  };
}

/**
 * One pass over licences and warranties at `now`: one expiry ticket per item and stage
 * (`licence.expiry`, `warranty.expiry`; see stage-tickets.ts), and an over-deployment ticket
 * (`licence.compliance`) while a licence's seats in use exceed those bought. Idempotent within a
 * day: a stage is signalled once.
 */
export async function sweepLicences(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
): Promise<{ signalled: number }> {
  let signalled = 0;

  for (const licence of await listLicences(db)) {
    const client = licence.client ?? FLEET_CLIENT;
    signalled += await signalExpiryStage(db, runtime, licenceExpiryItem(licence), now);
    const compliance = await licenceCompliance(db, licence);
    const over = compliance.overDeployed > 0;
    const signal = signalFor(
      client,
      'licence',
      'licence.compliance',
      licence.id,
      over ? 'warning' : 'ok',
      compliance.used,
      over
        ? `Licence ${licence.product}: ${compliance.used} seats in use for ${compliance.seats} bought (${compliance.model})`
        : `Licence ${licence.product} within its seats`,
    );
    const text = {
      code: 'licence.compliance',
      params: {
        product: licence.product,
        vendor: licence.vendor,
        used: compliance.used,
        seats: compliance.seats,
      },
    };
    if (await signalStage(db, runtime, { ...signal, observedAt: now, text }, `over:${compliance.used}`, now))
      signalled += 1;
  }

  for (const warranty of await listWarranties(db)) {
    signalled += await signalExpiryStage(db, runtime, warrantyExpiryItem(warranty), now);
  }
  return { signalled };
}
