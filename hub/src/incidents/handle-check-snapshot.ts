import { CHECK_KINDS, type CheckSnapshotMessage, isCheckKind, type SnapshotCheck } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findHeldSignal, listHeldSignalsOnHost } from '../repositories/held-signals.js';
import { findHost, type HostRow } from '../repositories/hosts.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { findOpenIncident, listOpenOnHost } from '../repositories/incidents.js';
import type { Signal } from './engine/types.js';
import { dedupKey, hostFacts } from './facts.js';
import { handleSignal, type SignalOutcome } from './handle-signal.js';
import type { IncidentRuntime } from './runtime.js';

/** Why a snapshot recovered a key: the check reads ok, or the agent no longer runs it. */
export type SnapshotRecoveryReason = 'ok' | 'absent';

/** What a snapshot did to one key, for logs and tests. */
export interface SnapshotOutcome extends SignalOutcome {
  readonly key: string;
  readonly reason: SnapshotRecoveryReason | 'stated';
}

/** Decisions that mean the snapshot recovered something: the timeline says why. */
const RECOVERIES = new Set(['recovering', 'propose-resolution', 'resolve', 'release-hold']);

/**
 * Apply an agent's `checkSnapshot` inside the transaction that commits it (decision 0024). Every
 * open, not yet recovering incident of the host about an agent-evaluated check the snapshot says is
 * `ok` or does not list gets the recovery a `checkState ok` would give; so does a held signal. A
 * `warning`/`critical` with nothing open or held for its key is fed as its `checkState` would be;
 * anything already open is left alone (the `checkState` that opened it counted it). `pending` is
 * neither. Hub-side checks (silence, licences, probes) are never touched.
 */
export async function handleCheckSnapshot(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  hostId: string,
  message: CheckSnapshotMessage,
  now: number,
): Promise<SnapshotOutcome[]> {
  const host = await findHost(trx, hostId);
  if (!host) return [];
  const stated = new Map(message.checks.map((entry) => [checkId(entry.check, entry.resource), entry]));
  const outcomes: SnapshotOutcome[] = [];

  async function recover(key: string, check: string, resource: string, entry: SnapshotCheck | undefined) {
    if (!host || (entry && entry.state !== 'ok')) return;
    const reason: SnapshotRecoveryReason = entry ? 'ok' : 'absent';
    const outcome = await handleSignal(
      trx,
      runtime,
      signalOf(host, key, check, resource, entry, message),
      now,
    );
    outcomes.push({ ...outcome, key, reason });
    if (!RECOVERIES.has(outcome.decision)) return;
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: outcome.incidentId,
      key,
      at: now,
      actor: `rule:${check}`,
      kind: 'recovered_by_snapshot',
      detail: { reason, check, resource, bootId: message.bootId, snapshotAt: message.at },
    });
  }

  for (const row of await listOpenOnHost(trx, host.id)) {
    // Already recovering (or a resolution already proposed): a repeat says nothing new.
    if (row.source !== 'agent' || row.group_kind !== null || !agentCheck(row.check)) continue;
    if (row.recovered_at !== null) continue;
    await recover(row.dedup_key, row.check, row.resource, stated.get(checkId(row.check, row.resource)));
  }
  for (const held of await listHeldSignalsOnHost(trx, host.id)) {
    const what = heldCheck(held.signal);
    if (!what || !agentCheck(what.check)) continue;
    await recover(held.dedup_key, what.check, what.resource, stated.get(checkId(what.check, what.resource)));
  }
  for (const entry of message.checks) {
    if ((entry.state !== 'warning' && entry.state !== 'critical') || !agentCheck(entry.check)) continue;
    const resource = entry.resource ?? '';
    const key = dedupKey(host.client, host.id, entry.check, resource);
    if ((await findOpenIncident(trx, key)) || (await findHeldSignal(trx, key))) continue;
    const outcome = await handleSignal(
      trx,
      runtime,
      signalOf(host, key, entry.check, resource, entry, message),
      now,
    );
    outcomes.push({ ...outcome, key, reason: 'stated' });
  }
  return outcomes;
}

const checkId = (check: string, resource: string | undefined) => `${check}\u0000${resource ?? ''}`;

/** Only checks the agent evaluates: a snapshot says nothing of what the hub judges. */
const agentCheck = (check: string) => isCheckKind(check) && CHECK_KINDS[check].where === 'agent';

function signalOf(
  host: HostRow,
  key: string,
  check: string,
  resource: string,
  entry: SnapshotCheck | undefined,
  message: CheckSnapshotMessage,
): Signal {
  return {
    key,
    client: host.client,
    site: host.site,
    host: hostFacts(host),
    check,
    resource,
    state: entry?.state === 'warning' || entry?.state === 'critical' ? entry.state : 'ok',
    observedAt: entry?.observedAt ?? message.at,
    value: entry?.value ?? null,
    threshold: entry?.threshold ?? null,
    message: entry?.message ?? null,
  };
}

/** The check and resource of a held signal's stored JSON, if it reads as one. */
function heldCheck(json: string): { check: string; resource: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { check, resource } = parsed as Record<string, unknown>;
    return typeof check === 'string'
      ? { check, resource: typeof resource === 'string' ? resource : '' }
      : undefined;
  } catch {
    return undefined;
  }
}
