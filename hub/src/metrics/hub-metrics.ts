import type { Kysely } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { poolOf, sqliteHandleOf } from '../db/connect.js';
import type { Database } from '../db/database.js';
import type { IngestObserver } from '../ingest/session-dispatch.js';
import type { DeliveryObserver } from '../notify/notifications.js';
import { countOpenIncidents, countOutbox } from './store.js';

/** What the registry reads at scrape time. */
export interface MetricsSources {
  readonly db: Kysely<Database>;
  /** Agents connected to this instance now. */
  readonly connectedAgents: () => number;
  /** This hub instance's id: the `instance` label when several hubs share PostgreSQL. */
  readonly instanceId?: string;
}

/** The hub's Prometheus registry and the observers the features report through. */
export interface HubMetrics {
  readonly registry: Registry;
  readonly ingest: IngestObserver;
  readonly delivery: DeliveryObserver;
  /** The registry in the text exposition format (gauges read from the database now). */
  scrape(): Promise<string>;
}

/** How often the event-loop lag histogram samples the loop (a timer wake-up each time). */
export const EVENT_LOOP_SAMPLE_MS = 100;
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const NOTIFY_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Build the hub's registry once (composition root): its own, never prom-client's global one. */
export function createHubMetrics(sources: MetricsSources): HubMetrics {
  const registry = new Registry();
  if (sources.instanceId !== undefined) registry.setDefaultLabels({ instance: sources.instanceId });
  // Process metrics, event-loop lag included (nodejs_eventloop_lag_*), on this registry only. The
  // lag histogram samples the loop with a timer every `eventLoopMonitoringPrecision` ms: prom-client's
  // 10 ms woke an idle hub 100 times a second (~4 ms of CPU a second, most of its idle cost); at
  // 100 ms a stall still shows in the percentiles, for a tenth of the wake-ups.
  collectDefaultMetrics({
    register: registry,
    prefix: 'vigie_hub_',
    eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
  });
  // Gauges named `_total` (promtool's lint refuses them); the same counts by type remain.
  for (const kind of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`vigie_hub_nodejs_active_${kind}_total`);
  const registers = [registry];

  const reports = new Counter({
    name: 'vigie_ingest_reports_total',
    help: 'Agent data messages committed, by message type.',
    labelNames: ['type'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'vigie_ingest_commit_seconds',
    help: 'Time to commit one agent data message, by message type.',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const batch = new Histogram({
    name: 'vigie_ingest_commit_batch_samples',
    help: 'Samples per committed metrics message.',
    buckets: BATCH_BUCKETS,
    registers,
  });
  const notifyLatency = new Histogram({
    name: 'vigie_notification_latency_seconds',
    help: 'From a notice queued in the outbox to its delivery to the channel.',
    buckets: NOTIFY_BUCKETS,
    registers,
  });
  scrapeGauges(registers, sources);

  return {
    registry,
    ingest: {
      committed(type, seconds, samples) {
        reports.inc({ type });
        latency.observe({ type }, seconds);
        if (type === 'metrics') batch.observe(samples);
      },
    },
    delivery: { sent: (seconds) => notifyLatency.observe(seconds) },
    scrape: () => registry.metrics(),
  };
}

/** Gauges computed at scrape time (`collect`): nothing is kept up to date between scrapes. */
function scrapeGauges(registers: Registry[], sources: MetricsSources): void {
  const { db } = sources;
  new Gauge({
    name: 'vigie_agents_connected',
    help: 'Agents connected to this hub instance.',
    registers,
    collect() {
      this.set(sources.connectedAgents());
    },
  });
  new Gauge({
    name: 'vigie_incidents_open',
    help: 'Open incidents, by priority and support level.',
    labelNames: ['priority', 'level'] as const,
    registers,
    async collect() {
      this.reset();
      for (const row of await countOpenIncidents(db))
        this.set({ priority: row.priority, level: row.level }, Number(row.count));
    },
  });
  // Both outbox gauges are collected together (the registry collects concurrently): one query.
  let outboxRead: Promise<Map<string, number>> | undefined;
  const readOutbox = () => {
    outboxRead ??= countOutbox(db)
      .then((rows) => new Map(rows.map((row) => [row.state, Number(row.count)])))
      .finally(() => {
        outboxRead = undefined;
      });
    return outboxRead;
  };
  const outboxGauge = (name: string, help: string, states: readonly string[]) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const outbox = await readOutbox();
        this.set(states.reduce((sum, state) => sum + (outbox.get(state) ?? 0), 0));
      },
    });
  outboxGauge('vigie_outbox_backlog', 'Notifications waiting for delivery (pending or sending).', [
    'pending',
    'sending',
  ]);
  outboxGauge('vigie_outbox_dead_letters', 'Notifications given up after their last attempt.', ['dead']);
  databaseGauges(registers, db);
}

/** The connection pool on PostgreSQL; the one connection on SQLite. */
function databaseGauges(registers: Registry[], db: Kysely<Database>): void {
  const pool = poolOf(db);
  const sqlite = sqliteHandleOf(db);
  new Gauge({
    name: 'vigie_db_connections',
    help: 'Database connections by state (PostgreSQL pool: idle, busy, waiting clients; SQLite: one).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      if (pool) {
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'busy' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      } else if (sqlite) {
        this.set({ state: 'idle' }, sqlite.inTransaction ? 0 : 1);
        this.set({ state: 'busy' }, sqlite.inTransaction ? 1 : 0);
      }
    },
  });
}
