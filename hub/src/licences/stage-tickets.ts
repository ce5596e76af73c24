import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey } from '../incidents/facts.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { signalStage } from '../inventory/stage-signal.js';
import { findInventorySignal, recordInventorySignal } from '../repositories/inventory-signals.js';
import { expiryImpact, expiryMessage, expirySeverity, expiryStage } from './expiry.js';

/** Something that expires: a licence, or a host's warranty. */
export interface ExpiringItem {
  readonly client: string;
  /** `licence`, or the host id for a warranty. */
  readonly owner: string;
  readonly check: 'licence.expiry' | 'warranty.expiry';
  /** The licence id; empty for a warranty (its host is the owner). */
  readonly id: string;
  /** `Licence Office 365`, `Warranty of pc-01`. */
  readonly label: string;
  /** What the ticket's title names: the licence's product and vendor, the warranty's host and serial. */
  readonly names: Readonly<Record<string, string | null>>;
  readonly expiresAt: number | null;
  readonly stages: readonly number[];
}

const stageResource = (id: string, stage: number) => (id === '' ? `stage-${stage}` : `${id}:stage-${stage}`);

function signal(
  item: ExpiringItem,
  stage: number,
  state: Signal['state'],
  value: number | null,
  message: string,
  now: number,
): Signal {
  const resource = stageResource(item.id, stage);
  return {
    key: dedupKey(item.client, item.owner, item.check, resource),
    client: item.client,
    site: '',
    host: null,
    check: item.check,
    resource,
    state,
    observedAt: now,
    value,
    threshold: stage,
    message,
    impact: expiryImpact(stage),
    text: { code: item.check, params: { ...item.names, stage, daysLeft: value ?? stage } },
  };
}

/**
 * One ticket per item per stage (90, 30, 7, 0 days by default, or the item's own): reaching a
 * stage opens its ticket once, deduplicated across the hourly and daily runs; moving on to the
 * next stage opens that stage's ticket and recovers the previous one, which the engine then
 * resolves (or, when a technician already works on it, notes). Returns how many signals went out.
 */
export async function signalExpiryStage(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  item: ExpiringItem,
  now: number,
): Promise<number> {
  const itemKey = dedupKey(item.client, item.owner, item.check, item.id);
  const at = item.expiresAt === null ? undefined : expiryStage(item.expiresAt, now, item.stages);
  const current = at ? `stage:${at.stage}` : 'ok';
  const previous = (await findInventorySignal(db, itemKey))?.stage;
  let sent = 0;

  const previousStage = previous?.startsWith('stage:') ? Number(previous.slice('stage:'.length)) : undefined;
  if (previousStage !== undefined && previous !== current) {
    const why = at ? `superseded by the ${at.stage}-day stage` : 'no longer expiring soon';
    const ok = signal(item, previousStage, 'ok', null, `${item.label}: ${why}`, now);
    if (await signalStage(db, runtime, ok, 'ok', now)) sent += 1;
  }
  if (at) {
    const trigger = signal(
      item,
      at.stage,
      expirySeverity(at.stage),
      at.daysLeft,
      expiryMessage(item.label, at),
      now,
    );
    if (await signalStage(db, runtime, trigger, current, now)) sent += 1;
  }
  if (previous !== current) await recordInventorySignal(db, itemKey, current, now);
  return sent;
}
