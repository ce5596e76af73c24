import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey } from '../incidents/facts.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { signalStage } from '../inventory/stage-signal.js';
import { listLicences } from '../repositories/licences.js';
import { listWarranties } from '../repositories/warranties.js';
import { licenceCompliance } from './compliance.js';
import { DEFAULT_EXPIRY_STAGES, expiryImpact, expiryMessage, expirySeverity, expiryStage } from './expiry.js';

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
 * One pass over licences and warranties at `now`: an expiry ticket per item (`licence.expiry`,
 * `warranty.expiry`) opened at the first stage reached and raised in priority from 7 days, an
 * over-deployment ticket (`licence.compliance`) while more hosts use a licence than it has seats.
 * Idempotent within a day: a stage is signalled once.
 */
export async function sweepLicences(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
  stages: readonly number[] = DEFAULT_EXPIRY_STAGES,
): Promise<{ signalled: number }> {
  let signalled = 0;
  const send = async (signal: Signal, stage: string, expiry?: number) => {
    const impact = expiry === undefined ? {} : { impact: expiryImpact(expiry) };
    if (await signalStage(db, runtime, { ...signal, observedAt: now, ...impact }, stage, now)) signalled += 1;
  };

  for (const licence of await listLicences(db)) {
    const client = licence.client ?? FLEET_CLIENT;
    const at = licence.expires_at === null ? undefined : expiryStage(Number(licence.expires_at), now, stages);
    await send(
      signalFor(
        client,
        'licence',
        'licence.expiry',
        licence.id,
        at ? expirySeverity(at.stage) : 'ok',
        at?.daysLeft ?? null,
        at ? expiryMessage(`Licence ${licence.product}`, at) : `Licence ${licence.product} not expiring soon`,
      ),
      at ? `stage:${at.stage}` : 'ok',
      at?.stage,
    );
    const compliance = await licenceCompliance(db, licence);
    const over = compliance.overDeployed > 0;
    await send(
      signalFor(
        client,
        'licence',
        'licence.compliance',
        licence.id,
        over ? 'warning' : 'ok',
        compliance.used,
        over
          ? `Licence ${licence.product}: ${compliance.used} installations for ${compliance.seats} seats`
          : `Licence ${licence.product} within its seats`,
      ),
      `over:${compliance.used}`,
    );
  }

  for (const warranty of await listWarranties(db)) {
    const at = expiryStage(Number(warranty.warranty_until), now, stages);
    await send(
      signalFor(
        warranty.client,
        warranty.host_id,
        'warranty.expiry',
        '',
        at ? expirySeverity(at.stage) : 'ok',
        at?.daysLeft ?? null,
        at
          ? expiryMessage(`Warranty of ${warranty.hostname}`, at)
          : `Warranty of ${warranty.hostname} not expiring soon`,
      ),
      at ? `stage:${at.stage}` : 'ok',
      at?.stage,
    );
  }
  return { signalled };
}
