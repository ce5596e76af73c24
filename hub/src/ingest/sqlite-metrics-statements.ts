import type SQLite from 'better-sqlite3';

// The SQLite hot path's statements (decision 0018, made leaner by 0031): each one means what the
// generic path (commitInTransaction + storeMetrics, through Kysely) does; the tests run both.

/** Sample rows per multi-row insert: 12 parameters each, far under SQLite's bound of 32 766. */
export const SAMPLE_ROWS_PER_INSERT = 64;
export const SAMPLE_COLUMNS = 12;

const INSERT_SAMPLES = `insert into samples (host_id, boot_id, seq, idx, at, received_at, cpu_pct, mem_pct,
  swap_pct, disk_max_pct, load1, payload) values `;
const SAMPLE_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
// No conflict target: a resent sample conflicts on samples_host_at_key (host_id, at, boot_id, seq,
// idx), the one index led by the host that also serves series reads (decision 0036).

// Health follows arrival (repositories/hosts.ts `recordHostReport` has the same guard): an older
// backlog arriving late does not overwrite newer health, a sample stamped ahead pins nothing.
// Every right-hand side of an UPDATE reads the row as it was, so the guard holds for each column.
const HEALTH_GUARD = `(last_sample_received_at is null or (@receivedAt >= last_sample_received_at and
  @sampleAt >= min(last_sample_at, last_sample_received_at)))`;
const guarded = (column: string) =>
  `${column} = case when ${HEALTH_GUARD} then @${column} else ${column} end`;

type Statement = SQLite.Statement<unknown[]>;
type NamedStatement = SQLite.Statement<[Record<string, unknown>]>;

/** The prepared statements of the hot path, on the hub's own connection. */
export interface MetricsStatements {
  readonly committedSeq: Statement;
  /** `rows` sample rows in one statement (prepared once per row count). */
  insertSamples(rows: number): Statement;
  /** The host row of a report without samples: last seen, refusals, clock offset. */
  readonly touchHost: NamedStatement;
  /** The same and the host's health from its newest sample, in one statement. */
  readonly touchHostWithHealth: NamedStatement;
  readonly advanceSeq: Statement;
  readonly deliveryEvent: Statement;
}

export function prepareStatements(sqlite: SQLite.Database): MetricsStatements {
  const sampleInserts = new Map<number, Statement>();
  return {
    committedSeq: sqlite
      .prepare('select committed_seq from agent_boots where agent_id = ? and boot_id = ?')
      .pluck(),
    insertSamples(rows) {
      let statement = sampleInserts.get(rows);
      if (!statement) {
        statement = sqlite.prepare(
          `${INSERT_SAMPLES}${Array.from({ length: rows }, () => SAMPLE_ROW).join(', ')}
            on conflict do nothing`,
        );
        sampleInserts.set(rows, statement);
      }
      return statement;
    },
    touchHost: sqlite.prepare(
      `update hosts set last_seen_at = @receivedAt, refused_samples = refused_samples + @refused,
        clock_offset_ms = coalesce(@offset, clock_offset_ms), clock_offset_at = coalesce(@offsetAt, clock_offset_at)
        where id = @hostId`,
    ),
    touchHostWithHealth: sqlite.prepare(
      `update hosts set last_seen_at = @receivedAt, refused_samples = refused_samples + @refused,
        clock_offset_ms = coalesce(@offset, clock_offset_ms), clock_offset_at = coalesce(@offsetAt, clock_offset_at),
        ${['cpu_pct', 'mem_pct', 'swap_pct', 'disk_max_pct', 'load1'].map(guarded).join(', ')},
        last_sample_at = case when ${HEALTH_GUARD} then @sampleAt else last_sample_at end,
        last_sample_received_at = case when ${HEALTH_GUARD} then @receivedAt else last_sample_received_at end
        where id = @hostId`,
    ),
    advanceSeq: sqlite.prepare(
      `insert into agent_boots (agent_id, boot_id, committed_seq, started_at, updated_at)
        values (?, ?, ?, ?, ?) on conflict (agent_id, boot_id)
        do update set committed_seq = excluded.committed_seq, updated_at = excluded.updated_at
        where agent_boots.committed_seq < excluded.committed_seq`,
    ),
    deliveryEvent: sqlite.prepare(
      `insert into delivery_events (agent_id, boot_id, kind, from_seq, to_seq, host_id, at)
        values (?, ?, ?, ?, ?, ?, ?) on conflict (agent_id, boot_id, kind, from_seq) do nothing`,
    ),
  };
}

/** Insert sample rows (`values` holds SAMPLE_COLUMNS per row), SAMPLE_ROWS_PER_INSERT per statement. */
export function insertSampleRows(statements: MetricsStatements, values: readonly unknown[]): void {
  const rows = values.length / SAMPLE_COLUMNS;
  for (let first = 0; first < rows; first += SAMPLE_ROWS_PER_INSERT) {
    const count = Math.min(SAMPLE_ROWS_PER_INSERT, rows - first);
    statements
      .insertSamples(count)
      .run(values.slice(first * SAMPLE_COLUMNS, (first + count) * SAMPLE_COLUMNS));
  }
}
