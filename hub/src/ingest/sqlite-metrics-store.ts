import type { MetricsMessage } from '@vigie/shared';
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { NO_REPORT_FACTS, type ReportFacts } from '../repositories/hosts.js';
import {
  type CommitOutcome,
  type SenderIdentity,
  seqGapFrom,
  storedOutcome,
} from './commit-in-transaction.js';
import { type Headline, headline } from './handlers/store-metrics.js';
import type { MetricsStore } from './metrics-store.js';
import { latestCandidate } from './sample-admission.js';
import { insertSampleRows, type MetricsStatements, prepareStatements } from './sqlite-metrics-statements.js';

// The SQLite hot path (docs/decisions/0018): prepared statements instead of building and
// preparing each query (Kysely's builder plus better-sqlite3's prepare were half the hub's CPU per
// report), and group commit: the messages that arrived from every connection since the last
// commit share one transaction, so one WAL commit serves many reports. The statements mean
// exactly what the generic path (commitInTransaction + storeMetrics) does; the tests run both.
// Decision 0031 made a report cheaper: three statements (committed seq, host, boot seq) and a share
// of one multi-row sample insert per batch, no savepoint unless a batch fails (then each message
// is run again alone, in its own savepoint, so one bad message still fails alone).

export interface GroupCommitOptions {
  /** Wait this long for more messages before committing (0: commit on the next turn of the event loop). */
  readonly windowMs: number;
  /** Messages per transaction at most, so one commit never holds the database for long. */
  readonly maxBatch: number;
}

// Measured (1 000 reports/s, 1 000 hosts): ~0.14 ms of CPU per report committing on the next turn
// of the event loop, ~0.09 ms with a 10 ms window (0018). The timer is armed only by an arrival, so
// an idle hub commits nothing; from 1000/windowMs reports a second on, a commit runs every window,
// and one costs ~0.1–0.18 ms of CPU on its own (0031): 100 a second at 10 ms, 20 at 50 ms. A
// socket's queued messages share a commit (the session pipelines them, `inOrder` below), so the
// window no longer caps one agent at 1000/windowMs messages a second: it is 50 ms (0031, amended
// 7 December: a flooder still reaches its 4032).
export const GROUP_COMMIT_DEFAULTS: GroupCommitOptions = { windowMs: 50, maxBatch: 500 };

interface Pending {
  readonly sender: SenderIdentity;
  readonly message: MetricsMessage;
  readonly receivedAt: number;
  readonly facts: ReportFacts;
  readonly resolve: (outcome: CommitOutcome) => void;
  readonly reject: (error: unknown) => void;
}

type Result = { ok: true; outcome: CommitOutcome } | { ok: false; error: unknown };

/**
 * The metrics store on the embedded SQLite database. `db` is the Kysely instance on the same
 * connection: a batch runs while holding Kysely's connection, so it never interleaves with a
 * transaction the rest of the hub has open on it.
 */
