import { hostIdentityView } from '../hosts/view.js';
import type { HostRow } from '../repositories/hosts.js';
import { isFresh, voteLifetimeMs } from './agreement.js';
import type { listProbeVoters, ProbeResultRow, ProbeRow } from './store.js';
import { readableSpec, rulesOf } from './stored-probe.js';

type VoterRow = Awaited<ReturnType<typeof listProbeVoters>>[number];

const num = (value: number | null) => (value === null ? null : Number(value));
const ruleState = (json: string | null) =>
  json === null ? null : ((JSON.parse(json) as { state?: string }).state ?? null);

/** A device as the API shows it. */
export function deviceView(row: HostRow, behind: readonly string[] = []) {
  return {
    ...hostIdentityView(row),
    createdAt: Number(row.first_seen_at),
    hostsBehind: behind,
  };
}

/** A probe as the API shows it: its spec, rules and the states last signalled. */
export function probeView(row: ProbeRow, agents: readonly string[]) {
  const spec = readableSpec(row);
  return {
    id: row.id,
    device: row.device_host_id,
    client: row.client,
    site: row.site,
    name: row.name,
    kind: row.kind,
    spec: spec ?? null,
    rules: rulesOf(row),
    enabled: row.enabled === 1,
    agents,
    state: { down: row.down_state, latency: row.latency_state, signalledAt: num(row.signalled_at) },
    certificate:
      row.cert_not_after === null
        ? null
        : { notAfter: Number(row.cert_not_after), seenAt: num(row.cert_seen_at) },
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Each probing agent's word and whether it counts now (agreement reads the same facts). */
export function voterView(probe: ProbeRow, row: VoterRow, now: number) {
  const spec = readableSpec(probe);
  const lifetime = spec ? voteLifetimeMs(spec.intervalSec, spec.timeoutMs) : 0;
  const down = ruleState(row.down_rule);
  const vote = {
    state: (down ?? undefined) as 'ok' | 'warning' | 'critical' | undefined,
    online: row.connected === 1,
    at: num(row.last_at),
    receivedAt: num(row.last_received_at),
  };
  return {
    host: row.host_id,
    hostname: row.hostname,
    online: vote.online,
    counts: isFresh(vote, now, lifetime),
    down,
    latency: ruleState(row.latency_rule),
    last: {
      at: vote.at,
      receivedAt: vote.receivedAt,
      outcome: row.last_outcome,
      latencyMs: row.last_latency_ms,
      lossPct: row.last_loss_pct,
      error: row.last_error,
    },
  };
}

export function resultView(row: ProbeResultRow) {
  return {
    host: row.host_id,
    at: Number(row.at),
    receivedAt: Number(row.received_at),
    outcome: row.outcome,
    method: row.method,
    latencyMs: row.latency_ms,
    lossPct: row.loss_pct,
    status: row.status,
    certNotAfter: num(row.cert_not_after),
    error: row.error,
    message: row.message,
    addresses: row.addresses === null ? null : (JSON.parse(row.addresses) as string[]),
  };
}
