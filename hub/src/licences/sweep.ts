import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey } from '../incidents/facts.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { signalStage } from '../inventory/stage-signal.js';
import { listLicences } from '../repositories/licences.js';
import { listWarranties } from '../repositories/warranties.js';
import { licenceCompliance } from './compliance.js';
import { stagesOf } from './expiry.js';
import { signalExpiryStage } from './stage-tickets.js';

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
    signalled += await signalExpiryStage(
      db,
      runtime,
      {
        client,
        owner: 'licence',
        check: 'licence.expiry',
        id: licence.id,
        label: `Licence ${licence.product}`,
        expiresAt: licence.expires_at === null ? null : Number(licence.expires_at),
        stages: stagesOf(licence.expiry_stages),
      },
      now,
    );
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
    if (await signalStage(db, runtime, { ...signal, observedAt: now }, `over:${compliance.used}`, now))
      signalled += 1;
  }

  for (const warranty of await listWarranties(db)) {
    signalled += await signalExpiryStage(
      db,
      runtime,
      {
        client: warranty.client,
        owner: warranty.host_id,
        check: 'warranty.expiry',
        id: '',
        label: `Warranty of ${warranty.hostname}`,
        expiresAt: Number(warranty.warranty_until),
        stages: stagesOf(warranty.expiry_stages),
      },
      now,
    );
  }
  return { signalled };
}