export function createSqliteMetricsStore(
  db: Kysely<Database>,
  sqlite: SQLite.Database,
  options: GroupCommitOptions = GROUP_COMMIT_DEFAULTS,
): MetricsStore {
  // Prepared on first use: the store is created before the migrations may have run.
  let statements: MetricsStatements | undefined;
  const queue: Pending[] = [];
  let scheduled = false;

  /**
   * One message inside the batch's transaction; its sample rows are appended to `rows` (inserted
   * by the caller) or, with `rows` undefined, inserted at once.
   */
  function storeOne(
    s: MetricsStatements,
    { sender, message, receivedAt, facts }: Pending,
    rows: unknown[] | undefined,
  ): CommitOutcome {
    const committed = Number(s.committedSeq.get(sender.agentId, message.bootId) ?? 0);
    if (message.seq <= committed) return { status: 'duplicate', committedSeq: committed };
    const values = rows ?? [];
    const { samples } = message;
    // One pass, no closure or spread per report: the newest sample's headline is the one just
    // computed for its row, and the host statement's parameters are one object literal.
    const newest = latestCandidate(samples);
    let health: Headline | undefined;
    for (let idx = 0; idx < samples.length; idx++) {
      const sample = samples[idx]!;
      const h = headline(sample);
      if (sample === newest) health = h;
      values.push(
        sender.hostId,
        message.bootId,
        message.seq,
        idx,
        sample.at,
        receivedAt,
        h.cpu_pct,
        h.mem_pct,
        h.swap_pct,
        h.disk_max_pct,
        h.load1,
        JSON.stringify(sample),
      );
    }
    if (!rows) insertSampleRows(s, values);
    const offset = facts.clockOffsetMs ?? null;
    const offsetAt = offset === null ? null : receivedAt;
    const refused = facts.refusedSamples;
    const hostId = sender.hostId;
    if (newest && health) {
      s.touchHostWithHealth.run({
        hostId,
        receivedAt,
        refused,
        offset,
        offsetAt,
        sampleAt: newest.at,
        cpu_pct: health.cpu_pct,
        mem_pct: health.mem_pct,
        swap_pct: health.swap_pct,
        disk_max_pct: health.disk_max_pct,
        load1: health.load1,
      });
    } else s.touchHost.run({ hostId, receivedAt, refused, offset, offsetAt });
    s.advanceSeq.run(sender.agentId, message.bootId, message.seq, receivedAt, receivedAt);
    const newBoot = committed === 0;
    if (newBoot) {
      s.deliveryEvent.run(
        sender.agentId,
        message.bootId,
        'boot',
        message.seq,
        message.seq,
        sender.hostId,
        receivedAt,
      );
    }
    const gapFrom = seqGapFrom(committed, message.seq);
    if (gapFrom !== undefined) {
      s.deliveryEvent.run(
        sender.agentId,
        message.bootId,
        'seq_gap',
        gapFrom,
        message.seq - 1,
        sender.hostId,
        receivedAt,
      );
    }
    return storedOutcome(message.seq, gapFrom, newBoot);
  }

  // The common case: the whole batch in one transaction without savepoints, every sample row of
  // it in a few multi-row inserts. Any failure rolls all of it back (better-sqlite3 does on throw).
  const storeWhole = sqlite.transaction((s: MetricsStatements, batch: Pending[]): Result[] => {
    const rows: unknown[] = [];
    const results = batch.map((pending): Result => ({ ok: true, outcome: storeOne(s, pending, rows) }));
    insertSampleRows(s, rows);
    return results;
  });
  // After a failure: each message in its own savepoint, so the one that fails (its host was deleted
  // meanwhile) is rolled back and rejected alone, and the others still commit.
  const storeInSavepoint = sqlite.transaction((s: MetricsStatements, pending: Pending) =>
    storeOne(s, pending, undefined),
  );
  const storeOneByOne = sqlite.transaction((s: MetricsStatements, batch: Pending[]): Result[] =>
    batch.map((pending) => {
      try {
        return { ok: true, outcome: storeInSavepoint(s, pending) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );

  function storeBatch(batch: Pending[]): Result[] {
    statements ??= prepareStatements(sqlite);
    try {
      return storeWhole(statements, batch);
    } catch {
      return storeOneByOne(statements, batch);
    }
  }

  async function flush(): Promise<void> {
    let batch: Pending[] = [];
    let results: Result[] | undefined;
    try {
      await db.connection().execute(async () => {
        scheduled = false;
        batch = queue.splice(0, options.maxBatch);
        // What is left has waited already (the batch was full): it goes on the next turn.
        if (queue.length > 0) schedule(true);
        if (batch.length === 0) return;
        results = storeBatch(batch);
      });
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored. Without
      // a batch, the connection could not be had at all (database closed): fail what waits.
      for (const pending of batch.length > 0 ? batch : queue.splice(0)) pending.reject(error);
      return;
    }
    if (batch.length === 0) return;
    batch.forEach((pending, i) => {
      const result = results![i]!;
      if (result.ok) pending.resolve(result.outcome);
      else pending.reject(result.error);
    });
  }

  /** A flush after the window, or on the next turn of the event loop when a batch is already full. */
  function schedule(full: boolean): void {
    if (full) {
      setImmediate(() => void flush());
      return;
    }
    if (scheduled) return;
    scheduled = true;
    if (options.windowMs > 0) setTimeout(() => void flush(), options.windowMs);
    else setImmediate(() => void flush());
  }

  return {
    // One queue, taken in order by flushes that run one at a time on the one connection.
    inOrder: true,
    commit(sender, message, receivedAt, facts = NO_REPORT_FACTS) {
      return new Promise<CommitOutcome>((resolve, reject) => {
        queue.push({ sender, message, receivedAt, facts, resolve, reject });
        schedule(queue.length === options.maxBatch);
      });
    },
  };
}
