import type { MetricsMessage, Sample } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { updateHostHealth } from '../../repositories/hosts.js';
import { insertSamples } from '../../repositories/samples.js';
import type { SenderIdentity } from '../commit-in-transaction.js';

/** The headline figures of a sample, kept as columns for the fleet view and charts. */
export function headline(sample: Sample) {
  const fsPcts = (sample.filesystems ?? []).map((fs) => fs.usedPct);
  return {
    cpu_pct: sample.cpu?.usagePct ?? null,
    mem_pct: sample.memory?.usedPct ?? null,
    swap_pct: sample.memory?.swapUsedPct ?? null,
    disk_max_pct: fsPcts.length > 0 ? Math.max(...fsPcts) : null,
    load1: sample.cpu?.load?.[0] ?? null,
  };
}

/** Store a metrics batch: one row per sample, and the newest figures on the host. */
export async function storeMetrics(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: MetricsMessage,
  receivedAt: number,
): Promise<void> {
  await insertSamples(
    trx,
    message.samples.map((sample, idx) => ({
      host_id: sender.hostId,
      boot_id: message.bootId,
      seq: message.seq,
      idx,
      at: sample.at,
      received_at: receivedAt,
      ...headline(sample),
      payload: JSON.stringify(sample),
    })),
  );
  const newest = message.samples.reduce((a, b) => (b.at >= a.at ? b : a));
  await updateHostHealth(trx, sender.hostId, { last_sample_at: newest.at, ...headline(newest) }, receivedAt);
}
