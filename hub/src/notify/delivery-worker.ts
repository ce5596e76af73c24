import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { IncidentNotice } from '../incidents/notifier.js';
import {
  claimDueDeliveries,
  markDeliveryFailed,
  markDeliverySent,
  type OutboxRow,
} from '../repositories/outbox.js';
import { generateId, type RandomBytes } from '../security/secrets.js';
import type { NotificationChannel } from './channel-config.js';
import { findChannels } from './channels/store.js';
import type { SendResult } from './delivery.js';
import { backoffDelay, withTimeout } from './retry.js';
import type { SendToChannel } from './send-to-channel.js';

export interface DeliveryWorkerOptions {
  /** Sweep period; a wake after a commit comes sooner. */
  readonly intervalMs: number;
  /** Attempts before a delivery is dead. */
  readonly maxAttempts: number;
  /** Per-request bound (senders enforce it; the worker adds a safety net). */
  readonly timeoutMs: number;
  /** Deliveries in flight at once (one claim per round). */
  readonly concurrency: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** How long a claim holds before another worker may take the row over; longer than timeoutMs. */
  readonly leaseMs: number;
}

export interface DeliveryWorkerDeps {
  readonly db: Kysely<Database>;
  readonly clock: () => number;
  readonly log: Logger;
  readonly random: RandomBytes;
  /** Uniform in [0, 1); spreads retries so receivers coming back are not hit all at once. */
  readonly jitter: () => number;
  /** Told how long each delivered notice waited since it was queued (/metrics). */
  readonly observer?: { sent(seconds: number): void };
}

export interface TickReport {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
}

export interface DeliveryWorker {
  /** Sweep every intervalMs (unref'd timer) until stop(). */
  start(): void;
  /** Stop sweeping and wait for the pass in flight. */
  stop(): Promise<void>;
  /** Deliver everything due now; concurrent calls share the pass in flight (and run one more). */
  tick(): Promise<TickReport>;
  /** Run a pass soon (after something was queued); no-op unless started. */
  wake(): void;
}

// Bounds one pass, so a backlog cannot keep stop() waiting for long.
const MAX_ROUNDS_PER_PASS = 50;

/** Claims due outbox rows, sends them, and records each outcome (sent, retry later, or dead). */
export function createDeliveryWorker(
  deps: DeliveryWorkerDeps,
  send: SendToChannel,
  options: DeliveryWorkerOptions,
): DeliveryWorker {
  const { db, log } = deps;
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<TickReport> | undefined;
  let again = false;
  let wakeQueued = false;

  async function attempt(row: OutboxRow, channel: NotificationChannel | undefined): Promise<SendResult> {
    if (row.attempts > options.maxAttempts) {
      return {
        ok: false,
        error: `lease expired after the last attempt (${row.last_error ?? 'no error'})`,
        retryable: false,
      };
    }
    if (!channel) return { ok: false, error: 'the channel is missing or no longer valid', retryable: false };
    if (!channel.enabled) return { ok: false, error: 'the channel is disabled', retryable: false };
    let notice: IncidentNotice;
    try {
      notice = JSON.parse(row.payload) as IncidentNotice;
    } catch {
      return { ok: false, error: 'the stored payload is not JSON', retryable: false };
    }
    try {
      const delivery = { deliveryKey: row.delivery_key, notice, attempt: row.attempts };
      // The sender bounds its own request; this only keeps a stuck one from outliving the lease.
      return await withTimeout(send(channel, delivery), options.timeoutMs + 1000);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), retryable: true };
    }
  }

  async function deliver(row: OutboxRow, claim: string, channel: NotificationChannel | undefined) {
    const result = await attempt(row, channel);
    const now = deps.clock();
    if (result.ok) {
      await markDeliverySent(db, row.id, claim, now);
      deps.observer?.sent(Math.max(0, now - row.created_at) / 1000);
      return 'sent' as const;
    }
    const dead = !result.retryable || row.attempts >= options.maxAttempts;
    const nextAttemptAt = dead ? now : now + backoffDelay(row.attempts, options, deps.jitter());
    await markDeliveryFailed(db, row.id, claim, {
      state: dead ? 'dead' : 'pending',
      nextAttemptAt,
      error: result.error,
    });
    if (dead) {
      log.warn(
        {
          deliveryKey: row.delivery_key,
          channel: channel?.name ?? row.channel_id,
          attempts: row.attempts,
          error: result.error,
        },
        'notification delivery dead',
      );
      return 'dead' as const;
    }
    log.info(
      { deliveryKey: row.delivery_key, attempts: row.attempts, error: result.error, nextAttemptAt },
      'notification delivery failed, will retry',
    );
    return 'retried' as const;
  }

  async function pass(report: TickReport): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS_PER_PASS; round++) {
      const claim = generateId('clm', deps.random);
      const rows = await claimDueDeliveries(db, {
        now: deps.clock(),
        limit: options.concurrency,
        leaseMs: options.leaseMs,
        claimToken: claim,
      });
      if (rows.length === 0) return;
      report.claimed += rows.length;
      const channels = await findChannels(db, [...new Set(rows.map((r) => r.channel_id))]);
      const outcomes = await Promise.all(
        rows.map((row) => deliver(row, claim, channels.get(row.channel_id))),
      );
      for (const outcome of outcomes) report[outcome]++;
      if (rows.length < options.concurrency) return;
    }
  }

  function tick(): Promise<TickReport> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    const running = (async () => {
      const report: TickReport = { claimed: 0, sent: 0, retried: 0, dead: 0 };
      do {
        again = false;
        await pass(report);
      } while (again && !stopped);
      return report;
    })();
    inFlight = running.finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function sweep() {
    tick().catch((error) => log.error({ err: error }, 'notification delivery pass failed'));
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      sweep();
      await inFlight?.catch(() => {});
      schedule();
    }, options.intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (started) return;
      started = true;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight?.catch(() => {});
    },
    tick,
    wake() {
      if (!started || stopped || wakeQueued) return;
      wakeQueued = true;
      setImmediate(() => {
        wakeQueued = false;
        if (!stopped) sweep();
      });
    },
  };
}
