import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createConnection, hubWebSocketUrl, openSpool, SILENT_LOG } from '@vigie/agent';
import { createStaticCarry, type StaticCarry } from '@vigie/shared';
import Database from 'better-sqlite3';
import type { SeenFrame } from './fault-proxy.js';

/** What one agent sent (seen on the wire) against what the hub stored, by (agent, boot, seq). */
export interface Reconciliation {
  /** Distinct (boot, seq) data messages the agent sent, resends counted once. */
  readonly sent: number;
  /** Frames of those that went more than once (resends after a lost ack, a crash, a reconnect). */
  readonly resent: number;
  /** Of the sent messages, those stored (every sample of a metrics message, or the event). */
  readonly stored: number;
  /** Sent, not stored. Must be 0. */
  readonly lost: number;
  /** Rows stored twice: the same sample (`at`) or check transition under two keys, or rows for a key nobody sent. Must be 0. */
  readonly duplicates: number;
  /** Samples the agent declared dropped (metricsGap), which count as delivered by declaration. */
  readonly declaredGaps: number;
  /** `seq_gap` delivery events: holes in a boot's seq range. */
  readonly seqGaps: number;
}

const DATA_TYPES = new Set([
  'metrics',
  'checkState',
  'inventory',
  'metricsGap',
  'probeResult',
  'checkSnapshot',
]);

interface SentMessage {
  readonly type: string;
  readonly bootId: string;
  readonly seq: number;
  readonly samples: number;
  /** The message as the hub reads it: lean samples filled from their connection (decision 0031). */
  readonly content: unknown;
}

/** The data messages `agentId` sent through the proxy, by `bootId/seq`, and how many went twice. */
export function sentBy(frames: readonly SeenFrame[], agentId: string) {
  const sent = new Map<string, SentMessage>();
  let resent = 0;
  // Static fields on change, samples as changes: a resend on a new connection carries what its first
  // send left out, so the same message is compared as the hub reads it, each connection with its own
  // carry.
  const carries = new Map<number, StaticCarry>();
  for (const frame of frames) {
    if (frame.direction !== 'up' || frame.agentId !== agentId) continue;
    const carry = carries.get(frame.connection) ?? createStaticCarry();
    carries.set(frame.connection, carry);
    // The hello says whether the connection's samples come as changes (decision 0033).
    if (frame.type === 'hello') carry.fill(JSON.parse(frame.raw));
    if (!DATA_TYPES.has(frame.type)) continue;
    if (frame.bootId === undefined || frame.seq === undefined) continue;
    const key = `${frame.bootId}/${frame.seq}`;
    const content: unknown = JSON.parse(frame.raw);
    carry.fill(content);
    const before = sent.get(key);
    if (before) {
      resent += 1;
      // A resend carries the very message first sent under that key, or the key means nothing.
      if (!isDeepStrictEqual(before.content, content))
        throw new Error(`${key} was sent twice with different content`);
      continue;
    }
    sent.set(key, {
      type: frame.type,
      bootId: frame.bootId,
      seq: frame.seq,
      samples: frame.sampleAts?.length ?? 0,
      content,
    });
  }
  return { sent, resent };
}

