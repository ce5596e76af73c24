import type { CheckState, ProbeResultMessage, RuleState } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { handleSignal } from '../incidents/handle-signal.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { findHost, type HostRow } from '../repositories/hosts.js';
import { agreedState, isFresh, voteLifetimeMs } from './agreement.js';
import { describeProbe } from './describe.js';
import { deviceSignal } from './device-signal.js';
import { foldResult } from './judge-result.js';
import {
  findProbe,
  findProbeAgent,
  insertProbeResult,
  listProbeVoters,
  type ProbeRow,
  pruneProbeResults,
  updateProbe,
  updateProbeAgent,
} from './store.js';
import { rulesOf, specOf } from './stored-probe.js';
import { signalTlsExpiry } from './tls-expiry.js';

/** Results are kept this long (latency and loss history). */
export const PROBE_RESULT_RETENTION_MS = 14 * 86_400_000;
/** A fault still agreed is signalled again daily, so the engine's staleness never resolves it. */
const REFRESH_MS = 86_400_000;

/** Who sent the result, from the authenticated connection. */
export interface ProbeSender {
  readonly agentId: string;
  readonly hostId: string;
}

const parseState = (json: string | null): RuleState | undefined =>
  json === null ? undefined : (JSON.parse(json) as RuleState);

/**
 * Store one probe result and judge it, inside the transaction that commits the message: fold it
 * into this agent's rule states, then signal the device's `probe.down` / `probe.latency` when the
 * state every fresh probing agent agrees on changed, and the certificate's `tls.expiry` stage.
 * A result for a probe this agent does not run (deleted, reassigned) is dropped: identity and
 * assignment come from the hub, never from the message.
 */
export async function recordProbeResult(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  sender: ProbeSender,
  message: ProbeResultMessage,
  receivedAt: number,
): Promise<void> {
  const probe = await findProbe(trx, message.probeId);
  if (!probe) return;
  const prober = await findProbeAgent(trx, probe.id, sender.hostId);
  if (!prober) return;
  const stored = await insertProbeResult(trx, {
    agent_id: sender.agentId,
    boot_id: message.bootId,
    seq: message.seq,
    probe_id: probe.id,
    host_id: sender.hostId,
    at: message.at,
    received_at: receivedAt,
    outcome: message.outcome,
    method: message.method,
    latency_ms: message.latencyMs,
    loss_pct: message.lossPct,
    status: message.status ?? null,
    cert_not_after: message.certNotAfter ?? null,
    error: message.error ?? null,
    message: message.message ?? null,
    addresses: message.addresses ? JSON.stringify(message.addresses) : null,
  });
  if (!stored) return;
  await pruneProbeResults(trx, probe.id, receivedAt - PROBE_RESULT_RETENTION_MS);
  const last = { last_outcome: message.outcome, last_error: message.error ?? null };
  // The agent refused to probe (its allowlist disagrees with ours): no opinion on the device. A
  // disabled probe's last results, still in flight, are history only: its incidents were retired.
  if (message.outcome === 'refused' || probe.enabled !== 1) {
    await updateProbeAgent(trx, probe.id, sender.hostId, last);
    return;
  }

  const rules = rulesOf(probe);
  const states = foldResult(
    rules,
    { down: parseState(prober.down_rule), latency: parseState(prober.latency_rule) },
    { at: message.at, outcome: message.outcome, lossPct: message.lossPct, latencyMs: message.latencyMs },
  );
  await updateProbeAgent(trx, probe.id, sender.hostId, {
    ...last,
    down_rule: JSON.stringify(states.down),
    latency_rule: states.latency ? JSON.stringify(states.latency) : null,
    last_at: message.at,
    last_received_at: receivedAt,
    last_latency_ms: message.latencyMs,
    last_loss_pct: message.lossPct,
  });

  const device = await findHost(trx, probe.device_host_id);
  if (!device) return;
  await judgeDevice(trx, runtime, probe, device, message, receivedAt);
  if (message.certNotAfter !== undefined) {
    await updateProbe(trx, probe.id, { cert_not_after: message.certNotAfter, cert_seen_at: receivedAt });
    await signalTlsExpiry(trx, runtime, probe, device, message.certNotAfter, rules.tlsWarnDays, receivedAt);
  }
}

async function judgeDevice(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  probe: ProbeRow,
  device: HostRow,
  message: ProbeResultMessage,
  now: number,
): Promise<void> {
  const spec = specOf(probe);
  const rules = rulesOf(probe);
  const lifetimeMs = voteLifetimeMs(spec.intervalSec, spec.timeoutMs);
  const voters = await listProbeVoters(trx, probe.id);
  const votes = (pick: 'down_rule' | 'latency_rule') =>
    voters.map((row) => ({
      state: parseState(row[pick])?.state,
      online: row.connected === 1,
      at: row.last_at === null ? null : Number(row.last_at),
      receivedAt: row.last_received_at === null ? null : Number(row.last_received_at),
    }));
  const downVotes = votes('down_rule');
  const agreeing = downVotes.filter((vote) => isFresh(vote, now, lifetimeMs)).length;
  const checks: Array<{
    check: 'probe.down' | 'probe.latency';
    agreed: CheckState | undefined;
    was: CheckState;
  }> = [
    { check: 'probe.down', agreed: agreedState(downVotes, now, lifetimeMs), was: probe.down_state },
    {
      check: 'probe.latency',
      agreed: rules.latency ? agreedState(votes('latency_rule'), now, lifetimeMs) : 'ok',
      was: probe.latency_state,
    },
  ];
  const due = probe.signalled_at === null || now - Number(probe.signalled_at) >= REFRESH_MS;
  let signalled = false;
  for (const { check, agreed, was } of checks) {
    if (agreed === undefined || (agreed === was && (agreed === 'ok' || !due))) continue;
    const what = describeProbe(spec);
    const detail =
      check === 'probe.down'
        ? `${message.lossPct} % loss${message.error ? ` (${message.error})` : ''}`
        : `${message.latencyMs ?? '—'} ms`;
    const signal = deviceSignal(device, probe, check, {
      state: agreed,
      observedAt: message.at,
      value: check === 'probe.down' ? message.lossPct : message.latencyMs,
      threshold: null,
      message:
        agreed === 'ok'
          ? `${probe.name} (${what}) answers again`
          : `${probe.name} (${what}): ${detail}; ${agreeing} probing agent(s) online agree`,
    });
    await handleSignal(trx, runtime, signal, now, 'hub');
    signalled = true;
    await updateProbe(
      trx,
      probe.id,
      check === 'probe.down' ? { down_state: agreed } : { latency_state: agreed },
    );
  }
  if (signalled) await updateProbe(trx, probe.id, { signalled_at: now });
}
