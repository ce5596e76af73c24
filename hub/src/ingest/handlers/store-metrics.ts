import type { MetricsMessage, Sample } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { NO_REPORT_FACTS, type ReportFacts, recordHostReport } from '../../repositories/hosts.js';
import { insertSamples } from '../../repositories/samples.js';
import type { SenderIdentity } from '../commit-in-transaction.js';
import { latestCandidate } from '../sample-admission.js';

/** The headline figures of a sample, kept as columns for the fleet view and charts. */
export interface Headline {
  readonly cpu_pct: number | null;
  readonly mem_pct: number | null;
  readonly swap_pct: number | null;
  readonly disk_max_pct: number | null;
  readonly load1: number | null;
}

export function headline(sample: Sample): Headline {
  // A loop, not map + Math.max(...): this runs for every stored sample (the hot path, 0031).
  let diskMax: number | null = null;
  for (const fs of sample.filesystems ?? [])
    diskMax = diskMax === null ? fs.usedPct : Math.max(diskMax, fs.usedPct);
  return {
    cpu_pct: sample.cpu?.usagePct ?? null,
    mem_pct: sample.memory?.usedPct ?? null,
    swap_pct: sample.memory?.swapUsedPct ?? null,
    disk_max_pct: diskMax,
    load1: sample.cpu?.load?.[0] ?? null,
  };
}

/**
 * Store a metrics batch (its admitted samples, possibly none): one row per sample, and the newest
 * current figures on the host (see `recordHostReport`).
 */
export async function storeMetrics(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: MetricsMessage,
  receivedAt: number,
  facts: ReportFacts = NO_REPORT_FACTS,
): Promise<void> {
  if (message.samples.length > 0)
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
  const newest = latestCandidate(message.samples);
  const health = newest && { last_sample_at: newest.at, ...headline(newest) };
  await recordHostReport(trx, sender.hostId, receivedAt, facts, health);
}