/** Compare what `agentId` sent with what the hub's SQLite database at `dbPath` holds. */
export function reconcile(dbPath: string, agentId: string, frames: readonly SeenFrame[]): Reconciliation {
  const { sent, resent } = sentBy(frames, agentId);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const agent = db.prepare('select host_id from agents where id = ?').get(agentId) as { host_id: string };
    const host = agent.host_id;
    const count = (rows: unknown[]) =>
      new Map(
        (rows as Array<{ boot_id: string; seq: number; n: number }>).map((r) => [
          `${r.boot_id}/${r.seq}`,
          r.n,
        ]),
      );
    const samples = count(
      db
        .prepare('select boot_id, seq, count(*) as n from samples where host_id = ? group by boot_id, seq')
        .all(host),
    );
    const checks = count(
      db
        .prepare(
          'select boot_id, seq, count(*) as n from check_states where host_id = ? group by boot_id, seq',
        )
        .all(host),
    );
    const gaps = count(
      db
        .prepare(
          'select boot_id, seq, count(*) as n from metric_gaps where agent_id = ? group by boot_id, seq',
        )
        .all(agentId),
    );
    const committed = new Map(
      (
        db
          .prepare('select boot_id, committed_seq from agent_boots where agent_id = ?')
          .all(agentId) as Array<{
          boot_id: string;
          committed_seq: number;
        }>
      ).map((r) => [r.boot_id, Number(r.committed_seq)]),
    );
    let stored = 0;
    let duplicates = 0;
    for (const [key, message] of sent) {
      const rows =
        message.type === 'metrics'
          ? (samples.get(key) ?? 0)
          : message.type === 'checkState'
            ? (checks.get(key) ?? 0)
            : message.type === 'metricsGap'
              ? (gaps.get(key) ?? 0)
              : // Inventory, probe results and check snapshots are not stored by key: committed means stored.
                (committed.get(message.bootId) ?? 0) >= message.seq
                ? 1
                : 0;
      const expected = message.type === 'metrics' ? message.samples : 1;
      if (rows >= expected) stored += 1;
      duplicates += Math.max(0, rows - expected);
    }
    // Rows under keys the agent never sent, and the same content under two keys.
    for (const table of [samples, checks, gaps])
      for (const [key, n] of table) if (!sent.has(key)) duplicates += n;
    const twice = (sql: string, arg: string) =>
      Number((db.prepare(sql).get(arg) as { n: number | null }).n ?? 0);
    duplicates += twice(
      'select sum(n - 1) as n from (select count(*) as n from samples where host_id = ? group by at having n > 1)',
      host,
    );
    duplicates += twice(
      `select sum(n - 1) as n from (select count(*) as n from check_states where host_id = ?
         group by at, "check", resource, state having n > 1)`,
      host,
    );
    const declaredGaps = twice('select sum(count) as n from metric_gaps where agent_id = ?', agentId);
    const seqGaps = twice(
      "select count(*) as n from delivery_events where agent_id = ? and kind = 'seq_gap'",
      agentId,
    );
    return { sent: sent.size, resent, stored, lost: sent.size - stored, duplicates, declaredGaps, seqGaps };
  } finally {
    db.close();
  }
}

/**
 * After the agent process stopped: send what its spool still holds (sent but not acknowledged
 * when it stopped, or never sent) through `proxyUrl` with the agent's own spool and connection
 * code, the way its next start would, and wait until the spool is empty. The identity is the
 * agent's captured `hello`, with the secret of its credentials file.
 */
export async function drainSpool(stateDir: string, proxyUrl: string, capturedHello: string): Promise<number> {
  const hello = JSON.parse(capturedHello) as Record<string, unknown> & { type?: string; bootId?: string };
  const { type: _type, bootId: _bootId, ...captured } = hello;
  // The secret on disk now: the hub may have rotated it since the hello was captured.
  const saved = JSON.parse(readFileSync(join(stateDir, 'credentials.json'), 'utf8')) as {
    agentId: string;
    secret: string;
  };
  const identity = { ...captured, credential: { agentId: saved.agentId, secret: saved.secret } };
  const opened = openSpool({
    dir: join(stateDir, 'spool'),
    bootId: `boot-drain-${Date.now()}`,
    log: SILENT_LOG,
    clock: Date.now,
  });
  if (!opened.ok) throw new Error(opened.message);
  const { spool } = opened;
  const left = spool.recovered.unsent + spool.recovered.sent;
  const connection = createConnection({
    url: hubWebSocketUrl(proxyUrl),
    hello: () => identity as never,
    outbox: spool.outbox,
    onEvent: () => {},
    log: SILENT_LOG,
    clock: Date.now,
    random: Math.random,
    backoff: { baseMs: 50, capMs: 500 },
  });
  connection.start();
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const stats = spool.outbox.stats();
      if (stats.queued === 0 && stats.inFlight === 0) break;
      if (Date.now() > deadline) throw new Error(`spool not drained: ${JSON.stringify(stats)}`);
      connection.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await connection.close();
    spool.close();
  }
  return left;
}

/** Print a reconciliation as a `[measure]` line (collected into docs/reliability.md). */
export function report(what: string, r: Reconciliation): void {
  console.log(
    `[measure] ${what}: sent ${r.sent} (resent ${r.resent}), stored ${r.stored}, lost ${r.lost}, duplicates ${r.duplicates}, declared gaps ${r.declaredGaps}, seq gaps ${r.seqGaps}`,
  );
}
